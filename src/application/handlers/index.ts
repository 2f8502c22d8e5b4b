import type { RetrySchedule } from '../delivery-policy.js';
import type { HandlerRegistry } from '../handler-registry.js';
import type { ApiKeySecrets } from '../ports/api-key-secrets.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';
import { createApiKey, revokeApiKey } from './api-key.handlers.js';
import { createPreferences } from './create-preferences.handler.js';
import { recordDeliveryOutcomes, retryNotification, sendNotification } from './delivery.handlers.js';
import { alertOnPreferencesUpdated, welcomeOnPreferencesCreated } from './reactions.js';
import { receiveEvent } from './receive-event.handler.js';
import { replacePreferences } from './replace-preferences.handler.js';

export interface HandlerDeps {
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly secrets: ApiKeySecrets;
  readonly retrySchedule: RetrySchedule;
  readonly random: () => number;
}

/** The one registry: command → exactly one handler, event → its reactions and handlers. */
export function buildHandlerRegistry(deps: HandlerDeps): HandlerRegistry {
  const { clock, ids } = deps;
  return {
    commands: {
      CreatePreferences: createPreferences(clock),
      ReplacePreferences: replacePreferences(clock),
      CreateApiKey: createApiKey(deps),
      RevokeApiKey: revokeApiKey(clock),
      ReceiveEvent: receiveEvent(clock, ids),
      SendNotification: sendNotification(clock, ids),
      RecordDeliveryOutcomes: recordDeliveryOutcomes({ clock, schedule: deps.retrySchedule, random: deps.random }),
      RetryNotification: retryNotification(clock),
    },
    reactions: {
      NotificationPreferencesCreated: [welcomeOnPreferencesCreated(clock, ids)],
      NotificationPreferencesUpdated: [alertOnPreferencesUpdated(clock, ids)],
      NotificationRequested: [],
      NotificationSent: [],
      NotificationFailed: [],
    },
    events: {
      NotificationPreferencesCreated: [],
      NotificationPreferencesUpdated: [],
      NotificationRequested: [],
      NotificationSent: [],
      NotificationFailed: [],
    },
  };
}
