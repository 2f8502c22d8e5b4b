import type { RequestIdempotency } from '../../domain/commands.js';
import { IdempotencyKeyInFlightError, IdempotencyKeyMismatchError } from '../../domain/errors.js';
import type { Clock } from '../ports/clock.js';
import type { UnitOfWork } from '../ports/unit-of-work.js';

/**
 * A REST request's work, done once per Idempotency-Key: the claim, the work's writes and the stored
 * response commit together. The same key and body get the first response, another body is
 * refused, and a key whose first request is still running is reported in flight.
 */
export async function idempotent<R extends Readonly<Record<string, unknown>>>(
  uow: UnitOfWork,
  idempotency: RequestIdempotency | null,
  clock: Clock,
  work: () => Promise<R>,
): Promise<R> {
  if (!idempotency) return work();
  const claim = await uow.idempotency.claim(idempotency.key, idempotency.requestHash);
  if (claim.kind === 'mismatch') throw new IdempotencyKeyMismatchError();
  if (claim.kind === 'in_flight') throw new IdempotencyKeyInFlightError();
  if (claim.kind === 'replay') return claim.response as R;
  const response = await work();
  await uow.idempotency.complete(idempotency.key, idempotency.requestHash, response, clock.now());
  return response;
}
