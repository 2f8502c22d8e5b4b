import { expect } from 'chai';
import { eventually, sqlOnPrimary } from '../support/databases.js';
import { PipelineWorld } from '../support/pipeline-world.js';

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

describe('scheduled and recurring sends (built service)', function () {
  this.timeout(60_000);
  let world: PipelineWorld;

  before(async () => {
    world = await PipelineWorld.create('e2e_schedules');
    await world.startService();
  });
  after(() => world.stop());

  const mailTo = (address: string, timeoutMs = 15_000) => eventually(async () => world.smtp.messages.find((m) => m.to.includes(address)), timeoutMs, `the email to ${address}`);

  it('fires a one-off send at its time, once, and shows it completed', async () => {
    const sendAt = inSeconds(2);
    const res = await world.admin.post('/notifications/schedule', { notification_type: 'welcome', recipient_email: 'later@example.com', send_at: sendAt });
    expect(res.status, res.text).to.equal(201);
    expect(res.body).to.include({ status: 'active', next_fire_at: sendAt, notification_type: 'welcome' });
    expect(world.smtp.messages.some((m) => m.to.includes('later@example.com'))).to.equal(false);
    const mail = await mailTo('later@example.com');
    expect(mail).to.not.equal(undefined);
    const shown = await eventually(async () => {
      const r = await world.admin.get(`/schedules/${String(res.body.schedule_id)}`);
      return r.body.status === 'completed' ? r : undefined;
    }, 10_000, 'the schedule completed');
    expect(shown.body.fired_count).to.equal(1);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(world.smtp.messages.filter((m) => m.to.includes('later@example.com'))).to.have.lengthOf(1);
  });

  it('takes seed 003 fields with a local time in a zone and a recurrence, lists it, and cancels it for good', async () => {
    const res = await world.admin.post('/notifications/schedule', {
      recipient: 'daily@example.com',
      template_id: 'welcome',
      variables: {},
      send_at: '2030-03-31T02:30:00',
      timezone: 'Europe/Berlin',
      recurrence: '30 2 * * *',
    });
    expect(res.status, res.text).to.equal(201);
    // 2030-03-31 is the spring-forward day in Berlin: 02:30 does not exist, so it fires at 03:00 CEST.
    expect(res.body).to.include({ next_fire_at: '2030-03-31T01:00:00.000Z', timezone: 'Europe/Berlin', recurrence: '30 2 * * *' });
    const listed = await eventually(async () => {
      const r = await world.admin.get('/schedules?status=active');
      return (r.body.schedules as Array<{ schedule_id: string }>).some((s) => s.schedule_id === res.body.schedule_id) ? r : undefined;
    }, 5_000, 'the schedule listed');
    expect(listed.body.total).to.be.at.least(1);
    const cancelled = await world.admin.request('DELETE', `/schedules/${String(res.body.schedule_id)}`);
    expect([cancelled.status, cancelled.body.status, cancelled.body.next_fire_at]).to.deep.equal([200, 'cancelled', null]);
    expect((await world.admin.request('DELETE', `/schedules/${String(res.body.schedule_id)}`)).status).to.equal(409);
  });

  it('refuses a bad zone, cron or send time with 400 naming the field, and variables that do not fit with 422', async () => {
    const base = { notification_type: 'welcome', recipient_email: 'x@example.com', send_at: inSeconds(60) };
    const field = async (body: unknown) => {
      const r = await world.admin.post('/notifications/schedule', body);
      return [r.status, (r.body.errors as Array<{ field: string }> | undefined)?.[0]?.field];
    };
    expect(await field({ ...base, timezone: 'Mars/Base' })).to.deep.equal([400, 'timezone']);
    expect(await field({ ...base, recurrence: 'every day' })).to.deep.equal([400, 'recurrence']);
    expect(await field({ ...base, send_at: 'tomorrow' })).to.deep.equal([400, 'send_at']);
    expect(await field({ ...base, notification_type: 'security_alert' })).to.deep.equal([422, 'template_vars.alert_message']);
  });

  it('holds an event carrying send_at until then, and sends it once', async () => {
    await world.vhost.publish('user.welcome_requested', { userid: 'u-later', email: 'event-later@example.com', send_at: inSeconds(2) });
    const [row] = await eventually(async () => {
      const rows = await sqlOnPrimary<{ n: string }>(world.db.name, 'select count(*) as n from schedules where status = \'active\'');
      return Number(rows[0]?.n) > 0 ? rows : undefined;
    }, 5_000, 'the schedule stored');
    expect(Number(row?.n)).to.be.at.least(1);
    expect(world.smtp.messages.some((m) => m.to.includes('event-later@example.com'))).to.equal(false);
    await mailTo('event-later@example.com');
  });
});
