import { expect } from 'chai';
import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { KyselyAuditLog } from '../../../src/adapters/postgres/audit-log.repository.js';
import { KyselyAuditReadModel } from '../../../src/adapters/postgres/audit-read-model.js';
import type { Database } from '../../../src/adapters/postgres/database.js';
import { ReadRouter } from '../../../src/adapters/postgres/read-router.js';
import { typeParsers } from '../../../src/adapters/postgres/timestamps.js';
import type { AuditFilter, AuditRecord } from '../../../src/application/ports/audit-read-model.js';
import { type AuditListing, AuditQuery } from '../../../src/application/queries/audit.query.js';
import type { AuditAction } from '../../../src/domain/audit.js';
import { InvalidValueError } from '../../../src/domain/errors.js';
import { TestDatabase } from '../../support/databases.js';

const ANY: AuditFilter = { action: null, keyId: null, targetType: null, targetId: null, from: null, to: null };
const T0 = Date.parse('2026-11-20T10:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000);

/** A Kysely on `url` that keeps every statement it runs, so that the read model's own SQL can be explained. */
function recording(url: string): { db: Kysely<Database>; statements: CompiledQuery[] } {
  const statements: CompiledQuery[] = [];
  const pool = new pg.Pool({ connectionString: url, max: 2, types: typeParsers });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: (event) => void (event.level === 'query' && statements.push(event.query)) });
  return { db, statements };
}

const routed = (db: Kysely<Database>) => new ReadRouter(db, null, { maxLagSeconds: 5, checkIntervalMs: 1000 }, { fellBack: () => undefined, replicationLag: () => undefined });

