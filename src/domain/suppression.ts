import { DeviceTokens } from './device-tokens.js';
import { EmailAddress } from './email-address.js';
import { InvalidValueError } from './errors.js';
import { Channel } from './notification-type.js';
import { PhoneNumber } from './phone-number.js';
import { UserId } from './user-id.js';
import { WebhookUrl } from './webhook-url.js';

/** Why an address must not be sent to: SMS STOP (`opted_out`), later bounces and complaints, or an admin. */
export const SUPPRESSED_ADDRESS_REASONS = ['opted_out', 'bounced', 'complained', 'manual'] as const;
export type SuppressedAddressReason = (typeof SUPPRESSED_ADDRESS_REASONS)[number];

/** An address that must not be sent to on a channel; one per channel and address. */
export interface Suppression {
  readonly id: string;
  readonly channel: Channel;
  /** In the channel's own form: an email address, an E.164 number, a device token, a URL, a user id. */
  readonly address: string;
  readonly reason: SuppressedAddressReason;
  /** What added it (`sms_stop`, `admin`): one line. */
  readonly source: string;
  readonly createdAt: Date;
}

const SOURCE = /^[\x21-\x7e](?:[\x20-\x7e]{0,98}[\x21-\x7e])?$/;

const ADDRESS: Readonly<Record<Channel, (raw: unknown, field: string) => string>> = {
  email: (raw, field) => EmailAddress.of(raw, field).value,
  sms: (raw, field) => PhoneNumber.of(raw, field).value,
  push: (raw, field) => DeviceTokens.token(raw, field),
  webhook: (raw, field) => WebhookUrl.of(raw, field).value,
  in_app: (raw, field) => UserId.of(raw, field).value,
};

export const Suppression = {
  /** The address as the channel writes it (an email's domain in lower case), so one address is one row. */
  address(channel: Channel, raw: unknown, field = 'address'): string {
    return ADDRESS[channel](raw, field);
  },

  of(fields: { readonly channel: unknown; readonly address: unknown; readonly reason: unknown; readonly source: unknown }, id: string, now: Date): Suppression {
    const channel = Channel.of(fields.channel);
    const { reason, source } = fields;
    if (typeof reason !== 'string' || !(SUPPRESSED_ADDRESS_REASONS as readonly string[]).includes(reason)) {
      throw new InvalidValueError('reason', `must be one of ${SUPPRESSED_ADDRESS_REASONS.join(', ')}`);
    }
    if (typeof source !== 'string' || !SOURCE.test(source)) throw new InvalidValueError('source', 'must be 1 to 100 printable ASCII characters, not starting or ending with a space');
    return { id, channel, address: Suppression.address(channel, fields.address), reason: reason as SuppressedAddressReason, source, createdAt: now };
  },
};
