import type { InboundEvent, SendFields } from '../../domain/commands.js';
import { EmailAddress } from '../../domain/email-address.js';
import { PayloadConflictError } from '../../domain/errors.js';
import { NotificationPreferences, preferenceFlags } from '../../domain/notification-preferences.js';
import { Schedule } from '../../domain/schedule.js';
import { UserId } from '../../domain/user-id.js';
import type { CommandHandler, CommandResults } from '../handler-types.js';
import type { UnitOfWork } from '../ports/unit-of-work.js';
import { storedRequest } from '../scheduling/scheduled-request.js';
import { checkSendable } from '../templates/release-for.js';
import { type RequestDeps, askOf, requestNotifications } from './request-notification.js';

export type Requested = Extract<InboundEvent, { kind: 'NotificationRequested' }>;
type Received = CommandResults['ReceiveEvent'];

/**
 * One upstream event: recorded in the inbox in the same transaction as its effects, so a
 * redelivery is a no-op and the same id with another payload is refused (the first one stands).
 * An event with a `send_at` still ahead becomes a one-off schedule, fired then.
 */
export function receiveEvent(deps: RequestDeps): CommandHandler<'ReceiveEvent'> {
  return async (command, uow) => {
    const verdict = await uow.inbox.record(command.eventId, command.payloadHash, command.eventType, deps.clock.now());
    if (verdict === 'duplicate') return { outcome: 'duplicate', notificationIds: [] };
    if (verdict === 'conflict') throw new PayloadConflictError(command.eventId);
    const { event } = command;
    if (event.kind === 'UserRegistered') return registered(uow, deps, event);
    if (event.sendAt !== null && event.sendAt > deps.clock.now()) return scheduled(uow, deps, event, event.sendAt);
    const ask = { ...askOf(sendOf(event), command.correlationId), sourceEventId: command.eventId };
    const notifications = await requestNotifications(uow, deps, ask);
    return { outcome: 'processed', notificationIds: notifications.map((n) => n.id) };
  };
}

/** A user registered twice keeps the preferences stored first. */
async function registered(uow: UnitOfWork, deps: RequestDeps, event: Extract<InboundEvent, { kind: 'UserRegistered' }>): Promise<Received> {
  const userId = UserId.of(event.userId);
  if (!(await uow.preferences.get(userId))) {
    const email = EmailAddress.of(event.email, 'email');
    await uow.preferences.add(NotificationPreferences.create(userId, email, preferenceFlags(), deps.clock.now(), event.username));
  }
  return { outcome: 'processed', notificationIds: [] };
}

/** Checked now as a send would be (dead-lettered when it cannot be sent), fired at `sendAt`. */
async function scheduled(uow: UnitOfWork, deps: RequestDeps, event: Requested, sendAt: Date): Promise<Received> {
  const send = sendOf(event);
  await checkSendable(deps.templates, deps.checkVariables, send);
  await uow.schedules.add(Schedule.create({ id: deps.ids.newId(), request: storedRequest(send), timeZone: null, recurrence: null, firstFireAt: sendAt }, deps.clock.now()));
  return { outcome: 'processed', notificationIds: [] };
}

/** An event's request as a send: the one shape every way of asking for a notification comes to. */
export function sendOf(event: Requested): SendFields {
  const { notificationType, userId, channel, recipient, templateVars, variablesField, subject, content, priority, locale, expiresAt } = event;
  return { notificationType, userId, channel, recipient, templateVars, variablesField, subject, content, priority, locale, expiresAt };
}
