/** The values the service knows (src/domain/notification-status.ts, notification-type.ts). */
export const STATUSES = ['pending', 'scheduled', 'sending', 'sent', 'retrying', 'failed', 'suppressed'];
export const CHANNELS = ['email', 'sms', 'push', 'in_app', 'webhook'];
