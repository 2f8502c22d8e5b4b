import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { eventually, sqlOnPrimary } from '../support/databases.js';
import { PipelineWorld } from '../support/pipeline-world.js';
import { deadLetterCount } from '../support/stored-dead-letters.js';

const EVENTS = 200;

describe('shutdown (built service)', function () {
  this.timeout(90_000);
  let world: PipelineWorld;
  beforeEach(async () => {
    world = await PipelineWorld.create('e2e_shutdown');
  });
  afterEach(() => world.stop());

  it('on SIGTERM under load stops consuming, finishes in-flight work and exits 0; nothing is lost after a restart', async () => {
    await world.startService({ DELIVERY_CONCURRENCY: '4', SMTP_MAX_CONNECTIONS: '2' });
    for (let i = 0; i < EVENTS; i++) await world.vhost.publish('user.welcome_requested', { event_id: randomUUID(), userid: `term-${i}`, email: `term-${i}@example.com` });
    await eventually(async () => world.smtp.messages.length >= 10, 20_000, 'some emails');
    const started = Date.now();
    world.service.signal('SIGTERM');
    expect(await world.service.exited(15_000)).to.equal(0);
    expect(Date.now() - started).to.be.below(12_000);
    const messages = world.service.logLines().map((l) => l.msg);
    expect(messages).to.include.members(['shutting down', 'stopped']);
    // Nothing was left claimed: every send in flight was recorded before the exit.
    const [claimed] = await sqlOnPrimary<{ n: string }>(world.db.name, "select count(*) as n from notifications where status = 'sending'");
    expect(Number(claimed?.n)).to.equal(0);

    await world.startService();
    await eventually(async () => {
      const [row] = await sqlOnPrimary<{ n: string }>(world.db.name, "select count(*) as n from notifications where status = 'sent'");
      return Number(row?.n) === EVENTS;
    }, 60_000, `all ${EVENTS} sent after the restart`);
    const copies = [...world.smtp.byMessageId().values()];
    expect(copies).to.have.length(EVENTS);
    expect(copies.every((c) => c.length === 1)).to.equal(true);
  });

  it('exits at once on a second SIGTERM, and by itself at the bound, when a send hangs', async () => {
    // A lease shorter than the hang: after the forced exit the next process takes the send over.
    const env = { SMTP_SOCKET_TIMEOUT_MS: '60000', DELIVERY_LEASE_MS: '3000' };
    await world.startService({ ...env, SHUTDOWN_TIMEOUT_MS: '3000' });
    world.smtp.respondWith(Array.from({ length: 10 }, () => ({ hangAfterData: true }) as const));
    await world.vhost.publish('user.welcome_requested', { userid: 'hang-1', email: 'hang-1@example.com' });
    await eventually(async () => world.smtp.allAttempts.length >= 1, 15_000, 'the hanging send');
    world.service.signal('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = Date.now();
    world.service.signal('SIGTERM');
    expect(await world.service.exited(5_000)).to.equal(1);
    expect(Date.now() - second).to.be.below(1_000);

    const attemptsBefore = world.smtp.allAttempts.length;
    await world.startService({ ...env, SHUTDOWN_TIMEOUT_MS: '2000' });
    await eventually(async () => world.smtp.allAttempts.length > attemptsBefore, 30_000, 'the resend hanging too');
    const first = Date.now();
    world.service.signal('SIGTERM');
    expect(await world.service.exited(10_000)).to.equal(1);
    expect(Date.now() - first).to.be.within(1_500, 6_000);
  });

  it('on SIGTERM while the database says try later, hands the held events back and exits 0 at once; they are delivered after a restart', async () => {
    await world.startService({ DB_STATEMENT_TIMEOUT_MS: '200' });
    const locker = new pg.Client({ connectionString: world.db.url });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query('lock table inbox, notifications in access exclusive mode');
      for (let i = 0; i < 3; i++) await world.vhost.publish('user.welcome_requested', { event_id: randomUUID(), userid: `held-${i}`, email: `held-${i}@example.com` });
      await eventually(async () => world.service.logLines().some((l) => l.msg === 'the database says try later; holding the event') || undefined, 15_000, 'events held');
      const started = Date.now();
      world.service.signal('SIGTERM');
      expect(await world.service.exited(15_000)).to.equal(0);
      expect(Date.now() - started, 'well before the shutdown deadline (11 s)').to.be.below(5_000);
    } finally {
      await locker.query('rollback').catch(() => undefined);
      await locker.end();
    }
    await world.startService();
    await eventually(async () => {
      const [row] = await sqlOnPrimary<{ n: string }>(world.db.name, "select count(*) as n from notifications where status = 'sent'");
      return Number(row?.n) === 3 || undefined;
    }, 30_000, 'the 3 held events sent after the restart');
    expect(await deadLetterCount(world.db.name, () => world.vhost.messageCount('notification-service.events.dlq'))).to.equal(0);
  });
});
