import type { WebhookUrl } from './webhook-url.js';

/** After a rotation the previous secret still signs this long, so receivers can switch over. */
export const SECRET_OVERLAP_MS = 24 * 3_600_000;

/** Until when a secret replaced at `now` still signs. */
export function previousSecretExpiry(now: Date): Date {
  return new Date(now.getTime() + SECRET_OVERLAP_MS);
}

export interface WebhookEndpointSnapshot {
  readonly url: string;
  /** `whsec_` and base64: the Standard Webhooks form. */
  readonly secret: string;
  readonly previousSecret: string | null;
  readonly previousExpiresAt: Date | null;
  /** Set when the endpoint answered 410 Gone; nothing is sent to it until its URL is set again. */
  readonly disabledAt: Date | null;
}

/** A recipient's own webhook endpoint: its URL, the secrets that sign sends to it, and whether it is on. */
export class WebhookEndpoint {
  private constructor(private readonly s: WebhookEndpointSnapshot) {}

  /** A URL set for the first time: a fresh secret. */
  static issue(url: WebhookUrl, secret: string): WebhookEndpoint {
    return new WebhookEndpoint({ url: url.value, secret, previousSecret: null, previousExpiresAt: null, disabledAt: null });
  }

  static restore(snapshot: WebhookEndpointSnapshot): WebhookEndpoint {
    return new WebhookEndpoint({ ...snapshot });
  }

  get url(): string {
    return this.s.url;
  }

  get enabled(): boolean {
    return this.s.disabledAt === null;
  }

  get disabledAt(): Date | null {
    return this.s.disabledAt;
  }

  /** Set again (another URL, or the same one after a 410): enabled, with the secrets it had. */
  pointedAt(url: WebhookUrl): WebhookEndpoint {
    return new WebhookEndpoint({ ...this.s, url: url.value, disabledAt: null });
  }

  /** A new secret; the current one keeps signing for SECRET_OVERLAP_MS (an older previous one stops). */
  rotated(secret: string, now: Date): WebhookEndpoint {
    return new WebhookEndpoint({ ...this.s, secret, previousSecret: this.s.secret, previousExpiresAt: previousSecretExpiry(now) });
  }

  disabled(at: Date): WebhookEndpoint {
    return this.enabled ? new WebhookEndpoint({ ...this.s, disabledAt: at }) : this;
  }

  /** The secrets a send at `now` is signed with: the current one, and the previous one until it expires. */
  signingSecrets(now: Date): readonly string[] {
    const { secret, previousSecret, previousExpiresAt } = this.s;
    return previousSecret !== null && previousExpiresAt !== null && previousExpiresAt > now ? [secret, previousSecret] : [secret];
  }

  equals(other: WebhookEndpoint | null): boolean {
    const [a, b] = [this.s, other?.s];
    return (
      b !== undefined &&
      a.url === b.url &&
      a.secret === b.secret &&
      a.previousSecret === b.previousSecret &&
      a.previousExpiresAt?.getTime() === b.previousExpiresAt?.getTime() &&
      a.disabledAt?.getTime() === b.disabledAt?.getTime()
    );
  }

  snapshot(): WebhookEndpointSnapshot {
    return { ...this.s };
  }
}
