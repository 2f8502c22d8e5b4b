import { AggregateRoot } from './aggregate-root.js';
import { ContactPoints, type ContactPointsChange, type ContactPointsSnapshot } from './contact-points.js';
import { DeliverySettings, type DeliverySettingsChange, type DeliverySettingsFields } from './delivery-settings.js';
import { EmailAddress } from './email-address.js';
import { NoWebhookEndpointError } from './errors.js';
import type { ContactPointFields, PreferenceFlags } from './events.js';
import { type Channel, NotificationType } from './notification-type.js';
import type { PhoneNumber } from './phone-number.js';
import { sameFlags, storedFlags } from './preference-flags.js';
import type { QuietHours } from './quiet-hours.js';
import { UserId } from './user-id.js';
import { type WebhookEndpoint, previousSecretExpiry } from './webhook-endpoint.js';

export { preferenceFlags, storedFlags } from './preference-flags.js';

/** What a create or a replace changes besides email and flags: an absent field is kept, null clears it. */
export type PreferencesChange = ContactPointsChange & DeliverySettingsChange;

export interface PreferencesSnapshot extends ContactPointsSnapshot, DeliverySettingsFields {
  readonly userId: string;
  readonly notificationEmail: string;
  /** As stored: may predate a notification type (restore completes it). */
  readonly preferences: Readonly<Record<string, boolean>>;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/**
 * A recipient's profile: notification email, one on/off flag per type, contact points (ADR 17), and
 * delivery settings (language, time zone, quiet hours, channel flags, overrides; ADR 20).
 */
export class NotificationPreferences extends AggregateRoot {
  private issuedSecret: string | null = null;

  private constructor(
    readonly userId: UserId,
    private email: EmailAddress,
    private flags: PreferenceFlags,
    private contacts: ContactPoints,
    private settings: DeliverySettings,
    private readonly snapshotVersion: number,
    readonly createdAt: Date,
    private changedAt: Date,
  ) {
    super();
  }

  static create(userId: UserId, email: EmailAddress, flags: PreferenceFlags, now: Date, username: string | null = null, change: PreferencesChange = {}): NotificationPreferences {
    const { contacts, issuedSecret } = ContactPoints.NONE.changed(change);
    const created = new NotificationPreferences(userId, email, flags, contacts, DeliverySettings.DEFAULT.changed(change), 0, now, now);
    created.issuedSecret = issuedSecret;
    created.raise({ type: 'NotificationPreferencesCreated', ...created.eventFields(), username });
    return created;
  }

  static restore(s: PreferencesSnapshot): NotificationPreferences {
    const [contacts, settings] = [ContactPoints.restore(s), DeliverySettings.restore(s)];
    return new NotificationPreferences(UserId.of(s.userId), EmailAddress.of(s.notificationEmail), storedFlags(s.preferences), contacts, settings, s.version, s.createdAt, s.updatedAt);
  }

  /**
   * Replaces email and flags, and changes the contact points and delivery settings `change` names
   * (an absent one is kept); raises NotificationPreferencesUpdated only when something changed.
   */
  replace(email: EmailAddress, flags: PreferenceFlags, now: Date, change: PreferencesChange = {}): void {
    const { contacts, issuedSecret } = this.contacts.changed(change);
    const settings = this.settings.changed(change);
    this.issuedSecret = issuedSecret;
    const same = sameFlags(this.flags, flags) && this.email.equals(email) && this.contacts.equals(contacts) && this.settings.equals(settings);
    if (same) return;
    const previousEmail = this.email.value;
    [this.email, this.flags, this.contacts, this.settings, this.changedAt] = [email, flags, contacts, settings, now];
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

  /**
   * Whether a notification of `type` may go out on `channel`: the override for that type and
   * channel decides when there is one; otherwise both the type's flag and the channel's flag.
   */
  channelDecision(type: NotificationType, channel: Channel): boolean {
    return this.settings.overrides.decision(type, channel) ?? (this.allows(type) && this.settings.channels.allows(channel));
  }

  /** BCP 47, canonical; null when the recipient set none. */
  get language(): string | null {
    return this.settings.language;
  }

  /** IANA; null when the recipient set none. */
  get timeZone(): string | null {
    return this.settings.timeZone;
  }

  get quietHours(): QuietHours | null {
    return this.settings.quietHours;
  }

  /** Language, time zone, quiet hours, channel flags and overrides, as events and views show them. */
  get deliverySettingsFields(): DeliverySettingsFields {
    return this.settings.fields();
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
    return { ...base, ...this.contacts.snapshot(), ...this.settings.fields(), version: snapshotVersion + 1, createdAt, updatedAt: changedAt };
  }

  private eventFields(): { userId: string; notificationEmail: string; preferences: PreferenceFlags } & ContactPointFields & DeliverySettingsFields {
    const base = { userId: this.userId.value, notificationEmail: this.email.value, preferences: { ...this.flags } };
    return { ...base, ...this.contactPointFields, ...this.settings.fields() };
  }
}