describe('the audit read model against PostgreSQL', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let kysely: Kysely<Database>;
  let model: KyselyAuditReadModel;
  let stored: AuditRecord[];

  /** Newest first as the log is listed: at, then id (ids grow with inserts). */
  const newestFirst = (a: AuditRecord, b: AuditRecord) => b.at.getTime() - a.at.getTime() || Number(b.id) - Number(a.id);
  const ids = (entries: readonly AuditRecord[]) => entries.map((e) => e.id);

  before(async () => {
    db = await TestDatabase.create('it_audit_read');
    kysely = db.kysely();
    model = new KyselyAuditReadModel(routed(kysely));
    const log = new KyselyAuditLog(kysely);
    // Written out of time order, with three entries at one instant and two at another.
    const entries: Array<[number, string, AuditAction, string, string]> = [
      [30, 'key-a', 'api_key.created', 'api_key', 'k-1'],
      [10, 'key-b', 'notification.retried', 'notification', 'n-1'],
      [20, 'key-a', 'template.published', 'template', 'welcome'],
      [20, 'key-b', 'notification.retried', 'notification', 'n-2'],
      [20, 'key-a', 'api_key.revoked', 'api_key', 'k-1'],
      [40, 'bootstrap', 'preferences.changed', 'user', 'u-1'],
      [5, 'key-a', 'notification.retried', 'notification', 'n-3'],
      [40, 'key-b', 'suppression.lifted', 'suppression', 's-1'],
      [50, 'bootstrap', 'notifications.bulk_retried', 'notifications', 'run-1'],
      [25, 'key-b', 'preferences.changed', 'user', 'u-1'],
    ];
    for (const [seconds, keyId, action, type, id] of entries) {
      await log.record({ at: at(seconds), keyId, action, target: { type, id, ...(action === 'template.published' ? { detail: { version: 3 } } : {}) } });
    }
    stored = (await model.page(ANY, { page: 1 }, 100)).entries.slice();
  });
  after(async () => {
    await kysely.destroy();
    await db.drop();
  });

  it('lists every entry newest first, ties on `at` by id, newest first too, with its detail', async () => {
    expect(stored).to.have.length(10);
    expect(ids(stored)).to.deep.equal(ids([...stored].sort(newestFirst)));
    const tied = stored.filter((e) => e.at.getTime() === at(20).getTime());
    expect(tied.map((e) => e.action)).to.deep.equal(['api_key.revoked', 'notification.retried', 'template.published']);
    expect(stored.find((e) => e.action === 'template.published')?.target).to.deep.equal({ type: 'template', id: 'welcome', detail: { version: 3 } });
    expect(stored[0]).to.deep.include({ keyId: 'bootstrap', action: 'notifications.bulk_retried', target: { type: 'notifications', id: 'run-1' } });
  });

  const cases: Array<[string, Partial<AuditFilter>, (e: AuditRecord) => boolean]> = [
    ['action', { action: 'notification.retried' }, (e) => e.action === 'notification.retried'],
    ['key_id', { keyId: 'key-a' }, (e) => e.keyId === 'key-a'],
    ['target_type', { targetType: 'api_key' }, (e) => e.target.type === 'api_key'],
    ['target_type and target_id', { targetType: 'user', targetId: 'u-1' }, (e) => e.target.type === 'user' && e.target.id === 'u-1'],
    ['target_id alone', { targetId: 'k-1' }, (e) => e.target.id === 'k-1'],
    ['from, inclusive', { from: at(20) }, (e) => e.at >= at(20)],
    ['to, exclusive', { to: at(20) }, (e) => e.at < at(20)],
    ['from and to', { from: at(20), to: at(40) }, (e) => e.at >= at(20) && e.at < at(40)],
    ['key and action and time', { keyId: 'key-b', action: 'notification.retried', from: at(15) }, (e) => e.keyId === 'key-b' && e.action === 'notification.retried' && e.at >= at(15)],
  ];
  for (const [name, filter, keep] of cases) {
    it(`narrows by ${name}`, async () => {
      const want = ids(stored.filter(keep));
      expect(want).to.not.be.empty;
      expect(ids((await model.page({ ...ANY, ...filter }, { page: 1 }, 100)).entries)).to.deep.equal(want);
    });
  }

  it('pages by number, each page with a cursor to the next, none after the last', async () => {
    const pages = await Promise.all([1, 2, 3, 4, 5].map((page) => model.page(ANY, { page }, 3)));
    expect(pages.map((p) => p.entries.length)).to.deep.equal([3, 3, 3, 1, 0]);
    expect(pages.flatMap((p) => ids(p.entries))).to.deep.equal(ids(stored));
    expect(pages.map((p) => p.nextCursor === null)).to.deep.equal([false, false, false, true, true]);
    const fromCursor = await model.page(ANY, { cursor: pages[0]!.nextCursor! }, 3);
    expect(ids(fromCursor.entries)).to.deep.equal(ids(pages[1]!.entries));
  });

  it('walks the cursor two at a time through the ties, filtered or not, to the same list', async () => {
    for (const filter of [ANY, { ...ANY, keyId: 'key-a' }, { ...ANY, from: at(20), to: at(41) }]) {
      const walked: AuditRecord[] = [];
      let page = await model.page(filter, { page: 1 }, 2);
      walked.push(...page.entries);
      while (page.nextCursor !== null) {
        page = await model.page(filter, { cursor: page.nextCursor }, 2);
        walked.push(...page.entries);
      }
      expect(ids(walked)).to.deep.equal(ids((await model.page(filter, { page: 1 }, 100)).entries));
    }
  });

  it('refuses a cursor it did not issue, and the query refuses page_size 101, page and cursor together, and an unknown action', async () => {
    for (const cursor of ['bm9wZQ', Buffer.from(JSON.stringify(['2026-11-20T10:00:00Z', '1'])).toString('base64url'), Buffer.from(JSON.stringify(['2026-11-20T10:00:00.000Z', '0'])).toString('base64url')]) {
      const refusal = await model.page(ANY, { cursor }, 2).catch((error: unknown) => error);
      expect(refusal, cursor).to.be.instanceOf(InvalidValueError).with.property('field', 'cursor');
    }
    const query = new AuditQuery(model);
    const asked: AuditListing = { filter: ANY, page: null, cursor: null, size: null };
    const fieldOf = (listing: AuditListing) => query.list(listing).then(() => null, (error: InvalidValueError) => error.field);
    expect(await fieldOf({ ...asked, size: 101 })).to.equal('page_size');
    expect(await fieldOf({ ...asked, page: 1, cursor: stored[0]!.id })).to.equal('cursor');
    expect(await fieldOf({ ...asked, filter: { ...asked.filter, action: 'nope' } })).to.equal('action');
    expect((await query.list({ ...asked, page: 2, size: 4 })).entries.map((e) => e.id)).to.deep.equal(ids(stored.slice(4, 8)));
  });
});

interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Index Name'?: string;
  readonly 'Rows Removed by Filter'?: number;
  readonly Plans?: readonly PlanNode[];
}
const nodes = (plan: PlanNode): PlanNode[] => [plan, ...(plan.Plans ?? []).flatMap(nodes)];

/** Runs one page and explains the statement it ran: the audit_log indexes it read, the rows it read and dropped, its scans and sorts. */
async function explained(recorded: ReturnType<typeof recording>, model: KyselyAuditReadModel, filter: Partial<AuditFilter>, position: { page: number } | { cursor: string }) {
  recorded.statements.length = 0;
  const page = await model.page({ ...ANY, ...filter }, position, 20);
  const [statement] = recorded.statements;
  const { rows } = await recorded.db.executeQuery<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(CompiledQuery.raw(`explain (analyze, format json) ${statement!.sql}`, [...statement!.parameters]));
  const all = nodes(rows[0]!['QUERY PLAN'][0].Plan);
  const indexes = [...new Set(all.flatMap((n) => (n['Index Name'] ? [n['Index Name']] : [])))];
  const removed = all.reduce((sum, n) => sum + (n['Rows Removed by Filter'] ?? 0), 0);
  return { page, indexes, removed, seqScans: all.filter((n) => n['Node Type'] === 'Seq Scan').length, sorts: all.filter((n) => n['Node Type'].includes('Sort')).length };
}

/**
 * 200,000 entries over 200 keys, 13 actions and 2,000 targets in a year: each filter's page, by
 * number or by cursor, is read from an audit_log index (migrations 20261129T0900, 20261129T0980), never by scanning
 * the table. The SQL explained is the read model's own, as it ran.
 */
