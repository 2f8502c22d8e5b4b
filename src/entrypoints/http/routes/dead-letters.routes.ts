import { DeadLetterReplay } from '../../../application/operations/dead-letter-replay.js';
import { InvalidValueError } from '../../../domain/errors.js';
import { apiKeyIdOf } from '../auth.js';
import type { Api } from '../api.js';
import {
  DeadLetterDetailResponse,
  DeadLetterIdParams,
  DeadLetterListQuery,
  DeadLetterPageResponse,
  ReplayByFilterBody,
  ReplayByFilterResponse,
  ReplayedResponse,
  deadLetterDetailJson,
  deadLetterJson,
  filterOf,
} from '../dead-letter-schemas.js';
import type { HttpDeps } from '../http-deps.js';

const SCOPE = 'dead_letters:manage';
const TAG = 'dead letters';

/** The dead-letter queue's messages as rows (docs/adr/0024-dead-letters-as-rows.md): read, replayed, discarded. */
export function deadLetterRoutes(api: Api, { bus, queries, eventBindings }: HttpDeps): void {
  const replayByFilter = new DeadLetterReplay(bus, queries.deadLetters);
  api.route({
    method: 'get',
    path: '/dead-letters',
    summary: 'Dead letters, newest first, by reason, routing key and time; each body its first 2 KiB (pages reach 10,000 deep: past that, use cursor)',
    tag: TAG,
    scope: SCOPE,
    query: DeadLetterListQuery,
    responses: { 200: { description: 'One page', schema: DeadLetterPageResponse } },
    handle: async ({ query }, res) => {
      const { page, page_size: size, cursor } = query;
      if (page !== undefined && cursor !== undefined) throw new InvalidValueError('cursor', 'give page or cursor, not both');
      const paging = cursor === undefined ? { page: page ?? 1, size } : { cursor, size };
      const found = await queries.deadLetters.list(filterOf(query), paging);
      const pageFields = cursor === undefined ? { page: page ?? 1 } : {};
      res.json({ items: found.items.map(deadLetterJson), total: found.total, total_capped: found.totalCapped, next_cursor: found.nextCursor, ...pageFields, page_size: size });
    },
  });

  api.route({
    method: 'get',
    path: '/dead-letters/:id',
    summary: 'One dead letter, with the later dead letters that replay it',
    tag: TAG,
    scope: SCOPE,
    params: DeadLetterIdParams,
    responses: { 200: { description: 'The dead letter', schema: DeadLetterDetailResponse }, 404: { description: 'No such dead letter' } },
    handle: async ({ params }, res) => void res.json(deadLetterDetailJson(await queries.deadLetters.find(params.id))),
  });

  api.route({
    method: 'post',
    path: '/dead-letters/:id/replay',
    summary:
      'Publish a dead letter again, through the outbox, with its routing key and x-replayed-from: to notification.events, or to the service\'s own queue when it came through the default exchange (published over REST)',
    tag: TAG,
    scope: SCOPE,
    params: DeadLetterIdParams,
    responses: {
      202: { description: 'Written to the outbox', schema: ReplayedResponse },
      404: { description: 'No such dead letter' },
      409: { description: 'Replayed already, its body was truncated, or no binding of the service routes its routing key' },
    },
    handle: async ({ params }, res) => {
      const result = await bus.handle({ type: 'ReplayDeadLetter', deadLetterId: params.id, bindings: eventBindings, actor: apiKeyIdOf(res) });
      res.status(202).json({ id: result.id, replayed_at: result.replayedAt.toISOString() });
    },
  });

  api.route({
    method: 'post',
    path: '/dead-letters/replay',
    summary:
      'Replay the dead letters a filter matches that were not replayed yet and whole, newest first, in chunks of 100; one call looks at 10,000 at most (replayed, or skipped because no binding routes their routing key: unroutable names up to 100 such keys, unroutable_capped when there were more) and copies 64 MiB of bodies at most; remaining says how many it left, unroutable ones included; replays that died again only with include_replays. dry_run counts, up to 10,000, what the filter matches that was not replayed yet and whole, unroutable ones included (a run skips them), whatever the 64 MiB budget',
    tag: TAG,
    scope: SCOPE,
    body: ReplayByFilterBody,
    responses: {
      202: {
        description: 'How many were replayed (dry run: how many match, unroutable ones included); a run names in unroutable the routing keys it left out because no binding of the service routes them',
        schema: ReplayByFilterResponse,
      },
    },
    handle: async ({ body }, res) => {
      const filter = filterOf(body);
      if (body.dry_run) return void res.status(202).json({ count: await queries.deadLetters.replayable(filter), dry_run: true });
      const result = await replayByFilter.run({ filter, bindings: eventBindings, actor: apiKeyIdOf(res) });
      res.status(202).json({ count: result.count, dry_run: false, remaining: result.remaining, unroutable: result.unroutable, unroutable_capped: result.unroutableCapped });
    },
  });

  api.route({
    method: 'delete',
    path: '/dead-letters/:id',
    summary: 'Discard a dead letter',
    tag: TAG,
    scope: SCOPE,
    params: DeadLetterIdParams,
    responses: { 204: { description: 'Discarded' }, 404: { description: 'No such dead letter' } },
    handle: async ({ params }, res) => {
      await bus.handle({ type: 'DiscardDeadLetter', deadLetterId: params.id, actor: apiKeyIdOf(res) });
      res.status(204).end();
    },
  });
}
