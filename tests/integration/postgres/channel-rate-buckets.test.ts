import { expect } from 'chai';
import type { Kysely } from 'kysely';
import type { Database } from '../../../src/adapters/postgres/database.js';
import { PostgresChannelRateLimit } from '../../../src/adapters/postgres/channel-rate-buckets.js';
import { TestDatabase } from '../../support/databases.js';

const RATE = 20;

describe('PostgresChannelRateLimit (PostgreSQL)', function () {
  this.timeout(30_000);
  let db: TestDatabase;
  let pools: Array<Kysely<Database>>;

  before(async () => {
    db = await TestDatabase.create('rate');
    pools = [db.kysely('instance-a'), db.kysely('instance-b')];
  });

  after(async () => {
    await Promise.all(pools.map((pool) => pool.destroy()));
    await db.drop();
  });

  beforeEach(async () => {
    await pools[0]!.deleteFrom('channel_rate_buckets').execute();
  });

  it('holds the limit with two instances taking as fast as they can: at most one second of burst plus the rate', async () => {
    const instances = pools.map((pool) => new PostgresChannelRateLimit(pool, new Map([['sms', RATE]])));
    const started = Date.now();
    const granted = [0, 0];
    await Promise.all(
      instances.map(async (limit, i) => {
        while (Date.now() - started < 3_000) {
          granted[i]! += await limit.take('sms', 5);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    const total = granted[0]! + granted[1]!;
    expect(total).to.be.at.most(RATE + Math.ceil(RATE * seconds));
    // Both instances sent, and together they used most of the budget (not starved by the lock).
    expect(total).to.be.at.least(RATE * 2);
    expect(Math.min(...granted)).to.be.greaterThan(0);
  });

  it('starts full, refills at the rate, and takes back what was given back, never above one second', async () => {
    const limit = new PostgresChannelRateLimit(pools[0]!, new Map([['push', 10]]));
    expect(await limit.take('push', 25)).to.equal(10);
    expect(await limit.take('push', 5)).to.equal(0);
    await limit.giveBack('push', 4);
    expect(await limit.take('push', 10)).to.equal(4);
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(await limit.take('push', 10)).to.be.within(3, 4);
    await limit.giveBack('push', 50);
    expect(await limit.take('push', 100)).to.equal(10);
  });

  it('grants everything to a channel without a limit, touching no row', async () => {
    const limit = new PostgresChannelRateLimit(pools[0]!, new Map([['sms', 1]]));
    expect(limit.limits('email')).to.equal(false);
    expect(await limit.take('email', 500)).to.equal(500);
    expect(await pools[0]!.selectFrom('channel_rate_buckets').selectAll().execute()).to.deep.equal([]);
  });
});
