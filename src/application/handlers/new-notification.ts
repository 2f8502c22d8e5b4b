import type { NotificationPreferences } from '../../domain/notification-preferences.js';
import type { NewNotification } from '../../domain/notification-request.js';
import { orderIdOf } from '../../domain/order-id.js';
import type { Channel } from '../../domain/notification-type.js';
import type { UserId } from '../../domain/user-id.js';
import type { TemplateRelease } from '../ports/template-catalogue.js';
import type { NotificationAsk } from './notification-ask.js';

/** A webhook whose endpoint stays down gives up after three days (its breaker defers it without using attempts). */
const WEBHOOK_TTL_SECONDS = 3 * 86_400;

interface Recorded {
  readonly ask: NotificationAsk;
  readonly release: TemplateRelease;
  readonly userId: UserId | null;
  readonly profile: NotificationPreferences | null;
  readonly channel: Channel;
  readonly recipient: string;
  readonly fallback: readonly Channel[];
}

/**
 * A notification's fields: the template's priority and time to live unless the request sets its
 * own, the recipient's language as its locale unless the request names one, and their time zone
 * (the template's dates render in it).
 */
export function newNotification(id: string, r: Recorded, now: Date): NewNotification {
  const { ask, release, channel } = r;
  const { definition } = release;
  const secrets = definition.variables.filter((v) => v.secret && Object.hasOwn(ask.templateVars, v.name)).map((v) => v.name);
  return {
    id,
    userId: r.userId?.value ?? null,
    type: ask.type,
    channel,
    recipient: r.recipient,
    fromProfile: ask.recipient === null || (channel !== 'email' && ask.channel === null),
    content: { subject: ask.subject ?? null, body: ask.content ?? null, templateVars: ask.templateVars },
    priority: ask.priority ?? definition.priority,
    correlationId: ask.correlationId,
    orderId: orderIdOf(ask.templateVars),
    sourceEventId: ask.sourceEventId,
    secretVariables: secrets,
    templateVersion: release.version,
    locale: ask.locale ?? r.profile?.language ?? null,
    timeZone: r.profile?.timeZone ?? null,
    expiresAt: [ask.expiresAt ?? null, after(now, definition.ttlSeconds), channel === 'webhook' ? after(now, WEBHOOK_TTL_SECONDS) : null].reduce(earliest, null),
    fallback: r.fallback,
    fallbackOf: ask.fallback?.of ?? null,
  };
}

function after(now: Date, seconds: number | null): Date | null {
  return seconds === null ? null : new Date(now.getTime() + seconds * 1000);
}

function earliest(a: Date | null, b: Date | null): Date | null {
  if (a === null || b === null) return a ?? b;
  return a < b ? a : b;
}
