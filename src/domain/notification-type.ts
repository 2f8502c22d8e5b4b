import { InvalidValueError } from './errors.js';
import type { Priority } from './priority.js';

export const NOTIFICATION_TYPES = [
  'email_verification',
  'password_reset',
  'welcome',
  'security_alert',
  'order_confirmation',
  'order_status_update',
] as const;

export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export const NotificationType = {
  is(raw: unknown): raw is NotificationType {
    return typeof raw === 'string' && (NOTIFICATION_TYPES as readonly string[]).includes(raw);
  },

  of(raw: unknown, field = 'notification_type'): NotificationType {
    if (!NotificationType.is(raw)) {
      throw new InvalidValueError(field, `must be one of ${NOTIFICATION_TYPES.join(', ')}`);
    }
    return raw;
  },
};

/** A notification's priority when its cause does not set one: links a user waits for go first. */
export const DEFAULT_PRIORITY: { readonly [T in NotificationType]: Priority } = {
  email_verification: 'critical',
  password_reset: 'critical',
  security_alert: 'critical',
  order_confirmation: 'high',
  order_status_update: 'high',
  welcome: 'normal',
};

/** Variables that grant access (one-time tokens): erased from a notification once it is final. */
export const SECRET_VARIABLES: { readonly [T in NotificationType]: readonly string[] } = {
  email_verification: ['verify_token'],
  password_reset: ['reset_token'],
  security_alert: [],
  order_confirmation: [],
  order_status_update: [],
  welcome: [],
};

export const CHANNELS = ['email'] as const;
export type Channel = (typeof CHANNELS)[number];
