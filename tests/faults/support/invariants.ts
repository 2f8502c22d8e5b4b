import { expect } from 'chai';
import type { CapturedMessage } from '../../support/broker.js';
import { eventually, sqlOnPrimary } from '../../support/databases.js';
import type { PipelineWorld } from '../../support/pipeline-world.js';
import type { ServiceProcess } from '../../support/service-process.js';
import type { SmtpSink } from '../../support/smtp-sink.js';
import { deadLetterCount, storedDeadLetters } from '../../support/stored-dead-letters.js';
import { DEAD_LETTER_QUEUE, type FaultBroker, SERVICE_QUEUE } from './fault-broker.js';

export const CAPTURE_QUEUE = 'capture.faults';

export interface InvariantOptions {
  /** Events the scenario expects the service to accept (each makes one notification per routed channel). */
  readonly accepted: number;
  /** The channels each event's type routes to: one notification each (default 1). */
  readonly channelsPerEvent?: number;
  /** The scenario's poison: the message ids expected in the dead-letter queue, or just how many. */
  readonly poison?: readonly string[] | number;
  /** Ambiguous sends may arrive twice (same Message-ID); otherwise every Message-ID arrives once. */
  readonly allowAmbiguous?: boolean;
  /** Where notification.sent / notification.failed were captured (default CAPTURE_QUEUE). */
  readonly captureQueue?: string;
  /** Other service processes to stop before checking the broker (the world's own is always stopped). */
  readonly alsoStop?: readonly ServiceProcess[];
  /** Bound on waiting for quiescence (default 60 s). */
  readonly quiescenceMs?: number;
  /** The sink the service sent to, when not the world's own (e.g. one that requires AUTH). */
  readonly sink?: SmtpSink;
  /**
   * Copies that reached the providers, by notification id (HTTP channels: channel-faults.ts), in
   * place of the sink's messages by Message-ID.
   */
  readonly arrivals?: () => Promise<ReadonlyMap<string, number>>;
}

export interface MeasuredCounts {
  readonly accepted: number;
  readonly sent: number;
  readonly failed: number;
  readonly suppressed: number;
  /** Notifications that arrived twice (ambiguous resends that had arrived): at the sink by Message-ID, or at a provider. */
  readonly duplicates: number;
  readonly deadLettered: number;
}

const n = (value: unknown) => Number(value ?? 0);

/** The sink's messages per notification id (the local part of the Message-ID). */
export function sinkCopies(sink: SmtpSink): Map<string, number> {
  const copies = new Map<string, number>();
  for (const [messageId, list] of sink.byMessageId()) copies.set(messageId.split('@')[0] ?? messageId, list.length);
  return copies;
}

async function notificationCounts(db: string) {
  const [row] = await sqlOnPrimary<Record<string, string>>(
    db,
    `select count(*) as total,
            count(*) filter (where status in ('sent','failed','suppressed')) as final,
            count(*) filter (where status = 'sent') as sent,
            count(*) filter (where status = 'failed') as failed,
            count(*) filter (where status = 'suppressed') as suppressed,
            (select count(*) from inbox) as inbox,
            (select count(*) from outbox where published_at is null) as unpublished
       from notifications`,
  );
  return { total: n(row?.total), final: n(row?.final), sent: n(row?.sent), failed: n(row?.failed), suppressed: n(row?.suppressed), inbox: n(row?.inbox), unpublished: n(row?.unpublished) };
}

/**
 * G1's count: every accepted event made one final notification on each channel its type routes
 * to (a `first` route: one per channel it tried), never two on one channel, and every inbox row
 * made some. Shared by the pipeline and private worlds.
 */
export async function checkOnePerRoutedChannel(
  query: (text: string) => Promise<Array<Record<string, string>>>,
  accepted: number,
  channelsPerEvent: number,
  counts: { readonly total: number; readonly final: number },
): Promise<void> {
  expect(counts.total, 'G1 notifications (one per event and routed channel)').to.equal(accepted * channelsPerEvent);
  expect(counts.final, 'G1 final notifications').to.equal(accepted * channelsPerEvent);
  const [perEvent] = await query(
    `select count(distinct source_event_id) as events,
            (select count(*) from (select 1 from notifications where source_event_id is not null
                                   group by source_event_id, channel having count(*) > 1) twice) as doubled,
            (select count(*) from inbox i where not exists (select 1 from notifications x where x.source_event_id = i.event_id)) as unmatched
       from notifications`,
  );
  expect(n(perEvent?.events), 'G1 events with notifications').to.equal(accepted);
  expect(n(perEvent?.doubled), 'G1 two notifications of one event on one channel').to.equal(0);
  expect(n(perEvent?.unmatched), 'G1 inbox rows without a notification').to.equal(0);
}

/**
 * G1–G5 (docs/reliability.md), checked from outside once the scenario is quiet: waits (bounded) until
 * every accepted event has a final notification, the outbox is drained and the outcomes are on the
 * capture queue; then stops the service (SIGTERM) and checks the broker. Returns the counts measured.
 */
