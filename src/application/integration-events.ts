import type { DomainEvent } from '../domain/events.js';
import type { OutboundEvent } from './ports/event-publisher.js';

export interface EventStamp {
  readonly eventId: string;
  readonly occurredAt: Date;
  /** Used when the event does not carry its own (preference events carry none). */
  readonly correlationId: string | null;
}

const SOURCE_SERVICE = 'notification';

/** Internal events: they stay inside the service, never in the outbox. */
const INTERNAL = ['NotificationRecorded', 'AddressesRejected', 'FallbackDue', 'FeedChanged'] as const;
type PublishedEvent = Exclude<DomainEvent, { type: (typeof INTERNAL)[number] }>;

/** Whether the event is published (README "Events in and out"); internal ones stay inside the service. */
export function isPublished(event: DomainEvent): event is PublishedEvent {
  return !(INTERNAL as readonly string[]).includes(event.type);
}

function payload(event: PublishedEvent): { routingKey: string; fields: Record<string, unknown> } {
  switch (event.type) {
    case 'NotificationPreferencesCreated':
    case 'NotificationPreferencesUpdated':
      return {
        routingKey: event.type === 'NotificationPreferencesCreated' ? 'notification.preferences_created' : 'notification.preferences_updated',
        fields: {
          userid: event.userId,
          notification_email: event.notificationEmail,
          preferences: event.preferences,
          // Contact points (additions to seed 002's fields); a webhook's secrets are never published.
          phone_number: event.phoneNumber,
          push_tokens: event.pushTokens,
          webhook_url: event.webhookUrl,
          webhook_disabled_at: event.webhookDisabledAt?.toISOString() ?? null,
          // Delivery settings (ADR 20).
          language: event.language,
          timezone: event.timeZone,
          quiet_hours: event.quietHours,
          channels: event.channels,
          overrides: event.overrides,
        },
      };
    case 'NotificationSent':
      return {
        routingKey: 'notification.sent',
        fields: {
          notification_id: event.notificationId,
          userid: event.userId,
          notification_type: event.notificationType,
          channel: event.channel,
          recipient: event.recipient,
          provider_message_id: event.providerMessageId,
        },
      };
    case 'NotificationFailed':
      return {
        routingKey: 'notification.failed',
        fields: {
          notification_id: event.notificationId,
          userid: event.userId,
          notification_type: event.notificationType,
          channel: event.channel,
          recipient: event.recipient,
          error_message: event.errorMessage,
          retry_count: event.retryCount,
          reason: event.reason,
        },
      };
  }
}

/** A domain event as it is published: dotted routing key, class name, envelope fields. */
export function toOutboundEvent(event: PublishedEvent, stamp: EventStamp): OutboundEvent {
  const { routingKey, fields } = payload(event);
  const correlationId = ('correlationId' in event ? event.correlationId : null) ?? stamp.correlationId;
  return {
    eventId: stamp.eventId,
    routingKey,
    className: event.type,
    correlationId,
    body: {
      event_type: routingKey,
      event_id: stamp.eventId,
      correlation_id: correlationId,
      timestamp: stamp.occurredAt.getTime() / 1000,
      source_service: SOURCE_SERVICE,
      ...fields,
    },
  };
}

/** The routing keys of notification outcomes: what the admin stream relays (seed 000's broadcast). */
export const OUTCOME_ROUTING_KEYS: readonly string[] = ['notification.sent', 'notification.failed'];
