import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Kysely } from 'kysely';
import type { InboxVerdict } from '../../../src/application/ports/repositories.js';
import type { Database } from '../../../src/adapters/postgres/database.js';
import { KyselyUnitOfWork } from '../../../src/adapters/postgres/kysely-unit-of-work.js';
import { TestDatabase, eventually, sqlOnPrimary } from '../../support/databases.js';
import { testStamping } from '../../support/test-container.js';
import { rejection } from '../../unit/rejection.js';

const NOW = new Date('2026-11-22T10:00:00.000Z');

function gate(): { open: () => void; opened: Promise<void> } {
  let open = () => undefined as void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open: () => open(), opened };
}

describe('KyselyInboxRepository', () => {
  let db: TestDatabase;
  let first: Kysely<Database>;
  let second: Kysely<Database>;

  const record = (kysely: Kysely<Database>, eventId: string, hash: string) =>
    new KyselyUnitOfWork(kysely, testStamping()).execute((u) => u.inbox.record(eventId, hash, 'UserCreated', NOW)).then((o) => o.result);

  async function stored(eventId: string): Promise<Array<{ payload_hash: string; event_type: string }>> {
    return first.selectFrom('inbox').select(['payload_hash', 'event_type']).where('event_id', '=', eventId).execute();
  }

  /** Waits until a statement of the `second` pool is blocked on a row lock. */
  async function secondIsWaitingOnALock(): Promise<void> {
    await eventually(
      async () =>
        (
          await sqlOnPrimary<{ n: number }>(
            db.name,
            `select count(*)::int as n from pg_stat_activity
             where application_name = 'notification-service:inbox-second' and wait_event_type = 'Lock'`,
          )
        )[0]?.n === 1,
      5_000,
      'the second transaction to wait for the first one',
    );
  }

  /** Records in a transaction of the `first` pool and keeps it open until `release`; then commits or rolls back. */
  function holdOpen(eventId: string, hash: string, release: Promise<void>, outcome: 'commit' | 'rollback') {
    const recorded = gate();
    let verdict: InboxVerdict | undefined;
    const done = new KyselyUnitOfWork(first, testStamping()).execute(async (u) => {
      verdict = await u.inbox.record(eventId, hash, 'UserCreated', NOW);
      recorded.open();
      await release;
      if (outcome === 'rollback') throw new Error('rolled back on purpose');
    });
    return { recorded: recorded.opened, verdict: () => verdict, done };
  }

  before(async () => {
    db = await TestDatabase.create('it_inbox');
    first = db.kysely('inbox-first');
    second = db.kysely('inbox-second');
  });
  after(async () => {
    await first.destroy();
    await second.destroy();
    await db.drop();
  });

  it("records a new event id as 'new', the same payload again as 'duplicate', another payload as 'conflict'", async () => {
    const id = randomUUID();
    expect(await record(first, id, 'hash-a')).to.equal('new');
    expect(await record(first, id, 'hash-a')).to.equal('duplicate');
    expect(await record(first, id, 'hash-b')).to.equal('conflict');
    expect(await stored(id)).to.deep.equal([{ payload_hash: 'hash-a', event_type: 'UserCreated' }]);
  });

  it("gives 'new' to exactly one of two concurrent transactions: the second waits for the first to commit", async () => {
    const id = randomUUID();
    const release = gate();
    const holder = holdOpen(id, 'hash-a', release.opened, 'commit');
    await holder.recorded;
    const waiter = record(second, id, 'hash-a');
    await secondIsWaitingOnALock();
    release.open();
    await holder.done;
    expect([holder.verdict(), await waiter]).to.deep.equal(['new', 'duplicate']);
    expect(await stored(id)).to.have.length(1);
  });

  it("answers 'conflict' to a concurrent transaction with another payload once the first commits", async () => {
    const id = randomUUID();
    const release = gate();
    const holder = holdOpen(id, 'hash-a', release.opened, 'commit');
    await holder.recorded;
    const waiter = record(second, id, 'hash-b');
    await secondIsWaitingOnALock();
    release.open();
    await holder.done;
    expect([holder.verdict(), await waiter]).to.deep.equal(['new', 'conflict']);
    expect(await stored(id)).to.deep.equal([{ payload_hash: 'hash-a', event_type: 'UserCreated' }]);
  });

  it("gives 'new' to the waiting transaction when the first one rolls back", async () => {
    const id = randomUUID();
    const release = gate();
    const holder = holdOpen(id, 'hash-a', release.opened, 'rollback');
    await holder.recorded;
    const waiter = record(second, id, 'hash-b');
    await secondIsWaitingOnALock();
    release.open();
    expect((await rejection(holder.done)).message).to.equal('rolled back on purpose');
    expect([holder.verdict(), await waiter]).to.deep.equal(['new', 'new']);
    expect(await stored(id)).to.deep.equal([{ payload_hash: 'hash-b', event_type: 'UserCreated' }]);
  });

  it("gives 'new' once per event id when many transactions race on the same ids", async () => {
    const ids = Array.from({ length: 20 }, () => randomUUID());
    const verdicts = await Promise.all(ids.flatMap((id) => [record(first, id, 'h'), record(second, id, 'h'), record(first, id, 'h')]));
    const perId = ids.map((_, i) => verdicts.slice(i * 3, i * 3 + 3).sort());
    for (const verdictsOfId of perId) expect(verdictsOfId).to.deep.equal(['duplicate', 'duplicate', 'new']);
  });
});
