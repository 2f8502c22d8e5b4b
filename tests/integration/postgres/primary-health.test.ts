import { expect } from 'chai';
import type { Kysely } from 'kysely';
import type { Database } from '../../../src/adapters/postgres/database.js';
import { primaryHealth } from '../../../src/adapters/postgres/health.js';
import { TestDatabase } from '../../support/databases.js';

describe('primaryHealth', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let primary: Kysely<Database>;
  let readOnly: Kysely<Database>;

  before(async () => {
    db = await TestDatabase.create('it_primary_health', { migrate: false });
    await db.waitForStandby();
    primary = db.kysely('primary');
    // A server in recovery behind DATABASE_URL, as after a failover that left the URL on the demoted node.
    readOnly = db.kysely('standby-as-primary', db.standbyUrl);
  });

  after(async () => {
    await primary.destroy();
    await readOnly.destroy();
    await db.drop();
  });

  it('is up when the primary answers and takes writes', async () => {
    expect((await primaryHealth(primary)).status).to.equal('up');
  });

  it('is down, saying why, when the server behind DATABASE_URL is read-only', async () => {
    expect(await primaryHealth(readOnly)).to.deep.equal({ status: 'down', error: 'the primary is read-only (in recovery): every write would fail' });
  });
});
