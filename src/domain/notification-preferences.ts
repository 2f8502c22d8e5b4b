import { AggregateRoot } from './aggregate-root.js';
import { ContactPoints, type ContactPointsChange, type ContactPointsSnapshot } from './contact-points.js';
import { EmailAddress } from './email-address.js';
import { NoWebhookEndpointError } from './errors.js';
import type { ContactPointFields, PreferenceFlags } from './events.js';
import { NotificationType } from './notification-type.js';
import type { PhoneNumber } from './phone-number.js';
import { sameFlags, storedFlags } from './preference-flags.js';
import { UserId } from './user-id.js';
import { type WebhookEndpoint, previousSecretExpiry } from './webhook-endpoint.js';

export { preferenceFlags, storedFlags } from './preference-flags.js';

export interface PreferencesSnapshot extends ContactPointsSnapshot {
  readonly userId: string;
  readonly notificationEmail: string;
  /** As stored: may predate a notification type (restore completes it). */
  readonly preferences: Readonly<Record<string, boolean>>;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A recipient's profile: notification email, one on/off flag per type, and contact points (ADR 17). */
export class NotificationPreferences extends AggregateRoot {
  private issuedSecret: string | null = null;

  private constructor(
    readonly userId: UserId,
    private email: EmailAddress,
    private flags: PreferenceFlags,
    private contacts: ContactPoints,
    private readonly snapshotVersion: number,
    readonly createdAt: Date,
    private changedAt: Date,
  ) {
    super();
  }

  static create(userId: UserId, email: EmailAddress, flags: PreferenceFlags, now: Date, username: string | null = null, change: ContactPointsChange = {}): NotificationPreferences {
    const { contacts, issuedSecret } = ContactPoints.NONE.changed(change);
    const created = new NotificationPreferences(userId, email, flags, contacts, 0, now, now);
    created.issuedSecret = issuedSecret;
    created.raise({ type: 'NotificationPreferencesCreated', ...created.eventFields(), username });
    return created;
  }

  static restore(s: PreferencesSnapshot): NotificationPreferences {
    const contacts = ContactPoints.restore(s);
    return new NotificationPreferences(UserId.of(s.userId), EmailAddress.of(s.notificationEmail), storedFlags(s.preferences), contacts, s.version, s.createdAt, s.updatedAt);
  }

  /**
   * Replaces email and flags, and changes the contact points `change` names (an absent one is
   * kept); raises NotificationPreferencesUpdated only when something changed.
   */
  replace(email: EmailAddress, flags: PreferenceFlags, now: Date, change: ContactPointsChange = {}): void {
    const { contacts, issuedSecret } = this.contacts.changed(change);
    this.issuedSecret = issuedSecret;
    if (sameFlags(this.flags, flags) && this.email.equals(email) && this.contacts.equals(contacts)) return;
    const previousEmail = this.email.value;
    [this.email, this.flags, this.contacts, this.changedAt] = [email, flags, contacts, now];
    this.raise({ type: 'NotificationPreferencesUpdated', ...this.eventFields(), previousEmail });
  }

  /**
   * A new webhook secret (shown once, as `issuedWebhookSecret`); answers the endpoint's URL and
   * until when the secret it replaces still signs (24 hours).
   */
  rotateWebhookSecret(secret: string, now: Date): { readonly webhookUrl: string; readonly previousExpiresAt: Date } {
    const webhook = this.contacts.webhook;
    if (!webhook) throw new NoWebhookEndpointError(this.userId.value);
    this.contacts = this.contacts.withWebhook(webhook.rotated(secret, now));
    this.issuedSecret = secret;
    return { webhookUrl: webhook.url, previousExpiresAt: previousSecretExpiry(now) };
  }

  /**
   * Tokens the push provider no longer knows: dropped. Provider feedback, not the user's change:
   * no event (and so no security alert). False when the profile held none of them.
   */
  removePushTokens(tokens: readonly string[]): boolean {
    const after = this.contacts.withoutPushTokens(tokens);
    if (after.equals(this.contacts)) return false;
    this.contacts = after;
    return true;
  }

  /** The endpoint at `url` answered 410: disabled, if it is still the current one and enabled. No event. */
  disableWebhook(url: string, at: Date): boolean {
    const webhook = this.contacts.webhook;
    if (!webhook || webhook.url !== url || !webhook.enabled) return false;
    this.contacts = this.contacts.withWebhook(webhook.disabled(at));
    return true;
  }

  allows(type: NotificationType): boolean {
    return !NotificationType.isBuiltIn(type) || this.flags[type];
  }

  get notificationEmail(): EmailAddress {
    return this.email;
  }

  get phoneNumber(): PhoneNumber | null {
    return this.contacts.phoneNumber;
  }

  get pushTokens(): readonly string[] {
    return this.contacts.pushTokens;
  }

  /** Phone, tokens, webhook URL and state, as events and views show them: never a secret. */
  get contactPointFields(): ContactPointFields {
    return this.contacts.publicFields();
  }

  /** The endpoint, enabled or not (`enabled`); its secrets never leave through views or events. */
  get webhookEndpoint(): WebhookEndpoint | null {
    return this.contacts.webhook;
  }

  /** The secret this instance minted (a first webhook URL, a rotation): answered once, never stored in a view. */
  get issuedWebhookSecret(): string | null {
    return this.issuedSecret;
  }

  /** The version this aggregate was loaded at (0 when new): the repository's optimistic-lock check. */
  get loadedVersion(): number {
    return this.snapshotVersion;
  }

  snapshot(): PreferencesSnapshot {
    const { userId, email, flags, snapshotVersion, createdAt, changedAt } = this;
    const base = { userId: userId.value, notificationEmail: email.value, preferences: { ...flags } };
    return { ...base, ...this.contacts.snapshot(), version: snapshotVersion + 1, createdAt, updatedAt: changedAt };
  }

  private eventFields(): { userId: string; notificationEmail: string; preferences: PreferenceFlags } & ContactPointFields {
    return { userId: this.userId.value, notificationEmail: this.email.value, preferences: { ...this.flags }, ...this.contactPointFields };
  }
}
