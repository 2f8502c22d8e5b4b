import type { Channel } from '../../domain/notification-type.js';
import type { RetrySchedule } from '../../domain/retry-schedule.js';
import type { HandlerRegistry } from '../handler-types.js';
import type { FeedStream } from '../ports/feed-stream.js';
import type { RecentFeedWrites } from '../feed/recent-feed-writes.js';
import type { ApiKeySecrets } from '../ports/api-key-secrets.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { SecretGenerator } from '../ports/secret-generator.js';
import type { WebhookUrlPolicy } from '../ports/webhook-url-policy.js';
import type { TemplateCatalogue, VariablesCheck } from '../ports/template-catalogue.js';
import { auditedAdminCommands } from './audited-admin.js';
import { auditedDeadLetterCommands } from './audited-dead-letters.js';
import { discardDeadLetter, replayDeadLetter, replayDeadLetters, storeDeadLetter } from './dead-letter.handlers.js';
import { countOutcome } from './count-outcome.js';
import { fallBackOnFailure } from './fall-back.js';
import { recheckHeld } from './recheck-held.handler.js';
import { createApiKey, revokeApiKey } from './api-key.handlers.js';
import { createPreferences } from './create-preferences.handler.js';
import { tellFeedChanged } from './feed-changed.js';
import { changeFeedItem, markFeedSeen, readAllFeedItems } from './feed.handlers.js';
import { alertOnPreferencesUpdated, welcomeOnPreferencesCreated } from './reactions.js';
import { receiveEvent } from './receive-event.handler.js';
import { abandonClaim, recordSendReports } from './record-send-reports.handler.js';
import { replacePreferences } from './replace-preferences.handler.js';
import { applyRejectedAddresses } from './rejected-addresses.js';
import { recordDeliveryReceipt } from './record-delivery-receipt.handler.js';
import { retryNotification } from './retry-notification.handler.js';
import { retryFailedNotifications } from './retry-failed-notifications.handler.js';
import { publishEvent } from './publish-event.handler.js';
import { seedTemplates } from './seed-templates.handler.js';
import { sendBatch } from './send-batch.handler.js';
import { sendNotification } from './send-notification.handler.js';
import { addSuppression, liftSuppression } from './suppression.handlers.js';
import { rotateWebhookSecret } from './webhook-secret.handler.js';
import { type TemplateFieldCheck, createTemplate, publishTemplateVersion, saveTemplateDraft } from './template.handlers.js';

export interface HandlerDeps {
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly secrets: ApiKeySecrets;
  readonly retrySchedule: RetrySchedule;
  readonly templates: TemplateCatalogue;
  readonly checkVariables: VariablesCheck;
  readonly checkField: TemplateFieldCheck;
  /** The channels a provider is configured for (the others' notifications are recorded suppressed). */
  readonly configuredChannels: ReadonlySet<Channel>;
  /** Webhook endpoints' signing secrets. */
  readonly secretGenerator: SecretGenerator;
  readonly webhookUrlPolicy: WebhookUrlPolicy;
  /** Tells a user's open connections that their feed changed. */
  readonly feedStream: FeedStream;
  readonly recentFeedWrites: RecentFeedWrites;
}

/** The one registry: command → exactly one handler, event → its reactions and handlers. */
export function buildHandlerRegistry(deps: HandlerDeps): HandlerRegistry {
  const { clock, ids } = deps;
  const none = { NotificationPreferencesCreated: [], NotificationPreferencesUpdated: [], NotificationRecorded: [], NotificationSent: [], NotificationFailed: [], AddressesRejected: [], FallbackDue: [], FeedChanged: [] };
  return {
    commands: {
      ...auditedAdminCommands(clock, {
        CreatePreferences: createPreferences(deps),
        ReplacePreferences: replacePreferences(deps),
        CreateApiKey: createApiKey(deps),
        RevokeApiKey: revokeApiKey(clock),
        RetryNotification: retryNotification(clock, ids),
        RetryFailedNotifications: retryFailedNotifications(clock, ids),
        CreateTemplate: createTemplate(deps),
        PublishTemplateVersion: publishTemplateVersion(deps),
        RotateWebhookSecret: rotateWebhookSecret(deps),
        LiftSuppression: liftSuppression(),
      }),
      ReceiveEvent: receiveEvent(deps),
      SendNotification: sendNotification(deps),
      SendBatch: sendBatch(deps),
      RecordSendReports: recordSendReports(deps.retrySchedule),
      AbandonClaim: abandonClaim(clock),
      RecheckHeld: recheckHeld(clock),
      RecordDeliveryReceipt: recordDeliveryReceipt(clock),
      SeedTemplates: seedTemplates(clock),
      SaveTemplateDraft: saveTemplateDraft(deps),
      AddSuppression: addSuppression(deps),
      ChangeFeedItem: changeFeedItem(clock),
      ReadAllFeedItems: readAllFeedItems(clock),
      MarkFeedSeen: markFeedSeen(clock),
      StoreDeadLetter: storeDeadLetter(deps),
      ...auditedDeadLetterCommands(clock, {
        ReplayDeadLetter: replayDeadLetter(clock),
        ReplayDeadLetters: replayDeadLetters(clock),
        DiscardDeadLetter: discardDeadLetter(),
      }),
      PublishEvent: publishEvent(deps),
    },
    reactions: {
      ...none,
      NotificationPreferencesCreated: [welcomeOnPreferencesCreated(deps)],
      NotificationPreferencesUpdated: [alertOnPreferencesUpdated(deps)],
      FallbackDue: [fallBackOnFailure(deps)],
      NotificationRecorded: [countOutcome(clock)],
      NotificationSent: [countOutcome(clock)],
      NotificationFailed: [countOutcome(clock)],
    },
    events: { ...none, AddressesRejected: [applyRejectedAddresses(ids)], FeedChanged: [tellFeedChanged(deps)] },
  };
}
