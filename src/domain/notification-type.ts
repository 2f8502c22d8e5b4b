import { InvalidValueError } from './errors.js';

/**
 * The types shipped with the release, each seeded from `templates/email/{type}` as version 1 of its
 * template. Any other type is a template created over REST: a type is a template's key.
 */
export const BUILT_IN_TYPES = [
  'email_verification',
  'password_reset',
  'welcome',
  'security_alert',
  'order_confirmation',
  'order_status_update',
] as const;

export type BuiltInType = (typeof BUILT_IN_TYPES)[number];

/** The type of a send that brings its own subject and content (no template of its own). */
export const DIRECT_MESSAGE_TYPE = 'message';

/** Every type whose template ships in `templates/email`, seeded as version 1 at start. */
export const SHIPPED_TYPES = [...BUILT_IN_TYPES, DIRECT_MESSAGE_TYPE] as const;

/** A notification type: the key of the template it is rendered from. */
export type NotificationType = string;

const KEY = /^[a-z][a-z0-9_.-]{0,63}$/;

export const NotificationType = {
  isBuiltIn(raw: unknown): raw is BuiltInType {
    return typeof raw === 'string' && (BUILT_IN_TYPES as readonly string[]).includes(raw);
  },

  /** A well-formed key; whether a template has it is the catalogue's to say. */
  of(raw: unknown, field = 'notification_type'): NotificationType {
    if (typeof raw !== 'string' || !KEY.test(raw)) {
      throw new InvalidValueError(field, 'must be a template key: a lower-case letter followed by at most 63 of a-z, 0-9, _, . or -');
    }
    return raw;
  },
};

/** Every channel a notification can go out on; a template carries a variant per channel it supports. */
export const CHANNELS = ['email', 'sms', 'push', 'webhook', 'in_app'] as const;
export type Channel = (typeof CHANNELS)[number];

export const Channel = {
  of(raw: unknown, field = 'channel'): Channel {
    if (!(CHANNELS as readonly unknown[]).includes(raw)) throw new InvalidValueError(field, `must be one of ${CHANNELS.join(', ')}`);
    return raw as Channel;
  },
};
