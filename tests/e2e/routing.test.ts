import { expect } from 'chai';
import { eventually, sqlOnPrimary } from '../support/databases.js';
import { PipelineWorld } from '../support/pipeline-world.js';
import { ProviderFakes } from '../support/provider-fakes.js';

/** A template on three channels; `first` routes try SMS, then email. */
const template = (key: string, routing: Record<string, unknown>) => ({
  key,
  description: 'A delivery moved',
  routing,
  variables: [{ name: 'stage', type: 'string' }],
  variants: [
    { channel: 'email', locale: 'en', subject: 'Your delivery', text: 'Now: <%= it.stage %>' },
    { channel: 'sms', locale: 'en', body: 'Delivery: <%= it.stage %>' },
    { channel: 'in_app', locale: 'en', title: 'Delivery', body: 'Now: <%= it.stage %>' },
  ],
});

type Row = { channel: string; status: string; reason: string | null };

describe('routing, fallback and quiet hours (built service, provider fakes)', function () {
  this.timeout(120_000);
  let world: PipelineWorld;
  let fakes: ProviderFakes;

  before(async () => {
    [world, fakes] = await Promise.all([PipelineWorld.create('e2e_routing'), ProviderFakes.start()]);
    await world.startService(fakes.env());
    for (const t of [template('delivery.all', { mode: 'all' }), template('delivery.first', { mode: 'first', order: ['sms', 'email'] })]) {
      const res = await world.admin.post('/templates', t);
      expect(res.status, res.text).to.equal(201);
    }
  });
  after(async () => {
    await world.stop();
    await fakes.close();
  });

  const profile = async (userid: string, fields: Record<string, unknown>) => {
    const res = await world.admin.post('/notifications/preferences', { userid, notification_email: `${userid}@example.com`, ...fields });
    expect(res.status, res.text).to.equal(201);
  };
  const send = async (type: string, userid: string, extra: Record<string, unknown> = {}) => {
    const res = await world.admin.post('/notifications/send', { notification_type: type, userid, template_vars: { stage: 'out for delivery' }, ...extra });
    expect(res.status, res.text).to.equal(202);
    const ids = res.body.notification_ids as string[];
    expect(ids[0]).to.equal(res.body.notification_id);
    return ids;
  };
  const rows = (ids: readonly string[]) =>
    sqlOnPrimary<Row>(world.db.name, `select channel, status, reason from notifications where id in (${ids.map((id) => `'${id}'`).join(', ')}) order by channel`);
  const settledRows = (ids: readonly string[], final = ['sent', 'failed', 'suppressed']) =>
    eventually(async () => {
      const found = await rows(ids);
      return found.every((r) => final.includes(r.status)) ? found : undefined;
    }, 20_000, 'final notifications');
  const view = (r: Row) => `${r.channel}:${r.status}${r.reason ? `:${r.reason}` : ''}`;

  it('fans a send out over the type’s channels, each dropped channel recorded with why', async () => {
    await profile('u-all', { phone_number: '+15551239001', channels: { sms: false } });
    const ids = await send('delivery.all', 'u-all');
    expect(ids).to.have.lengthOf(3);
    expect((await settledRows(ids)).map(view)).to.deep.equal(['email:sent', 'in_app:sent', 'sms:suppressed:preference_opt_out']);
    expect(world.smtp.messages.flatMap((m) => m.to)).to.include('u-all@example.com');
    expect(fakes.twilio.accepted.filter((m) => m.to === '+15551239001')).to.deep.equal([]);
  });

  it('routes first: a missing phone falls to email; a permanently refused SMS falls back to email in its transaction', async () => {
    await profile('u-nophone', {});
    expect((await settledRows(await send('delivery.first', 'u-nophone'))).map(view)).to.deep.equal(['email:sent', 'sms:suppressed:no_contact_point']);

    // Twilio's magic number +15005550001 answers 21211 (invalid number): permanent.
    await profile('u-badphone', { phone_number: '+15005550001' });
    const [smsId] = await send('delivery.first', 'u-badphone');
    const all = await eventually(async () => {
      const found = await sqlOnPrimary<Row & { id: string }>(world.db.name, "select id, channel, status, reason from notifications where user_id = 'u-badphone' and type = 'delivery.first' order by created_at, channel");
      return found.length === 2 && found.every((r) => r.status === 'sent' || r.status === 'failed') ? found : undefined;
    }, 20_000, 'the fallback sent');
    expect(all.map((r) => [r.id === smsId, view(r)])).to.deep.equal([
      [true, 'sms:failed:permanent_failure'],
      [false, 'email:sent'],
    ]);
    // On-call reads the link in the history: the email falls back from the refused SMS.
    const history = await eventually(async () => {
      const items = (await world.admin.get('/notifications/history/u-badphone')).body.notifications as Array<Record<string, unknown>>;
      return items.find((n) => n.type === 'delivery.first' && n.channel === 'email');
    }, 10_000, 'the fallback in the history');
    expect(history.fallback_of).to.equal(smsId);
    // A bulk retry leaves the refused SMS out: the user has the email. A single retry goes ahead and names the email.
    expect((await world.admin.post('/notifications/retry', { type: 'delivery.first', channel: 'sms', dry_run: true })).body).to.deep.equal({ dry_run: true, count: 0, remaining: 0 });
    const retry = await world.admin.post(`/notifications/${smsId}/retry`, {});
    expect([retry.status, retry.body.retry_of, retry.body.fallbacks]).to.deep.equal([202, smsId, [history.id]]);
  });

  it('holds below-critical sends for quiet hours (in-app and critical go at once)', async () => {
    const hour = new Date().getUTCHours();
    const hh = (h: number) => `${String((h + 24) % 24).padStart(2, '0')}:00`;
    await profile('u-quiet', { phone_number: '+15551239002', timezone: 'UTC', quiet_hours: { start: hh(hour - 1), end: hh(hour + 2) } });
    const held = await send('delivery.all', 'u-quiet');
    const [email, feed, sms] = await settledRows(held, ['sent', 'scheduled']);
    expect([email, feed, sms].map((r) => r && view(r))).to.deep.equal(['email:scheduled:quiet_hours', 'in_app:sent', 'sms:scheduled:quiet_hours']);
    const [due] = await sqlOnPrimary<{ at: Date }>(world.db.name, `select next_attempt_at as at from notifications where id = '${held[0]}'`);
    const end = new Date();
    end.setUTCHours(hour + 2, 0, 0, 0);
    expect(due?.at.toISOString()).to.equal(end.toISOString());

    const critical = await send('delivery.all', 'u-quiet', { priority: 'critical' });
    expect((await settledRows(critical)).map(view)).to.deep.equal(['email:sent', 'in_app:sent', 'sms:sent']);
  });
});