export async function checkInvariants(world: PipelineWorld, broker: FaultBroker, options: InvariantOptions): Promise<MeasuredCounts> {
  const db = world.db.name;
  const bound = options.quiescenceMs ?? 60_000;
  const captureQueue = options.captureQueue ?? CAPTURE_QUEUE;

  // Quiescence: every accepted event's notification final, the outbox drained.
  let last = await notificationCounts(db);
  try {
    await eventually(async () => {
      last = await notificationCounts(db);
      return last.inbox >= options.accepted && last.total >= options.accepted * (options.channelsPerEvent ?? 1) && last.final === last.total && last.unpublished === 0;
    }, bound, 'quiescence');
  } catch (error) {
    throw new Error(`${(error as Error).message}; last counts ${JSON.stringify(last)}`);
  }

  // G1: exactly one final notification per accepted event and routed channel, one inbox row each.
  const counts = await notificationCounts(db);
  expect(counts.inbox, 'G1 inbox rows').to.equal(options.accepted);
  await checkOnePerRoutedChannel((text) => sqlOnPrimary(db, text), options.accepted, options.channelsPerEvent ?? 1, counts);

  // G2: one message per sent notification (by Message-ID), at most two for an ambiguous send.
  const rows = await sqlOnPrimary<{ id: string; status: string }>(db, 'select id, status from notifications');
  const sentIds = new Set(rows.filter((r) => r.status === 'sent').map((r) => r.id));
  const failedIds = new Set(rows.filter((r) => r.status === 'failed').map((r) => r.id));
  const copies = options.arrivals ? await options.arrivals() : sinkCopies(options.sink ?? world.smtp);
  const missing = [...sentIds].filter((id) => !copies.has(id));
  expect(missing, 'G2 sent notifications with no message at the sink').to.deep.equal([]);
  const strangers = [...copies.keys()].filter((id) => !sentIds.has(id));
  expect(strangers, 'G2 messages at the sink for no sent notification').to.deep.equal([]);
  const repeated = [...copies.entries()].filter(([, c]) => c > 1);
  expect(repeated.filter(([, c]) => c > 2), 'G2 more than two copies').to.deep.equal([]);
  if (!options.allowAmbiguous) expect(repeated, 'G2 copies (no ambiguity expected)').to.deep.equal([]);

  // G3: notification.sent / notification.failed ids equal the sent / failed notifications; repeats share a message_id.
  const outcomeIds = (messages: CapturedMessage[], key: string) => new Set(messages.filter((m) => m.routingKey === key).map((m) => String(m.body.notification_id)));
  const setEquals = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every((x) => b.has(x));
  let outcomes: CapturedMessage[] = [];
  await eventually(async () => {
    outcomes = await broker.drain(captureQueue);
    return setEquals(outcomeIds(outcomes, 'notification.sent'), sentIds) && setEquals(outcomeIds(outcomes, 'notification.failed'), failedIds);
  }, 20_000, 'G3 outcome events for every sent and failed notification').catch(() => undefined);
  expect([...outcomeIds(outcomes, 'notification.sent')].sort(), 'G3 notification.sent ids').to.deep.equal([...sentIds].sort());
  expect([...outcomeIds(outcomes, 'notification.failed')].sort(), 'G3 notification.failed ids').to.deep.equal([...failedIds].sort());
  const messageIds = new Map<string, Set<string | undefined>>();
  for (const m of outcomes.filter((o) => o.routingKey === 'notification.sent' || o.routingKey === 'notification.failed')) {
    const key = `${m.routingKey}/${String(m.body.notification_id)}`;
    messageIds.set(key, (messageIds.get(key) ?? new Set()).add(m.messageId));
  }
  expect([...messageIds.entries()].filter(([, ids]) => ids.size !== 1 || ids.has(undefined)), 'G3 repeats share one message_id').to.deep.equal([]);
  const [outboxPerNotification] = await sqlOnPrimary<{ n: string }>(
    db,
    `select count(*) as n from (select payload->>'notification_id' from outbox
       where routing_key in ('notification.sent','notification.failed') group by routing_key, payload->>'notification_id' having count(*) > 1) d`,
  );
  expect(n(outboxPerNotification?.n), 'G3 one outbox row per outcome').to.equal(0);

  // G5: no unpublished outbox rows.
  expect((await notificationCounts(db)).unpublished, 'G5 unpublished outbox rows').to.equal(0);

  // G4: stop the service(s), then the service queue is empty and the dead letters (moved into their
  // table, ADR 24, or still in the dead-letter queue) are exactly the poison.
  for (const service of [world.service, ...(options.alsoStop ?? [])]) await service?.stop();
  expect(await broker.messageCount(SERVICE_QUEUE), 'G4 service queue after stop').to.equal(0);
  const deadLettered = await deadLetterCount(db, () => broker.messageCount(DEAD_LETTER_QUEUE));
  const poison = options.poison ?? 0;
  if (typeof poison === 'number') {
    expect(deadLettered, 'G4 dead-lettered').to.equal(poison);
  } else {
    const dead = [...(await storedDeadLetters(db)), ...(await broker.peek(DEAD_LETTER_QUEUE))];
    expect(dead.map((m) => m.messageId).sort(), 'G4 dead-lettered message ids').to.deep.equal([...poison].sort());
  }

  return { accepted: options.accepted, sent: sentIds.size, failed: failedIds.size, suppressed: counts.suppressed, duplicates: repeated.length, deadLettered };
}
