import type { MessageBus } from '../../application/message-bus.js';
import type { RequestIdempotency } from '../../domain/commands.js';
import { InvalidBatchError } from '../../domain/errors.js';
import { canonicalJson, sha256Hex } from '../canonical-json.js';
import { type ItemResult, type SendBatchAnswer, batchAnswer } from './batch-shapes.js';
import { itemErrors, toProblem } from './problem.js';
import { SendBody } from './send-shapes.js';
import { parsed } from './validation.js';

/** The batch as the route hands it over: raw items, not parsed yet. */
export interface BatchRequest {
  readonly items: readonly unknown[];
  readonly correlationId: string;
  readonly idempotency: RequestIdempotency | null;
}

/**
 * best_effort: each item is a single send in its own transaction. One after the other, so a
 * batch holds at most one pooled connection; a refused item never stops the others. A failure
 * that is no item's fault (the database down) fails the request: with an Idempotency-Key, each
 * item is idempotent on its own, so the same batch sent again records none of them twice.
 */
export async function sendEach(bus: MessageBus, batch: BatchRequest): Promise<SendBatchAnswer> {
  const results: ItemResult[] = [];
  for (const [index, raw] of batch.items.entries()) results.push(await sendOne(bus, batch, index, raw));
  return batchAnswer('best_effort', results);
}

async function sendOne(bus: MessageBus, batch: BatchRequest, index: number, raw: unknown): Promise<ItemResult> {
  const item = parsed(SendBody, raw, '');
  if (!item.ok) return { index, errors: itemErrors(index, item.errors) };
  const idempotency = batch.idempotency && { key: `${batch.idempotency.key} item ${index}`, requestHash: sha256Hex(canonicalJson(raw)) };
  try {
    const result = await bus.handle({ type: 'SendNotification', ...item.data, correlationId: batch.correlationId, idempotency });
    return { index, notification_id: result.notificationId, status: result.status, notification_ids: idsOf(result) };
  } catch (error) {
    const problem = toProblem(error);
    if (!problem || problem.status >= 500) throw error;
    return { index, errors: itemErrors(index, problem.errors.length > 0 ? problem.errors : [{ field: '', message: problem.detail }]) };
  }
}

/**
 * atomic: every item's shape is checked first, then all of them are recorded by one command in one
 * transaction; any refused item (by shape, type, variables or recipient) refuses the whole batch.
 */
export async function sendAll(bus: MessageBus, batch: BatchRequest): Promise<SendBatchAnswer> {
  const items = batch.items.map((raw) => parsed(SendBody, raw, ''));
  const refused = items.flatMap((item, index) => (item.ok ? [] : [{ index, problems: item.errors }]));
  if (refused.length > 0) throw new InvalidBatchError(refused);
  const fields = items.flatMap((item) => (item.ok ? [item.data] : []));
  const { results } = await bus.handle({ type: 'SendBatch', items: fields, correlationId: batch.correlationId, idempotency: batch.idempotency });
  return batchAnswer('atomic', results.map((result, index) => ({ index, notification_id: result.notificationId, status: result.status, notification_ids: idsOf(result) })));
}

/** Every notification a send recorded; an answer replayed from before routing names only its one. */
export function idsOf(result: { readonly notificationId: string; readonly notificationIds?: readonly string[] }): string[] {
  return [...(result.notificationIds ?? [result.notificationId])];
}
