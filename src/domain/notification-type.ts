import { InvalidValueError } from './errors.js';

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

export const CHANNELS = ['email'] as const;
export type Channel = (typeof CHANNELS)[number];
