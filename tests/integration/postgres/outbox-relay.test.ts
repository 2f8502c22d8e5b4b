import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { type Kysely, sql } from 'kysely';
import type { OutboundEvent } from '../../../src/application/ports/event-publisher.js';
import type { Database } from '../../../src/adapters/postgres/database.js';
import { KyselyOutboxRelayStore, type PublishOutcome } from '../../../src/adapters/postgres/outbox-relay.store.js';
import { KyselyUnitOfWork } from '../../../src/adapters/postgres/kysely-unit-of-work.js';
import { KyselyRetentionStore } from '../../../src/adapters/postgres/retention.store.js';
import { EmailAddress } from '../../../src/domain/email-address.js';
import { NotificationPreferences, preferenceFlags } from '../../../src/domain/notification-preferences.js';
import { UserId } from '../../../src/domain/user-id.js';
import { TestDatabase, eventually, sqlOnPrimary } from '../../support/databases.js';
import { testStamping } from '../../support/test-container.js';
import { rejection } from '../../unit/rejection.js';

const NOW = new Date('2026-11-22T10:00:00.000Z');

interface OutboxState {
  id: string;
  published: boolean;
  attempts: number;
  last_error: string | null;
  /** Seconds from now() to next_attempt_at; null when unset. */
  retry_in: number | null;
}

function event(n: number): OutboundEvent {
  return {
    eventId: randomUUID(),
    routingKey: 'notification.sent',
    className: 'NotificationSent',
    correlationId: `corr-${n}`,
    body: { notification_id: randomUUID(), n },
  };
}

const allOk = async (events: OutboundEvent[]): Promise<PublishOutcome[]> => events.map(() => ({ ok: true }));

function gate(): { open: () => void; opened: Promise<void> } {
  let open = () => undefined as void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open: () => open(), opened };
}

