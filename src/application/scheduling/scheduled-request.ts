import { InvalidValueError } from '../../domain/errors.js';
import type { ScheduledRequest } from '../../domain/schedule.js';
import { Priority } from '../../domain/priority.js';
import type { NotificationAsk } from '../handlers/request-notification.js';

/** What a schedule stores to send: a send as the API or an event asked for it, in plain JSON. */
export interface SendRequest {
  readonly notificationType: string;
  readonly recipientEmail: string | null;
  readonly userId: string | null;
  readonly subject: string | null;
  readonly content: string | null;
  readonly templateVars: Readonly<Record<string, unknown>>;
  readonly variablesField: string;
  readonly priority: Priority | null;
  readonly locale: string | null;
  readonly expiresAt: Date | null;
}

export function storedRequest(send: SendRequest): ScheduledRequest {
  return { ...send, expiresAt: send.expiresAt?.toISOString() ?? null };
}

/** The ask of one occurrence; its key is the notification's source, as an event id would be. */
export function askOf(stored: ScheduledRequest, occurrenceKey: string): NotificationAsk {
  const text = (name: string) => (typeof stored[name] === 'string' ? (stored[name] as string) : null);
  const type = text('notificationType');
  if (type === null) throw new InvalidValueError('request.notificationType', 'the stored request names no type');
  const vars = stored.templateVars;
  return {
    type,
    email: text('recipientEmail'),
    userId: text('userId'),
    subject: text('subject'),
    content: text('content'),
    templateVars: typeof vars === 'object' && vars !== null && !Array.isArray(vars) ? (vars as Record<string, unknown>) : {},
    variablesField: text('variablesField') ?? 'variables',
    priority: text('priority') === null ? null : Priority.of(text('priority'), 'priority'),
    locale: text('locale'),
    expiresAt: text('expiresAt') === null ? null : new Date(text('expiresAt') as string),
    correlationId: null,
    sourceEventId: occurrenceKey,
  };
}
