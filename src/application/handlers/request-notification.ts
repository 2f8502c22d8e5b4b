import { EmailAddress } from '../../domain/email-address.js';
import type { NotificationPreferences } from '../../domain/notification-preferences.js';
import { type NewNotification, NotificationRequest } from '../../domain/notification-request.js';
import { DEFAULT_PRIORITY, type NotificationType, SECRET_VARIABLES } from '../../domain/notification-type.js';
import type { Priority } from '../../domain/priority.js';
import { UserId } from '../../domain/user-id.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { UnitOfWork } from '../ports/unit-of-work.js';

export interface NotificationAsk {
  readonly type: NotificationType;
  readonly userId: string | null;
  readonly email: string;
  readonly templateVars: Readonly<Record<string, unknown>>;
  readonly subject?: string | null;
  readonly content?: string | null;
  /** null or absent: the type's default. */
  readonly priority?: Priority | null;
  readonly correlationId: string | null;
  readonly sourceEventId: string | null;
  /**
   * `exact`: to `email` whatever the stored preferences say (a security alert about a change of
   * those very preferences). Default: the stored notification email and flags decide.
   */
  readonly routing?: 'preferences' | 'exact';
}

/**
 * Records one notification in the caller's transaction: `pending` to be sent, or `suppressed`
 * when the user opted out of its type. Preferences are read inside the transaction, on the
 * primary, so an opt-out written just before is honoured. An email verification goes to the
 * address being verified; anything else to the stored notification email when there is one.
 */
export async function requestNotification(uow: UnitOfWork, clock: Clock, ids: IdGenerator, ask: NotificationAsk): Promise<NotificationRequest> {
  const userId = ask.userId === null ? null : UserId.of(ask.userId);
  const eventEmail = EmailAddress.of(ask.email, 'email');
  const exact = ask.routing === 'exact';
  const preferences = userId && !exact ? await uow.preferences.get(userId) : null;
  const recipient = ask.type === 'email_verification' || !preferences ? eventEmail : preferences.notificationEmail;
  const fields = newNotification(ids.newId(), userId?.value ?? null, recipient.value, ask);
  const notification = optedOut(preferences, ask.type)
    ? NotificationRequest.suppress(fields, 'preference_opt_out', clock.now())
    : NotificationRequest.request(fields, clock.now());
  await uow.notifications.add(notification);
  return notification;
}

function optedOut(preferences: NotificationPreferences | null, type: NotificationType): boolean {
  return preferences !== null && !preferences.allows(type);
}

function newNotification(id: string, userId: string | null, recipient: string, ask: NotificationAsk): NewNotification {
  return {
    id,
    userId,
    type: ask.type,
    channel: 'email',
    recipient,
    content: { subject: ask.subject ?? null, body: ask.content ?? null, templateVars: ask.templateVars },
    priority: ask.priority ?? DEFAULT_PRIORITY[ask.type],
    correlationId: ask.correlationId,
    sourceEventId: ask.sourceEventId,
    secretVariables: SECRET_VARIABLES[ask.type].filter((name) => Object.hasOwn(ask.templateVars, name)),
  };
}