describe('KyselyOutboxRelayStore', () => {
  let db: TestDatabase;
  let kysely: Kysely<Database>;
  let store: KyselyOutboxRelayStore;
  const uow = () => new KyselyUnitOfWork(kysely, testStamping());

  async function addEvents(count: number): Promise<OutboundEvent[]> {
    const events = Array.from({ length: count }, (_, i) => event(i));
    await uow().execute((u) => u.outbox.add(events, NOW));
    return events;
  }

  async function states(): Promise<Map<string, OutboxState>> {
    const rows = await sqlOnPrimary<OutboxState>(
      db.name,
      `select id, published_at is not null as published, attempts, last_error,
              extract(epoch from next_attempt_at - now())::float8 as retry_in
       from outbox`,
    );
    return new Map(rows.map((r) => [r.id, r]));
  }

  before(async () => {
    db = await TestDatabase.create('it_outbox_relay');
    kysely = db.kysely('relay');
    store = new KyselyOutboxRelayStore(kysely);
  });
  after(async () => {
    await kysely.destroy();
    await db.drop();
  });
  beforeEach(async () => {
    await sql`truncate outbox`.execute(kysely);
  });

  it('relays the events an aggregate raised in its unit of work, as they were stored', async () => {
    const userId = UserId.of('user-outbox-1');
    await uow().execute((u) => u.preferences.add(NotificationPreferences.create(userId, EmailAddress.of('o@example.com'), preferenceFlags(), NOW)));
    const published: OutboundEvent[] = [];
    const result = await store.relayBatch(10, async (events) => (published.push(...events), events.map(() => ({ ok: true }))));
    expect(result).to.deep.equal({ claimed: 1, published: 1, failed: 0 });
    expect(published).to.have.length(1);
    expect(published[0]).to.deep.include({ routingKey: 'notification.preferences_created', className: 'NotificationPreferencesCreated' });
    expect(published[0]?.body).to.deep.include({ userid: 'user-outbox-1', notification_email: 'o@example.com' });
    expect([...(await states()).keys()]).to.deep.equal([published[0]?.eventId]);
  });

  it('hands over every stored field and marks the confirmed events published', async () => {
    const events = await addEvents(3);
    const seen: OutboundEvent[] = [];
    const result = await store.relayBatch(10, async (batch) => (seen.push(...batch), allOk(batch)));
    expect(result).to.deep.equal({ claimed: 3, published: 3, failed: 0 });
    const byId = (list: OutboundEvent[]) => [...list].sort((a, b) => a.eventId.localeCompare(b.eventId));
    expect(byId(seen)).to.deep.equal(byId(events));
    for (const state of (await states()).values()) expect(state).to.deep.include({ published: true, attempts: 0, last_error: null });
    expect(await store.backlog()).to.equal(0);
    expect(await store.relayBatch(10, allOk)).to.deep.equal({ claimed: 0, published: 0, failed: 0 });
  });

  it("hands over an event to the service's own queue as such, and no other", async () => {
    const [plain] = await addEvents(1);
    const own = { ...event(9), toOwnQueue: true };
    await uow().execute((u) => u.outbox.add([own], NOW));
    const seen: OutboundEvent[] = [];
    await store.relayBatch(10, async (batch) => (seen.push(...batch), allOk(batch)));
    expect(seen.map((e) => [e.eventId, e.toOwnQueue])).to.have.deep.members([
      [plain?.eventId, undefined],
      [own.eventId, true],
    ]);
  });

  it('keeps refused events unpublished with attempts, the error and a retry time at most a second away; batches skip them until it comes', async () => {
    const events = await addEvents(4);
    const refused = new Set([events[1]!.eventId, events[3]!.eventId]);
    const publish = async (batch: OutboundEvent[]): Promise<PublishOutcome[]> =>
      batch.map((e) => (refused.has(e.eventId) ? { ok: false, reason: 'unroutable', error: 'no queue is bound for notification.sent' } : { ok: true }));
    expect(await store.relayBatch(10, publish)).to.deep.equal({ claimed: 4, published: 2, failed: 2 });

    const after = await states();
    for (const e of events) {
      const state = after.get(e.eventId)!;
      if (!refused.has(e.eventId)) {
        expect(state).to.deep.include({ published: true, attempts: 0, last_error: null, retry_in: null });
        continue;
      }
      expect(state).to.deep.include({ published: false, attempts: 1, last_error: 'unroutable: no queue is bound for notification.sent' });
      // The first backoff is at most a second (jittered below it, so possibly already past).
      expect(state.retry_in).to.be.a('number').and.within(-5, 1);
    }
    await sql`update outbox set next_attempt_at = now() + interval '10 minutes' where published_at is null`.execute(kysely);
    let called = false;
    expect(await store.relayBatch(10, async (batch) => ((called = true), allOk(batch)))).to.deep.equal({ claimed: 0, published: 0, failed: 0 });
    expect(called).to.equal(false);
    expect(await store.backlog()).to.equal(2);
    await sql`update outbox set next_attempt_at = now() - interval '1 second' where published_at is null`.execute(kysely);
    expect(await store.relayBatch(10, allOk)).to.deep.equal({ claimed: 2, published: 2, failed: 0 });
  });

  it('doubles the ceiling of the backoff on each refusal and publishes once the broker confirms', async () => {
    const events = await addEvents(40);
    const refuse = async (batch: OutboundEvent[]): Promise<PublishOutcome[]> => batch.map(() => ({ ok: false, reason: 'not_confirmed', error: 'nack' }));
    const due = () => sql`update outbox set next_attempt_at = now() - interval '1 second'`.execute(kysely);
    const retryIns = async () => [...(await states()).values()].map((s) => s.retry_in!);

    expect(await store.relayBatch(40, refuse)).to.deep.equal({ claimed: 40, published: 0, failed: 40 });
    expect(Math.max(...(await retryIns()))).to.be.at.most(1);
    await due();
    expect(await store.relayBatch(40, refuse)).to.deep.equal({ claimed: 40, published: 0, failed: 40 });
    for (const state of (await states()).values()) expect(state).to.deep.include({ published: false, attempts: 2, last_error: 'not_confirmed: nack' });
    const second = await retryIns();
    // Up to two seconds now: of 40 rows (jittered or not), some wait longer than the first ceiling.
    expect(Math.max(...second)).to.be.greaterThan(1).and.at.most(2);
    await due();
    expect(await store.relayBatch(40, allOk)).to.deep.equal({ claimed: 40, published: 40, failed: 0 });
    const published = await states();
    for (const e of events) expect(published.get(e.eventId)).to.deep.include({ published: true, attempts: 2 });
  });

  it('leaves every row as it was when the publish function throws', async () => {
    await addEvents(2);
    const before = await states();
    const error = await rejection(store.relayBatch(10, async () => Promise.reject(new Error('publisher bug'))));
    expect(error.message).to.equal('publisher bug');
    expect(await states()).to.deep.equal(before);
    expect(await store.backlog()).to.equal(2);
  });

  it('parks a replay that can never be encoded: done with the error, not retried, and its dead letter replayable again', async () => {
    await sql`truncate dead_letters`.execute(kysely);
    const deadLetterId = randomUUID();
    const message = {
      messageKey: `id:${deadLetterId}`, body: Buffer.from('{}'), bodyTruncated: false, bodySize: 2, headers: { m: 'x' }, droppedHeaders: [], properties: {},
      exchange: 'notification.events', routingKey: 'user.registered', queue: 'q', reason: 'unparseable', detail: '', firstDeathAt: NOW, lastDeathAt: NOW, deathCount: 1, replayOf: null,
    };
    await uow().execute(async (u) => {
      await u.deadLetters.add(deadLetterId, message, NOW);
      await u.deadLetters.replay([deadLetterId], NOW);
    });
    const parked = async (events: OutboundEvent[]): Promise<PublishOutcome[]> => events.map(() => ({ ok: false, reason: 'unencodable', error: 'Unknown type to encode: bogus', permanent: true }));
    expect(await store.relayBatch(10, parked)).to.deep.equal({ claimed: 1, published: 0, failed: 1 });
    const [row] = [...(await states()).values()];
    expect(row).to.deep.include({ published: true, attempts: 1, last_error: 'parked, never published: unencodable: Unknown type to encode: bogus' });
    expect(await store.backlog()).to.equal(0);
    expect(await store.relayBatch(10, allOk)).to.deep.equal({ claimed: 0, published: 0, failed: 0 });
    const [letter] = await sqlOnPrimary<{ replayed_at: Date | null }>(db.name, `select replayed_at from dead_letters where id = '${deadLetterId}'`);
    expect(letter?.replayed_at).to.equal(null);
  });

  it('counts unpublished rows as the backlog', async () => {
    expect(await store.backlog()).to.equal(0);
    await addEvents(5);
    expect(await store.backlog()).to.equal(5);
    await store.relayBatch(2, allOk);
    expect(await store.backlog()).to.equal(3);
  });

  it('lets retention delete only published rows past their age; an old unpublished row stays and is still relayed', async () => {
    const [old, recent, unpublished] = await addEvents(3);
    await store.relayBatch(10, async (batch) => batch.map((e) => (e.eventId === unpublished!.eventId ? { ok: false, reason: 'x', error: 'y' } : { ok: true })));
    const age = (id: string, column: 'published_at' | 'created_at', hours: number) =>
      kysely.updateTable('outbox').set(column, sql<Date>`now() - make_interval(hours => ${hours})`).where('id', '=', id).execute();
    await age(old!.eventId, 'published_at', 48);
    await age(recent!.eventId, 'published_at', 23);
    await age(unpublished!.eventId, 'created_at', 72);
    const retention = new KyselyRetentionStore(kysely);
    const dayAgo = () => new Date(Date.now() - 24 * 3_600_000);
    expect(await retention.prune('outbox', dayAgo(), 100)).to.equal(1);
    expect([...(await states()).keys()].sort()).to.deep.equal([recent!.eventId, unpublished!.eventId].sort());
    expect(await retention.prune('outbox', dayAgo(), 100)).to.equal(0);
    // The unpublished row, however old, is still relayed, and kept once published until it ages.
    await sql`update outbox set next_attempt_at = now() - interval '1 second' where id = ${unpublished!.eventId}`.execute(kysely);
    expect(await store.relayBatch(10, allOk)).to.deep.equal({ claimed: 1, published: 1, failed: 0 });
    expect(await retention.prune('outbox', dayAgo(), 100)).to.equal(0);
    expect(await store.backlog()).to.equal(0);
  });

  it('never gives a row locked by one batch to a concurrent batch (SKIP LOCKED)', async () => {
    const events = await addEvents(10);
    const held = gate();
    const first: string[] = [];
    const firstBatch = store.relayBatch(6, async (batch) => {
      first.push(...batch.map((e) => e.eventId));
      await held.opened;
      return allOk(batch);
    });
    await eventually(async () => first.length > 0, 5_000, 'the first batch to lock its rows');
    const second: string[] = [];
    const secondResult = await store.relayBatch(10, async (batch) => (second.push(...batch.map((e) => e.eventId)), allOk(batch)));
    held.open();
    expect(await firstBatch).to.deep.equal({ claimed: 6, published: 6, failed: 0 });
    expect(secondResult).to.deep.equal({ claimed: 4, published: 4, failed: 0 });
    expect(first.filter((id) => second.includes(id))).to.deep.equal([]);
    expect(new Set([...first, ...second])).to.deep.equal(new Set(events.map((e) => e.eventId)));
  });

  it('relays each row exactly once with four relays draining the outbox concurrently', async () => {
    const events = await addEvents(60);
    const pools = Array.from({ length: 4 }, (_, i) => db.kysely(`relay-${i}`));
    const published: string[] = [];
    try {
      const relay = async (relayStore: KyselyOutboxRelayStore) => {
        for (;;) {
          const { claimed } = await relayStore.relayBatch(7, async (batch) => {
            await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
            published.push(...batch.map((e) => e.eventId));
            return allOk(batch);
          });
          if (claimed === 0) return;
        }
      };
      await Promise.all(pools.map((pool) => relay(new KyselyOutboxRelayStore(pool))));
    } finally {
      await Promise.all(pools.map((pool) => pool.destroy()));
    }
    expect(published).to.have.length(60);
    expect(new Set(published)).to.deep.equal(new Set(events.map((e) => e.eventId)));
    expect(await store.backlog()).to.equal(0);
  });
});
