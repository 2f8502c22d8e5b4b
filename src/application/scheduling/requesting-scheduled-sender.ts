import type { ScheduledRequest } from '../../domain/schedule.js';
import { type RequestDeps, askOf, requestNotifications } from '../handlers/request-notification.js';
import type { ScheduledSender } from '../ports/scheduled-sender.js';
import type { UnitOfWork } from '../ports/unit-of-work.js';
import { sendOf } from './scheduled-request.js';

/**
 * Fires an occurrence as the send it stores: the template's live version then, its variables
 * checked again (a template changed since is refused with the variable named, never sent blank),
 * the recipient's preferences of that moment. The occurrence key is the notification's source.
 */
export class RequestingScheduledSender implements ScheduledSender {
  constructor(private readonly deps: RequestDeps) {}

  async fire(uow: UnitOfWork, request: ScheduledRequest, occurrenceKey: string): Promise<readonly string[]> {
    const notifications = await requestNotifications(uow, this.deps, { ...askOf(sendOf(request), null), sourceEventId: occurrenceKey });
    return notifications.map((n) => n.id);
  }
}