describe('the audit read model at 200,000 entries (PostgreSQL plans)', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let recorded: ReturnType<typeof recording>;
  let model: KyselyAuditReadModel;

  before(async () => {
    db = await TestDatabase.create('it_audit_plans');
    recorded = recording(db.url);
    model = new KyselyAuditReadModel(routed(recorded.db));
    await sql`insert into audit_log (at, key_id, action, target_type, target_id, detail)
      select timestamptz '2026-01-01' + i * interval '150 seconds', 'key-' || (i % 200),
             (array['notification.retried','notifications.bulk_retried','dead_letter.replayed','dead_letters.replayed','dead_letter.discarded','api_key.created','api_key.revoked','template.created','template.published','preferences.created','preferences.changed','webhook_secret.rotated','suppression.lifted'])[1 + i % 13],
             (array['notification','api_key','template','user','suppression'])[1 + i % 5], 't-' || (i % 2000), null
      from generate_series(1, 200000) i`.execute(recorded.db);
    await sql`vacuum analyze audit_log`.execute(recorded.db);
  });
  after(async () => {
    await recorded.db.destroy();
    await db.drop();
  });

  const planOf = (filter: Partial<AuditFilter>, position: { page: number } | { cursor: string }) => explained(recorded, model, filter, position);

  // Filters matching thousands of rows are read in the index's order (no sort); those matching a
  // hundred or so (one target, one key in a month) the planner may read by a bitmap scan of the same
  // index and sort those few rows, which costs it less: allowed there, never a table scan.
  const cases: Array<[string, Partial<AuditFilter>, string, 'in order' | 'may sort']> = [
    ['no filter', {}, 'audit_log_at', 'in order'],
    ['target_type', { targetType: 'template' }, 'audit_log_target_type', 'in order'],
    ['action', { action: 'api_key.revoked' }, 'audit_log_action', 'in order'],
    ['key_id', { keyId: 'key-7' }, 'audit_log_key', 'in order'],
    ['from and to', { from: new Date('2026-06-01T00:00:00Z'), to: new Date('2026-06-02T00:00:00Z') }, 'audit_log_at', 'in order'],
    ['target', { targetType: 'user', targetId: 't-33' }, 'audit_log_target', 'may sort'],
    ['key_id and a month', { keyId: 'key-9', from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z') }, 'audit_log_key', 'may sort'],
  ];
  for (const [name, filter, index, order] of cases) {
    it(`reads ${name} from ${index} (${order}), by page and by cursor`, async () => {
      const first = await planOf(filter, { page: 1 });
      expect(first.page.entries).to.have.length(20);
      for (const plan of [first, await planOf(filter, { page: 4 }), await planOf(filter, { cursor: first.page.nextCursor! })]) {
        expect([plan.indexes, plan.seqScans]).to.deep.equal([[index], 0]);
        expect(plan.removed, 'rows read and dropped').to.be.below(200);
        if (order === 'in order') expect(plan.sorts, 'sorts').to.equal(0);
      }
    });
  }

  it('reads target_id alone from an audit_log index, never the table', async () => {
    const { page, indexes, seqScans, removed } = await planOf({ targetId: 't-33' }, { page: 1 });
    expect(page.entries).to.have.length(20);
    expect([seqScans, indexes.length > 0]).to.deep.equal([0, true]);
    expect(removed, 'rows read and dropped').to.be.below(200);
  });

});

/**
 * One target type in nearly every entry and another in ten: target_type is free text, so a type
 * that is rare, or that no entry has, must not walk the log (audit_log_target_type, migration
 * 20261129T0980). Nor may an unknown key or target.
 */
describe('the audit read model at 200,000 entries of one target type and 10 of another (PostgreSQL plans)', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let recorded: ReturnType<typeof recording>;
  let model: KyselyAuditReadModel;

  before(async () => {
    db = await TestDatabase.create('it_audit_types');
    recorded = recording(db.url);
    model = new KyselyAuditReadModel(routed(recorded.db));
    await sql`insert into audit_log (at, key_id, action, target_type, target_id, detail)
      select timestamptz '2026-01-01' + i * interval '150 seconds', 'key-' || (i % 200), 'preferences.changed', 'user', 'u-' || (i % 2000), null
      from generate_series(1, 200000) i`.execute(recorded.db);
    await sql`insert into audit_log (at, key_id, action, target_type, target_id, detail)
      select timestamptz '2026-01-01' + i * interval '1 day', 'key-1', 'api_key.revoked', 'api_key', 'k-' || i, null
      from generate_series(1, 10) i`.execute(recorded.db);
    await sql`vacuum analyze audit_log`.execute(recorded.db);
  });
  after(async () => {
    await recorded.db.destroy();
    await db.drop();
  });

  const planOf = (filter: Partial<AuditFilter>) => explained(recorded, model, filter, { page: 1 });

  it('reads the common type in order from an audit_log index (audit_log_at drops almost nothing here): a page, no sort', async () => {
    const plan = await planOf({ targetType: 'user' });
    expect(plan.page.entries).to.have.length(20);
    expect([plan.seqScans, plan.sorts]).to.deep.equal([0, 0]);
    expect(plan.indexes).to.have.length(1);
    expect(['audit_log_at', 'audit_log_target_type']).to.include(plan.indexes[0]);
    expect(plan.removed, 'rows read and dropped').to.be.below(200);
  });

  it('reads the rare type (10 entries) and an unknown one (none) without walking the log', async () => {
    const rare = await planOf({ targetType: 'api_key' });
    expect(rare.page.entries.map((e) => e.target.id)).to.deep.equal(['k-10', 'k-9', 'k-8', 'k-7', 'k-6', 'k-5', 'k-4', 'k-3', 'k-2', 'k-1']);
    const unknown = await planOf({ targetType: 'nope' });
    expect(unknown.page.entries).to.deep.equal([]);
    for (const plan of [rare, unknown]) {
      expect([plan.indexes, plan.seqScans]).to.deep.equal([['audit_log_target_type'], 0]);
      expect(plan.removed, 'rows read and dropped').to.be.below(200);
    }
  });

  it('reads an unknown key, an unknown target (with or without a type) and an action no entry has from an index, dropping few rows', async () => {
    for (const filter of [{ keyId: 'nope' }, { targetId: 'nope' }, { targetType: 'nope', targetId: 'u-1' }, { action: 'template.published' as const }]) {
      const plan = await planOf(filter);
      expect([plan.page.entries.length, plan.seqScans], JSON.stringify(filter)).to.deep.equal([0, 0]);
      expect(plan.indexes, JSON.stringify(filter)).to.have.length.above(0);
      expect(plan.removed, JSON.stringify(filter)).to.be.below(200);
    }
  });
});
