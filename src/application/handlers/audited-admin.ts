import type { HandlerRegistry } from '../handler-types.js';
import type { Clock } from '../ports/clock.js';
import { audited } from './audited.js';
import { bulkRetryTarget } from './bulk-retry-target.js';

type Commands = HandlerRegistry['commands'];
type AdminCommands = Pick<
  Commands,
  'CreatePreferences' | 'ReplacePreferences' | 'CreateApiKey' | 'RevokeApiKey' | 'RetryNotification' | 'RetryFailedNotifications' | 'CreateTemplate' | 'PublishTemplateVersion' | 'RotateWebhookSecret' | 'LiftSuppression'
>;

/** The admin actions of the registry, each recording an audit entry when an API key asked for it. */
export function auditedAdminCommands(clock: Clock, handlers: AdminCommands): AdminCommands {
  return {
    CreatePreferences: audited(clock, 'preferences.created', (_, r) => ({ type: 'user', id: r.userId }), handlers.CreatePreferences),
    ReplacePreferences: audited(clock, 'preferences.changed', (c, r) => ({ type: 'user', id: c.userId, detail: { created: r.created } }), handlers.ReplacePreferences),
    CreateApiKey: audited(clock, 'api_key.created', (_, r) => ({ type: 'api_key', id: r.id, detail: { name: r.name, scopes: r.scopes } }), handlers.CreateApiKey),
    RevokeApiKey: audited(clock, 'api_key.revoked', (c) => ({ type: 'api_key', id: c.apiKeyId }), handlers.RevokeApiKey),
    RetryNotification: audited(clock, 'notification.retried', (c, r) => ({ type: 'notification', id: c.notificationId, detail: { retry: r.notificationId } }), handlers.RetryNotification),
    RetryFailedNotifications: audited(clock, 'notifications.bulk_retried', bulkRetryTarget, handlers.RetryFailedNotifications),
    CreateTemplate: audited(clock, 'template.created', (_, r) => ({ type: 'template', id: r.key, detail: { version: r.version } }), handlers.CreateTemplate),
    PublishTemplateVersion: audited(clock, 'template.published', (_, r) => ({ type: 'template', id: r.key, detail: { version: r.version } }), handlers.PublishTemplateVersion),
    RotateWebhookSecret: audited(clock, 'webhook_secret.rotated', (c) => ({ type: 'user', id: c.userId }), handlers.RotateWebhookSecret),
    LiftSuppression: audited(clock, 'suppression.lifted', (c) => ({ type: 'suppression', id: c.suppressionId }), handlers.LiftSuppression),
  };
}
