import { expect } from 'chai';
import { eventually, sqlOnPrimary } from '../support/databases.js';
import { PipelineWorld } from '../support/pipeline-world.js';

type Result = { index: number; notification_id?: string; status?: string; errors?: Array<{ field: string; message: string }> };

const welcome = (to: string, userid: string) => ({ notification_type: 'welcome', recipient_email: to, userid, template_vars: { username: 'Ada' } });
const own = (to: string) => ({ channel: 'email', recipient: to, content: { subject: 'Batch', body: 'One of many' } });

describe('sending a batch over REST (built service)', function () {
  this.timeout(60_000);
  let world: PipelineWorld;

  before(async () => {
    world = await PipelineWorld.create('e2e_batches');
    await world.startService();
  });
  after(() => world.stop());

  const batch = (body: unknown, key?: string) => world.admin.post('/notifications/batch', body, key ? { 'idempotency-key': key } : {});
  const mailTo = (address: string) => eventually(async () => world.smtp.messages.find((m) => m.to.includes(address)), 15_000, `the email to ${address}`);
  const recordedFor = async (userids: string[]) => {
    const list = userids.map((u) => `'${u}'`).join(', ');
    const [row] = await sqlOnPrimary<{ count: string }>(world.db.name, `select count(*) from notifications where user_id in (${list})`);
    return Number(row?.count);
  };

  it('best_effort: sends the good items, refuses the bad one, and answers 207 with per-item results in order', async () => {
    const bad = { notification_type: 'welcome', recipient_email: 'be-bad@example.com', template_vars: { username: ['not', 'a', 'name'] } };
    const res = await batch({ delivery_mode: 'best_effort', notifications: [welcome('be-1@example.com', 'u-be-1'), bad, own('be-2@example.com')] });
    expect(res.status, res.text).to.equal(207);
    expect(res.body).to.deep.include({ delivery_mode: 'best_effort', accepted: 2, rejected: 1 });
    const results = res.body.results as Result[];
    expect(results.map((r) => [r.index, r.status ?? r.errors?.map((e) => e.field)])).to.deep.equal([
      [0, 'pending'],
      [1, ['notifications[1].template_vars.username']],
      [2, 'pending'],
    ]);
    expect(res.body.notification_ids).to.deep.equal([results[0]?.notification_id, results[2]?.notification_id]);
    expect((await mailTo('be-1@example.com')).messageId).to.equal(`${String(results[0]?.notification_id)}@example.com`);
    expect((await mailTo('be-2@example.com')).subject).to.equal('Batch');
    expect(world.smtp.messages.some((m) => m.to.includes('be-bad@example.com'))).to.equal(false);
  });

  it('atomic: a bad item makes it a 422 listing every refused item, and none of the batch is recorded', async () => {
    const unknownType = { ...welcome('at-bad@example.com', 'u-at-bad'), notification_type: 'no_such_type' };
    const badVariables = { ...welcome('at-vars@example.com', 'u-at-vars'), template_vars: { username: { first: 'Ada' } } };
    const res = await batch({ delivery_mode: 'atomic', notifications: [welcome('at-1@example.com', 'u-at-1'), unknownType, welcome('at-2@example.com', 'u-at-2'), badVariables] });
    expect(res.status, res.text).to.equal(422);
    expect(res.contentType).to.match(/problem\+json/);
    expect((res.body.errors as Array<{ field: string }>).map((e) => e.field)).to.deep.equal(['notifications[1].notification_type', 'notifications[3].template_vars.username']);
    expect(await recordedFor(['u-at-1', 'u-at-2', 'u-at-bad', 'u-at-vars'])).to.equal(0);
    const history = await world.admin.get('/notifications/history/u-at-1');
    expect([history.status, history.body.notifications]).to.deep.equal([200, []]);
  });

  it('atomic: items of the wrong shape are all listed before anything is sent', async () => {
    const res = await batch({ delivery_mode: 'atomic', notifications: [welcome('sh-1@example.com', 'u-sh-1'), { recipient: 'not-an-address' }, 42] });
    expect(res.status, res.text).to.equal(422);
    const fields = (res.body.errors as Array<{ field: string }>).map((e) => e.field);
    expect(fields.some((f) => f.startsWith('notifications[1].'))).to.equal(true);
    expect(fields).to.include('notifications[2]');
    expect(await recordedFor(['u-sh-1'])).to.equal(0);
  });

  it('atomic: all good items are recorded together (202, ids in order) and all delivered; the same key answers the same', async () => {
    const body = { delivery_mode: 'atomic', notifications: [welcome('ok-1@example.com', 'u-ok-1'), own('ok-2@example.com'), welcome('ok-3@example.com', 'u-ok-3')] };
    const res = await batch(body, 'batch-key-1');
    expect(res.status, res.text).to.equal(202);
    const ids = res.body.notification_ids as string[];
    expect(ids).to.have.lengthOf(3);
    expect((res.body.results as Result[]).map((r) => [r.index, r.notification_id, r.status])).to.deep.equal(ids.map((id, index) => [index, id, 'pending']));
    const mails = await Promise.all(['ok-1@example.com', 'ok-2@example.com', 'ok-3@example.com'].map(mailTo));
    expect(mails.map((m) => m.messageId)).to.deep.equal(ids.map((id) => `${id}@example.com`));
    const again = await batch(body, 'batch-key-1');
    expect([again.status, again.body.notification_ids]).to.deep.equal([202, ids]);
    expect(await recordedFor(['u-ok-1', 'u-ok-3'])).to.equal(2);
  });

  it('refuses 101 items, no items, and a bad delivery_mode with 400 naming the field', async () => {
    const many = Array.from({ length: 101 }, (_, i) => own(`many-${i}@example.com`));
    const cases: Array<[unknown, string]> = [
      [{ delivery_mode: 'best_effort', notifications: many }, 'notifications'],
      [{ delivery_mode: 'atomic', notifications: [] }, 'notifications'],
      [{ delivery_mode: 'all_or_some', notifications: [own('mode@example.com')] }, 'delivery_mode'],
    ];
    for (const [body, field] of cases) {
      const res = await batch(body);
      expect(res.status, res.text).to.equal(400);
      expect((res.body.errors as Array<{ field: string }>).map((e) => e.field)).to.deep.equal([field]);
    }
    const [row] = await sqlOnPrimary<{ count: string }>(world.db.name, `select count(*) from notifications where recipient like 'many-%' or recipient = 'mode@example.com'`);
    expect(Number(row?.count)).to.equal(0);
  });
});
