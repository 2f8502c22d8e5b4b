import type { SendFields } from '../../domain/commands.js';
import { type FieldError, InvalidBatchError, InvalidValueError, problemsOf } from '../../domain/errors.js';
import type { CommandHandler, RequestedResult } from '../handler-types.js';
import type { UnitOfWork } from '../ports/unit-of-work.js';
import { idempotent } from './idempotent.js';
import { type RequestDeps, askOf, requestNotifications } from './request-notification.js';

type ItemOutcome = RequestedResult | { readonly problems: readonly FieldError[] };

/**
 * A batch recorded whole or not at all: every item is asked for in the one transaction, and the
 * problems of all the refused ones are collected before the batch is refused (rolling the others
 * back), so the caller can mend every item at once.
 */
export function sendBatch(deps: RequestDeps): CommandHandler<'SendBatch'> {
  return (command, uow) =>
    idempotent(uow, command.idempotency, deps.clock, async () => {
      const outcomes: ItemOutcome[] = [];
      for (const item of command.items) outcomes.push(await requestItem(uow, deps, item, command.correlationId));
      const refused = outcomes.flatMap((outcome, index) => ('notificationId' in outcome ? [] : [{ index, problems: outcome.problems }]));
      if (refused.length > 0) throw new InvalidBatchError(refused);
      return { results: outcomes.filter((outcome): outcome is RequestedResult => 'notificationId' in outcome) };
    });
}

/** One item: its notification, or what is wrong with it (a type, a variable, a recipient). */
async function requestItem(uow: UnitOfWork, deps: RequestDeps, item: SendFields, correlationId: string | null): Promise<ItemOutcome> {
  try {
    const [first, ...more] = await requestNotifications(uow, deps, askOf(item, correlationId));
    if (!first) throw new Error('a request recorded no notification');
    return { notificationId: first.id, status: first.status, notificationIds: [first.id, ...more.map((n) => n.id)] };
  } catch (error) {
    if (error instanceof InvalidValueError) return { problems: problemsOf(error) };
    throw error;
  }
}
