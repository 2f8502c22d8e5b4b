import { DeviceTokens } from './device-tokens.js';
import type { ContactPointFields } from './events.js';
import { PhoneNumber } from './phone-number.js';
import { WebhookEndpoint, type WebhookEndpointSnapshot } from './webhook-endpoint.js';
import type { WebhookUrl } from './webhook-url.js';

export interface ContactPointsSnapshot {
  /** E.164. */
  readonly phoneNumber: string | null;
  /** At most ten, no repeats, in the order given. */
  readonly pushTokens: readonly string[];
  readonly webhook: WebhookEndpointSnapshot | null;
}

/** Makes a webhook secret; asked only when a URL is set while the profile has no endpoint. */
export type MintSecret = () => string;

/**
 * What a request changes: an absent field keeps what is stored, null (or no tokens) clears it. A
 * webhook URL comes with the means to mint its secret, used when the profile has no endpoint yet.
 */
export type ContactPointsChange = {
  readonly phoneNumber?: PhoneNumber | null;
  readonly pushTokens?: readonly string[];
} & ({ readonly webhookUrl?: null } | { readonly webhookUrl: WebhookUrl; readonly mintSecret: MintSecret });

/** Where a recipient can be reached besides the notification email. Immutable: each change is a new value. */
export class ContactPoints {
  static readonly NONE = new ContactPoints(null, [], null);

  private constructor(
    readonly phoneNumber: PhoneNumber | null,
    readonly pushTokens: readonly string[],
    readonly webhook: WebhookEndpoint | null,
  ) {}

  static restore(s: ContactPointsSnapshot): ContactPoints {
    const phone = s.phoneNumber === null ? null : PhoneNumber.of(s.phoneNumber);
    return new ContactPoints(phone, DeviceTokens.of(s.pushTokens), s.webhook && WebhookEndpoint.restore(s.webhook));
  }

  /**
   * The contact points after `change`. A webhook URL set for the first time gets a new secret
   * (`issuedSecret`, to show once); set again, to another URL or after a 410, the endpoint is
   * enabled and keeps its secrets.
   */
  changed(change: ContactPointsChange): { readonly contacts: ContactPoints; readonly issuedSecret: string | null } {
    const phone = change.phoneNumber === undefined ? this.phoneNumber : change.phoneNumber;
    const tokens = change.pushTokens === undefined ? this.pushTokens : DeviceTokens.of(change.pushTokens);
    const { webhook, issuedSecret } = this.webhookAfter(change);
    return { contacts: new ContactPoints(phone, tokens, webhook), issuedSecret };
  }

  private webhookAfter(change: ContactPointsChange): { webhook: WebhookEndpoint | null; issuedSecret: string | null } {
    if (change.webhookUrl == null) return { webhook: change.webhookUrl === null ? null : this.webhook, issuedSecret: null };
    if (this.webhook) return { webhook: this.webhook.pointedAt(change.webhookUrl), issuedSecret: null };
    const secret = change.mintSecret();
    return { webhook: WebhookEndpoint.issue(change.webhookUrl, secret), issuedSecret: secret };
  }

  withoutPushTokens(dead: readonly string[]): ContactPoints {
    return new ContactPoints(this.phoneNumber, this.pushTokens.filter((token) => !dead.includes(token)), this.webhook);
  }

  withWebhook(webhook: WebhookEndpoint | null): ContactPoints {
    return new ContactPoints(this.phoneNumber, this.pushTokens, webhook);
  }

  equals(other: ContactPoints): boolean {
    const samePhone = this.phoneNumber?.value === other.phoneNumber?.value;
    const sameTokens = this.pushTokens.length === other.pushTokens.length && this.pushTokens.every((t, i) => t === other.pushTokens[i]);
    const sameWebhook = this.webhook === null ? other.webhook === null : this.webhook.equals(other.webhook);
    return samePhone && sameTokens && sameWebhook;
  }

  /** What events carry: the endpoint's URL and state, never its secrets. */
  publicFields(): ContactPointFields {
    const { phoneNumber, pushTokens, webhook } = this;
    return { phoneNumber: phoneNumber?.value ?? null, pushTokens: [...pushTokens], webhookUrl: webhook?.url ?? null, webhookDisabledAt: webhook?.disabledAt ?? null };
  }

  snapshot(): ContactPointsSnapshot {
    return { phoneNumber: this.phoneNumber?.value ?? null, pushTokens: [...this.pushTokens], webhook: this.webhook?.snapshot() ?? null };
  }
}
