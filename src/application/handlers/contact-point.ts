import { DeviceTokens } from '../../domain/device-tokens.js';
import { EmailAddress } from '../../domain/email-address.js';
import { InvalidValueError } from '../../domain/errors.js';
import type { NotificationPreferences } from '../../domain/notification-preferences.js';
import type { Channel, NotificationType } from '../../domain/notification-type.js';
import { PhoneNumber } from '../../domain/phone-number.js';
import { UserId } from '../../domain/user-id.js';
import { WebhookUrl } from '../../domain/webhook-url.js';

export interface Addressing {
  readonly channel: Channel;
  readonly type: NotificationType;
  /** The address the send named; null: the profile's. */
  readonly recipient: string | null;
  readonly userId: UserId | null;
}

/**
 * The address a notification goes to on its channel: the one the send named (checked as that
 * channel's address), else the contact point the user's profile holds for the channel; null when
 * the profile holds none (recorded `suppressed`, `no_contact_point`). An email verification goes to
 * the address being verified; other email to the stored notification email when there is one.
 */
export function addressOf(a: Addressing, profile: NotificationPreferences | null): string | null {
  if (a.recipient !== null && (profile === null || a.channel !== 'email' || a.type === 'email_verification')) return named(a.channel, a.recipient);
  // A user's feed needs no profile: the user id is the address.
  if (a.channel === 'in_app' && a.userId !== null) return a.recipient === null ? a.userId.value : named('in_app', a.recipient);
  if (profile === null) {
    if (a.userId === null) throw new InvalidValueError('recipient', 'give the recipient, or a userid whose profile holds one');
    throw new InvalidValueError('userid', a.channel === 'email' ? 'has no stored notification email: give the recipient address' : `has no profile: give the ${a.channel} recipient`);
  }
  return stored(a.channel, profile);
}

/**
 * A routed channel's address: as addressOf, except that a missing one is null (recorded
 * `no_contact_point`) rather than the caller's error: routing never asked for that channel.
 */
export function routedAddressOf(a: Addressing, profile: NotificationPreferences | null): string | null {
  if (profile === null && a.recipient === null && a.channel !== 'in_app') return null;
  return addressOf(a, profile);
}

function named(channel: Channel, recipient: string): string {
  switch (channel) {
    case 'email':
      return EmailAddress.of(recipient, 'recipient').value;
    case 'sms':
      return PhoneNumber.of(recipient, 'recipient').value;
    case 'push':
      return DeviceTokens.format([DeviceTokens.token(recipient, 'recipient')]);
    case 'webhook':
      return WebhookUrl.of(recipient, 'recipient').value;
    case 'in_app':
      return UserId.of(recipient).value;
  }
}

function stored(channel: Channel, profile: NotificationPreferences): string | null {
  switch (channel) {
    case 'email':
      return profile.notificationEmail.value;
    case 'sms':
      return profile.phoneNumber?.value ?? null;
    case 'push':
      return profile.pushTokens.length > 0 ? DeviceTokens.format(profile.pushTokens) : null;
    case 'webhook':
      return profile.webhookEndpoint?.enabled ? profile.webhookEndpoint.url : null;
    case 'in_app':
      return profile.userId.value;
  }
}
