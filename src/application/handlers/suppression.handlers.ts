import { SuppressionNotFoundError } from '../../domain/errors.js';
import { Suppression } from '../../domain/suppression.js';
import type { CommandHandler } from '../handler-types.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';

/** Idempotent: an address suppressed already keeps its first suppression (its reason, source and time). */
export function addSuppression(deps: { readonly clock: Clock; readonly ids: IdGenerator }): CommandHandler<'AddSuppression'> {
  return async (command, uow) => {
    const wanted = Suppression.of(command, deps.ids.newId(), deps.clock.now());
    const stored = await uow.suppressions.add(wanted);
    return { suppression: stored, created: stored.id === wanted.id };
  };
}

/** The address may be sent to again. */
export function liftSuppression(): CommandHandler<'LiftSuppression'> {
  return async ({ suppressionId }, uow) => {
    if (!(await uow.suppressions.lift(suppressionId))) throw new SuppressionNotFoundError(suppressionId);
  };
}
