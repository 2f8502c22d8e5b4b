import { expect } from 'chai';
import { type Kysely, sql } from 'kysely';
import { feedCountsQuery } from '../../../src/adapters/in-app/feed-counts.js';
import { feedPageQuery } from '../../../src/adapters/in-app/feed-read-model.js';
import type { Database } from '../../../src/adapters/postgres/database.js';
import { TestDatabase } from '../../support/databases.js';

interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Index Name'?: string;
  readonly Plans?: readonly PlanNode[];
}

interface Plan {
  /** The indexes read, in plan order. */
  readonly indexes: readonly string[];
  readonly seqScans: number;
  readonly sorts: number;
  readonly ms: number;
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

function planOf(rows: ReadonlyArray<Record<string, unknown>>): Plan {
  const [{ Plan: root, 'Execution Time': ms }] = rows[0]!['QUERY PLAN'] as [{ Plan: PlanNode; 'Execution Time': number }];
  const all = nodes(root);
  const indexes = all.flatMap((n) => (n['Index Name'] ? [n['Index Name']] : []));
  const count = (type: string) => all.filter((n) => n['Node Type'].includes(type)).length;
  return { indexes, seqScans: count('Seq Scan'), sorts: count('Sort'), ms };
}

const analyze = sql`analyze`;

/** The indexes a plan reads, in order; it must read nothing else (no sequential scan). */
function indexesOf(plan: Plan): readonly string[] {
  expect(plan.seqScans, 'sequential scans').to.equal(0);
  return plan.indexes;
}

/**
 * A user with 10,000 items (9,000 read, 600 unread of which 300 unseen, 400 archived) among 190,000
 * items of 1,900 other users, each with a few unread: the counts, the pages and the bulk changes
 * stay on the indexes whatever the feed's size (migration 20261129T0810-feed). The counts and the
 * pages are the service's own queries; the bulk changes are the statements the repository runs.
 */
describe('the feed at 10,000 items (PostgreSQL plans)', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let kysely: Kysely<Database>;
  const figures: Record<string, number> = {};

  before(async () => {
    db = await TestDatabase.create('it_feed_plans');
    kysely = db.kysely();
    await sql`insert into feed_items (notification_id, user_id, type, title, body, created_at, seen_at, read_at, archived_at)
      select gen_random_uuid(), 'heavy', 'order_status_update', 'Item ' || i, 'A body of some length, as items have', timestamptz '2026-11-01' + i * interval '1 minute',
             case when i % 100 >= 3 then now() end, case when i % 100 >= 6 then now() end, case when i % 100 >= 96 then now() end
      from generate_series(1, 10000) i`.execute(kysely);
    await sql`insert into feed_items (notification_id, user_id, type, title, body, created_at, seen_at, read_at)
      select gen_random_uuid(), 'user-' || (i % 1900), 't', 'Item', 'A body of some length, as items have', timestamptz '2026-11-01' + i * interval '1 second',
             case when i % 10 > 0 then now() end, case when i % 10 > 1 then now() end
      from generate_series(1, 190000) i`.execute(kysely);
    await sql`vacuum analyze feed_items`.execute(kysely);
  });
  after(async () => {
    console.log(`      figures (ms): ${JSON.stringify(figures)}`);
    await kysely.destroy();
    await db.drop();
  });

  it('holds the feed it says', async () => {
    const { rows } = await sql<{ read: number; unread: number; unseen: number; archived: number }>`select
        count(*) filter (where read_at is not null and archived_at is null)::int as read,
        count(*) filter (where read_at is null and archived_at is null)::int as unread,
        count(*) filter (where seen_at is null and archived_at is null)::int as unseen,
        count(*) filter (where archived_at is not null)::int as archived
      from feed_items where user_id = 'heavy'`.execute(kysely);
    expect(rows).to.deep.equal([{ read: 9_000, unread: 600, unseen: 300, archived: 400 }]);
  });

  it('counts the unread and unseen items from their partial indexes alone', async () => {
    const counts = planOf(await feedCountsQuery(kysely, 'heavy').explain('json', analyze));
    expect(indexesOf(counts)).to.deep.equal(['feed_items_unread', 'feed_items_unseen']);
    figures.counts = counts.ms;
    expect(counts.ms).to.be.below(20);
  });

  it('reads every page from its index, in the index order but for the few archived items, never scanning the table', async () => {
    const page = async (status: 'unread' | 'read' | 'archived' | null, after: { createdAt: Date; id: string } | null = null) =>
      planOf(await feedPageQuery(kysely, { userId: 'heavy', status, limit: 20 }, after).explain('json', analyze));
    const plans = {
      unread: await page('unread'),
      feed: await page(null),
      feed_page_100: await page(null, { createdAt: new Date('2026-11-07T00:00:00.000Z'), id: '00000000-0000-4000-8000-000000000000' }),
      read: await page('read'),
      archived: await page('archived'),
    };
    expect(Object.fromEntries(Object.entries(plans).map(([name, p]) => [name, indexesOf(p)]))).to.deep.equal({
      unread: ['feed_items_unread'],
      feed: ['feed_items_current'],
      feed_page_100: ['feed_items_current'],
      read: ['feed_items_current'],
      archived: ['feed_items_archived'],
    });
    // The archived items being few, the planner may fetch the user's all and sort them.
    expect([plans.unread, plans.feed, plans.feed_page_100, plans.read].map((p) => p.sorts)).to.deep.equal([0, 0, 0, 0]);
    for (const [name, p] of Object.entries(plans)) {
      figures[`page_${name}`] = p.ms;
      expect(p.ms, name).to.be.below(20);
    }
  });

  it('reads all from the unread index, and marks all seen from the unseen one', async () => {
    const plan = (statement: ReturnType<typeof sql>) =>
      kysely.transaction().execute(async (tx) => {
        const result = planOf((await sql<Record<string, unknown>>`explain (analyze, format json) ${statement}`.execute(tx)).rows);
        await sql`rollback`.execute(tx);
        return result;
      });
    const readAll = await plan(sql`update feed_items set read_at = now(), seen_at = coalesce(seen_at, now()) where user_id = 'heavy' and read_at is null and archived_at is null`);
    const seen = await plan(sql`update feed_items set seen_at = now() where user_id = 'heavy' and seen_at is null`);
    expect([indexesOf(readAll), indexesOf(seen)]).to.deep.equal([['feed_items_unread'], ['feed_items_unseen']]);
    Object.assign(figures, { read_all_600: readAll.ms, seen_300: seen.ms });
  });
});
