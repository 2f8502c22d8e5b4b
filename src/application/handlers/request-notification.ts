import { EmailAddress } from '../../domain/email-address.js';
import { NotificationRequest } from '../../domain/notification-request.js';
import type { NotificationType } from '../../domain/notification-type.js';
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
  readonly correlationId: string | null;
  readonly sourceEventId: string | null;
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
  const preferences = userId ? await uow.preferences.get(userId) : null;
  const recipient = ask.type === 'email_verification' || !preferences ? eventEmail : preferences.notificationEmail;
  const fields = {
    id: ids.newId(),
    userId: userId?.value ?? null,
    type: ask.type,
    channel: 'email' as const,
    recipient: recipient.value,
    content: { subject: ask.subject ?? null, body: ask.content ?? null, templateVars: ask.templateVars },
    correlationId: ask.correlationId,
    sourceEventId: ask.sourceEventId,
  };
  const notification =
    preferences && !preferences.allows(ask.type)
      ? NotificationRequest.suppress(fields, 'preference_opt_out', clock.now())
      : NotificationRequest.request(fields, clock.now());
  await uow.notifications.add(notification);
  return notification;
}
