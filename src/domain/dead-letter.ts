import { InvalidTransitionError } from './errors.js';
import { matchesBinding } from './topic-binding.js';

/** A header value as stored: what JSON holds (docs/adr/0024-dead-letters-as-rows.md). */
export type HeaderValue = string | number | boolean | null | readonly HeaderValue[] | { readonly [key: string]: HeaderValue };

export type StoredHeaders = Readonly<Record<string, HeaderValue>>;

/** The AMQP properties a replay publishes again; absent ones are left out. */
export interface MessageProperties {
  readonly messageId?: string;
  readonly correlationId?: string;
  readonly contentType?: string;
  readonly type?: string;
}

/** A message of the dead-letter queue as the mover stores it. */
export interface DeadLetterMessage {
  /** What makes a redelivery of the same message the same row: the service's stamp, else a hash of the message. */
  readonly messageKey: string;
  readonly body: Uint8Array;
  /** The body was larger than a dead letter keeps: `body` holds its first bytes, and it cannot be replayed. */
  readonly bodyTruncated: boolean;
  readonly bodySize: number;
  readonly headers: StoredHeaders;
  /** Headers left out to keep within the budget, largest first. */
  readonly droppedHeaders: readonly string[];
  readonly properties: MessageProperties;
  readonly exchange: string;
  /** The routing key it was first published with: a replay publishes with it again. */
  readonly routingKey: string;
  readonly queue: string;
  readonly reason: string;
  readonly detail: string;
  readonly firstDeathAt: Date;
  readonly lastDeathAt: Date;
  readonly deathCount: number;
  /** The dead letter this message was replayed from (its `x-replayed-from` header). */
  readonly replayOf: string | null;
}

/** Which dead letters a list or a replay by filter covers; null: any. `from`/`to` bound `created_at`. */
export interface DeadLetterFilter {
  readonly reason: string | null;
  readonly routingKey: string | null;
  readonly from: Date | null;
  readonly to: Date | null;
  /** Replays that died again (replay_of set) are left out of a replay by filter unless this is true. */
  readonly includeReplays?: boolean;
}

/** At most this many dead letters are replayed by one request. */
export const REPLAY_CAP = 10_000;
/** One replay-by-filter transaction copies at most this many dead letters, and bytes of body, into the outbox. */
export const REPLAY_CHUNK_ROWS = 100;
export const REPLAY_CHUNK_BYTES = 16 * 1024 * 1024;
/** One replay-by-filter request copies at most this many bytes of body; the answer says how many remain. */
export const REPLAY_CALL_BYTES = 64 * 1024 * 1024;

/** Where a replay by filter stopped: dead letters go newest first, by (created_at, id). */
export interface DeadLetterPosition {
  readonly createdAt: Date;
  readonly id: string;
}

/** A dead letter a replay by filter may take: its size (of body) and routing key decide. */
export interface ReplayCandidate extends DeadLetterPosition {
  readonly routingKey: string;
  /** The exchange it was published to: '' (the default exchange) for an event published over REST. */
  readonly exchange: string;
  readonly bodySize: number;
}

/**
 * Whether the service's queue is bound for `routingKey` (null: no broker bindings known, no check). A
 * replay publishes a dead letter with the routing key it came with, and a broker death's comes
 * from its publisher: a key the service does not consume would publish anywhere.
 */
export function routable(bindings: readonly string[] | null, { routingKey, exchange }: { readonly routingKey: string; readonly exchange: string }): boolean {
  // One published through the default exchange (over REST) goes back to the service's own queue (ADR 28).
  return bindings === null || exchange === '' || bindings.some((pattern) => matchesBinding(pattern, routingKey));
}

export function checkRoutable(bindings: readonly string[] | null, letter: { readonly routingKey: string; readonly exchange: string }): void {
  const { routingKey } = letter;
  if (!routable(bindings, letter)) throw new InvalidTransitionError(`routing key "${routingKey.slice(0, 255)}" is bound to none of the service's queues (${(bindings ?? []).join(', ')}): it is not replayed`);
}

/** The header that names the dead letter a message replays. */
export const REPLAYED_FROM_HEADER = 'x-replayed-from';

/**
 * Headers a death added (the broker's and the service's) and the previous replay's mark: a replay
 * leaves them out, so that it starts as the message first did, and a death of the replay reads as its own.
 */
export const DEATH_HEADERS: readonly string[] = [
  'x-death',
  'x-first-death-exchange',
  'x-first-death-queue',
  'x-first-death-reason',
  'x-last-death-exchange',
  'x-last-death-queue',
  'x-last-death-reason',
  'x-delivery-count',
  'x-dead-letter-id',
  'x-dead-letter-at',
  'x-dead-letter-reason',
  'x-dead-letter-detail',
  'x-dead-letter-delivery-count',
  'x-dead-letter-dropped-headers',
  'x-original-exchange',
  'x-original-routing-key',
  'x-original-queue',
  REPLAYED_FROM_HEADER,
];

/**
 * Headers in which a publisher names more routing keys (RabbitMQ's sender-selected destinations).
 * A replay publishes through the events exchange or the default one, where a CC routing key names
 * a queue: one the service does not consume, another service's. A replay goes where its routing key
 * says, and no further.
 */
export const SENDER_SELECTED_HEADERS: readonly string[] = ['CC', 'BCC'];

/** What a replay leaves out of a dead letter's headers. */
export const LEFT_OUT_OF_REPLAY: readonly string[] = [...DEATH_HEADERS, ...SENDER_SELECTED_HEADERS];

/** The headers a replay of dead letter `id` publishes: its own but those left out, and `x-replayed-from`. */
export function replayHeaders(headers: StoredHeaders, id: string): StoredHeaders {
  const kept = Object.entries(headers).filter(([key]) => !LEFT_OUT_OF_REPLAY.includes(key));
  return { ...Object.fromEntries(kept), [REPLAYED_FROM_HEADER]: id };
}

/** What decides whether a dead letter may be replayed. */
export interface ReplayState {
  readonly id: string;
  readonly routingKey: string;
  readonly exchange: string;
  readonly replayedAt: Date | null;
  readonly bodyTruncated: boolean;
}

/** A dead letter is replayed once; one whose body was cut would publish another message than the one that died. */
export function checkReplayable(state: ReplayState): void {
  if (state.replayedAt) throw new InvalidTransitionError(`dead letter ${state.id} was already replayed at ${state.replayedAt.toISOString()}`);
  if (state.bodyTruncated) throw new InvalidTransitionError(`dead letter ${state.id} has a truncated body: replaying it would publish another message`);
}
