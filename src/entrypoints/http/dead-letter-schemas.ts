import { DEAD_LETTERS_DEFAULT_SIZE, DEAD_LETTERS_MAX_SIZE } from '../../application/queries/dead-letters.query.js';
import type { DeadLetterDetail, DeadLetterView } from '../../application/ports/dead-letters.js';
import type { DeadLetterFilter } from '../../domain/dead-letter.js';
import { shownBody } from './dead-letter-body.js';
import { redacted } from './dead-letter-redaction.js';
import { OneLine } from './schemas.js';
import { z } from './zod.js';

const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

const FilterFields = {
  reason: OneLine(100).min(1).optional().openapi({ description: 'The service\'s reason (unparseable, invalid_payload, ...) or the broker\'s (delivery_limit, rejected, expired)' }),
  routing_key: OneLine(255).min(1).optional().openapi({ description: 'The routing key it was first published with' }),
  from: instant.optional().openapi({ description: 'Stored at or after (created_at)' }),
  to: instant.optional().openapi({ description: 'Stored at or before (created_at)' }),
};

export const DeadLetterListQuery = z.strictObject({
  ...FilterFields,
  page: z.coerce.number().int().min(1).max(100_000).optional(),
  page_size: z.coerce.number().int().min(1).max(DEAD_LETTERS_MAX_SIZE).default(DEAD_LETTERS_DEFAULT_SIZE),
  cursor: z.string().min(1).max(200).optional().openapi({ description: 'next_cursor of the page before; instead of page' }),
});

export const ReplayByFilterBody = z.strictObject({
  ...FilterFields,
  dry_run: z.boolean().default(false),
  include_replays: z.boolean().default(false).openapi({ description: 'Also replay dead letters that are themselves replays that died again (replay_of set)' }),
});

export const DeadLetterIdParams = z.strictObject({ id: z.uuid() });

export function filterOf(input: { reason?: string; routing_key?: string; from?: Date; to?: Date; include_replays?: boolean }): DeadLetterFilter {
  return { reason: input.reason ?? null, routingKey: input.routing_key ?? null, from: input.from ?? null, to: input.to ?? null, includeReplays: input.include_replays ?? false };
}

const DeadLetterSchema = z
  .object({
    id: z.uuid(),
    routing_key: z.string(),
    exchange: z.string(),
    queue: z.string(),
    reason: z.string(),
    detail: z.string(),
    body: z.string().openapi({
      description:
        'The body as text when it is UTF-8 (JSON or not), else base64 (body_encoding); in a list, its first 2 KiB, body_complete false when there is more (GET /dead-letters/{id} has it all). Secrets (verify_token, reset_token, any *_token, *_secret, *_password) read [redacted] whatever the body, base64 included; a replay publishes the stored bytes',
    }),
    body_encoding: z.enum(['utf8', 'base64']),
    body_complete: z.boolean().openapi({ description: 'body holds the whole stored body' }),
    body_truncated: z.boolean().openapi({ description: 'Only the first 256 KiB were kept; such a dead letter cannot be replayed' }),
    body_size: z.number().int(),
    headers: z.record(z.string(), z.unknown()),
    dropped_headers: z.array(z.string()).openapi({ description: 'Headers left out: those a replay could not encode, then those past 64 KiB (largest first), then a count of those past the first 1,000' }),
    first_death_at: z.iso.datetime(),
    last_death_at: z.iso.datetime(),
    death_count: z.number().int(),
    replayed_at: z.iso.datetime().nullable(),
    replay_of: z.uuid().nullable().openapi({ description: 'The dead letter this one was replayed from' }),
    created_at: z.iso.datetime(),
  })
  .openapi('DeadLetter');

export const DeadLetterPageResponse = z
  .object({
    items: z.array(DeadLetterSchema),
    total: z.number().int().openapi({ description: 'How many match, counted up to 10,000' }),
    total_capped: z.boolean().openapi({ description: 'More than 10,000 match: total says 10,000' }),
    next_cursor: z.string().nullable(),
    page: z.number().int().optional(),
    page_size: z.number().int(),
  })
  .openapi('DeadLetters');

export const DeadLetterDetailResponse = DeadLetterSchema.extend({ replays: z.array(z.uuid()) }).openapi('DeadLetterDetail');
export const ReplayedResponse = z.object({ id: z.uuid(), replayed_at: z.iso.datetime() }).openapi('DeadLetterReplayed');
export const ReplayByFilterResponse = z
  .object({
    count: z.number().int(),
    dry_run: z.boolean(),
    remaining: z.number().int().optional().openapi({ description: 'A run: how many match that the call did not reach (10,000 looked at, unroutable ones included, or 64 MiB of bodies); call again' }),
    unroutable: z.array(z.string()).optional().openapi({ description: 'A run: up to 100 routing keys of dead letters skipped because no binding of the service routes them' }),
    unroutable_capped: z.boolean().optional().openapi({ description: 'A run: more routing keys were skipped than unroutable names' }),
  })
  .openapi('DeadLettersReplayed');

const headersOf = (headers: DeadLetterView['headers']) => redacted(headers).value as Record<string, unknown>;

export function deadLetterJson(d: DeadLetterView) {
  return {
    id: d.id,
    routing_key: d.routingKey,
    exchange: d.exchange,
    queue: d.queue,
    reason: d.reason,
    detail: d.detail,
    ...shownBody(d.body, d.bodyComplete),
    body_complete: d.bodyComplete,
    body_truncated: d.bodyTruncated,
    body_size: d.bodySize,
    headers: headersOf(d.headers),
    dropped_headers: d.droppedHeaders,
    first_death_at: d.firstDeathAt.toISOString(),
    last_death_at: d.lastDeathAt.toISOString(),
    death_count: d.deathCount,
    replayed_at: d.replayedAt?.toISOString() ?? null,
    replay_of: d.replayOf,
    created_at: d.createdAt.toISOString(),
  };
}

export function deadLetterDetailJson(d: DeadLetterDetail) {
  return { ...deadLetterJson(d), replays: d.replays };
}
