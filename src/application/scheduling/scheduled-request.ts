import { InvalidValueError } from '../../domain/errors.js';
import type { ScheduledRequest } from '../../domain/schedule.js';
import { Channel } from '../../domain/notification-type.js';
import { Priority } from '../../domain/priority.js';
import type { SendFields } from '../../domain/commands.js';

/** What a schedule stores to send: a send as the API or an event asked for it, in plain JSON. */
export function storedRequest(send: SendFields): ScheduledRequest {
  return { ...send, expiresAt: send.expiresAt?.toISOString() ?? null };
}

/** The send a schedule stored, read back (its JSON as storedRequest wrote it). */
export function sendOf(stored: ScheduledRequest): SendFields {
  const text = (name: string) => (typeof stored[name] === 'string' ? (stored[name] as string) : null);
  const type = text('notificationType');
  if (type === null) throw new InvalidValueError('request.notificationType', 'the stored request names no type');
  const vars = stored.templateVars;
  const priority = text('priority');
  const expiresAt = text('expiresAt');
  return {
    notificationType: type,
    channel: channelOf(stored, text('channel')),
    // Requests stored before channels named their recipient `recipientEmail`.
    recipient: text('recipient') ?? text('recipientEmail'),
    userId: text('userId'),
    subject: text('subject'),
    content: text('content'),
    templateVars: typeof vars === 'object' && vars !== null && !Array.isArray(vars) ? (vars as Record<string, unknown>) : {},
    variablesField: text('variablesField') ?? 'variables',
    priority: priority === null ? null : Priority.of(priority, 'priority'),
    locale: text('locale'),
    expiresAt: expiresAt === null ? null : new Date(expiresAt),
  };
}

/** The stored channel; null (stored as such): routed. Requests stored before channels name none: email. */
function channelOf(stored: ScheduledRequest, channel: string | null): Channel | null {
  if (!Object.hasOwn(stored, 'channel')) return 'email';
  return channel === null ? null : Channel.of(channel, 'request.channel');
}
