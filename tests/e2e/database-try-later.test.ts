import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { eventually, sqlOnPrimary } from '../support/databases.js';
import { PipelineWorld } from '../support/pipeline-world.js';
import { deadLetterCount } from '../support/stored-dead-letters.js';

const EVENTS = 50;
const LOCKED_MS = 8_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The sum of a Prometheus counter over the series whose labels contain `labels` (e.g. 'outcome="requeued"'). */
async function counterTotal(world: PipelineWorld, name: string, labels = ''): Promise<number> {
  const text = (await world.admin.get('/broker/prometheus')).text;
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && line.includes(labels))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

// A statement timeout, then a lock held past it: the database answers 57014 ("try later") for as
// long as the lock is held. Events must wait, not be requeued at once (which burns the quorum
// queue's delivery limit and dead-letters healthy events); REST must answer 503 with Retry-After.
describe('the database says try later (built service)', function () {
  this.timeout(120_000);
  let world: PipelineWorld;
  before(async () => {
    world = await PipelineWorld.create('e2e_try_later');
    await world.startService({ DB_STATEMENT_TIMEOUT_MS: '200' });
  });
  after(() => world.stop());

  it('holds 50 events while the tables are locked, answers REST 503 with Retry-After, then delivers all 50 and dead-letters none', async () => {
    const locker = new pg.Client({ connectionString: world.db.url });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query('lock table inbox, notifications in access exclusive mode');
      const lockedAt = Date.now();
      for (let i = 0; i < EVENTS; i++) {
        const eventId = randomUUID();
        await world.vhost.publish('user.welcome_requested', { event_id: eventId, userid: `locked-${i}`, email: `locked-${i}@example.com`, username: `L ${i}` }, { messageId: eventId });
      }
      const send = await world.admin.post('/notifications/send', { notification_type: 'welcome', recipient_email: 'rest@example.com' });
      expect(send.status, send.text).to.equal(503);
      expect(send.contentType).to.match(/^application\/problem\+json/);
      expect(send.headers.get('retry-after')).to.equal('5');
      await sleep(LOCKED_MS - (Date.now() - lockedAt));
      expect(await counterTotal(world, 'notification_events_consumed_total', 'outcome="requeued"'), 'events requeued at once').to.equal(0);
    } finally {
      await locker.query('rollback').catch(() => undefined);
      await locker.end();
    }

    await world.smtp.waitFor(EVENTS, 60_000);
    await eventually(async () => {
      const [row] = await sqlOnPrimary<{ sent: string; inbox: string }>(
        world.db.name,
        "select count(*) filter (where status = 'sent') as sent, (select count(*) from inbox) as inbox from notifications",
      );
      return Number(row?.sent) === EVENTS && Number(row?.inbox) === EVENTS;
    }, 30_000, '50 events recorded and sent');
    expect(await deadLetterCount(world.db.name, () => world.vhost.messageCount('notification-service.events.dlq')), 'dead-lettered').to.equal(0);
    expect(await counterTotal(world, 'notification_dead_lettered_total'), 'dead-letter counter').to.equal(0);
    expect(await counterTotal(world, 'notification_events_consumed_total', 'outcome="requeued"'), 'events requeued at once').to.equal(0);
    expect(world.service.logLines().filter((l) => l.msg === 'request failed'), 'REST 500s').to.deep.equal([]);
  });
});
