import { expect } from 'chai';
import { eventually } from '../support/databases.js';
import { PipelineWorld } from '../support/pipeline-world.js';

describe('sending and retrying over REST (built service)', function () {
  this.timeout(60_000);
  let world: PipelineWorld;

  before(async () => {
    world = await PipelineWorld.create('e2e_rest_send');
    await world.startService();
  });
  after(() => world.stop());

  const send = (body: unknown, key?: string) => world.admin.post('/notifications/send', body, key ? { 'idempotency-key': key } : {});

  it('accepts a send (202) and delivers it with the caller subject and content', async () => {
    const res = await send({ notification_type: 'security_alert', recipient_email: 'ops@example.com', subject: 'Heads up', content: 'Line one\nLine <two>' });
    expect(res.status).to.equal(202);
    expect(res.body.status).to.equal('pending');
    const mail = await eventually(async () => world.smtp.messages.find((m) => m.to.includes('ops@example.com')), 15_000, 'the email');
    expect(mail.subject).to.equal('Heads up');
    expect(mail.text).to.include('Line <two>');
    expect(mail.html).to.include('Line &lt;two&gt;');
    expect(mail.messageId).to.equal(`${String(res.body.notification_id)}@example.com`);
  });

  it('returns the first response for the same Idempotency-Key and body, and 422 for another body', async () => {
    const body = { notification_type: 'welcome', recipient_email: 'idem@example.com', userid: 'u-idem', template_vars: { username: 'Ida' } };
    const first = await send(body, 'key-1');
    const again = await send({ template_vars: { username: 'Ida' }, userid: 'u-idem', recipient_email: 'idem@example.com', notification_type: 'welcome' }, 'key-1');
    expect(first.status).to.equal(202);
    expect(again.status).to.equal(202);
    expect(again.body.notification_id).to.equal(first.body.notification_id);
    const other = await send({ ...body, recipient_email: 'other@example.com' }, 'key-1');
    expect(other.status).to.equal(422);
    expect(other.contentType).to.match(/problem\+json/);
    await eventually(async () => world.smtp.messages.some((m) => m.to.includes('idem@example.com')), 15_000, 'the email');
    const history = await eventually(async () => {
      const r = await world.admin.get('/notifications/history/u-idem');
      const items = r.body.notifications as unknown[];
      return items.length > 0 ? items : undefined;
    }, 10_000, 'history');
    expect(history).to.have.length(1);
  });

  it('answers 409 for a request whose key is still in flight, and one of the two wins', async () => {
    const body = { notification_type: 'welcome', recipient_email: 'race@example.com' };
    const results = await Promise.all(Array.from({ length: 8 }, () => send(body, 'key-race')));
    const statuses = results.map((r) => r.status);
    expect(statuses.every((s) => s === 202 || s === 409)).to.equal(true);
    const ids = new Set(results.filter((r) => r.status === 202).map((r) => r.body.notification_id));
    expect(ids.size).to.equal(1);
  });

  it('refuses a CRLF in the subject and a bad Idempotency-Key with 400 naming the field', async () => {
    const crlf = await send({ notification_type: 'welcome', recipient_email: 'x@example.com', subject: 'Hi\r\nBcc: evil@example.com' });
    expect(crlf.status).to.equal(400);
    expect((crlf.body.errors as Array<{ field: string }>).map((e) => e.field)).to.include('subject');
    const badKey = await send({ notification_type: 'welcome', recipient_email: 'x@example.com' }, 'has space');
    expect(badKey.status).to.equal(400);
    expect((badKey.body.errors as Array<{ field: string }>).map((e) => e.field)).to.include('idempotency-key');
  });

  it('retries a failed notification as a new one linked by retry_of, once, leaving the failed one failed', async () => {
    world.smtp.respondWith([{ reply: 550, message: 'mailbox unavailable' }]);
    const res = await send({ notification_type: 'welcome', recipient_email: 'retry@example.com', userid: 'u-retry' });
    const id = String(res.body.notification_id);
    await eventually(async () => {
      const h = await world.admin.get('/notifications/history/u-retry');
      return (h.body.notifications as Array<{ status: string }>)[0]?.status === 'failed' ? true : undefined;
    }, 15_000, 'the notification to fail');
    const retry = await world.admin.post(`/notifications/${id}/retry`, {});
    expect(retry.status).to.equal(202);
    const retryId = String(retry.body.notification_id);
    expect(retry.body).to.deep.equal({ notification_id: retryId, retry_of: id, status: 'pending', fallbacks: [] });
    expect(retryId).to.not.equal(id);
    await eventually(async () => world.smtp.messages.find((m) => m.to.includes('retry@example.com')), 15_000, 'the retried email');
    type Item = { id: string; status: string; retry_of: string | null; attempts: Array<{ outcome: string }> };
    const items = await eventually(async () => {
      const h = await world.admin.get('/notifications/history/u-retry');
      const list = h.body.notifications as Item[];
      return list.find((n) => n.id === retryId)?.status === 'sent' ? list : undefined;
    }, 15_000, 'the retry to be sent');
    expect(items.map((n) => [n.id, n.status, n.retry_of, n.attempts.map((a) => a.outcome)])).to.deep.equal([
      [retryId, 'sent', id, ['accepted']],
      [id, 'failed', null, ['permanent_failure']],
    ]);
    const again = await world.admin.post(`/notifications/${id}/retry`, {});
    expect(again.status).to.equal(409);
    expect(String(again.body.detail)).to.equal(`notification ${id} was already retried as ${retryId}`);
    expect((await world.admin.post(`/notifications/${retryId}/retry`, {})).status).to.equal(409);
    expect((await world.admin.post('/notifications/00000000-0000-4000-8000-000000000000/retry', {})).status).to.equal(404);
  });

  it('needs the notifications:send scope to send and admin to retry', async () => {
    const created = await world.admin.post('/admin/api-keys', { name: 'reader', scopes: ['notifications:read'] });
    const reader = world.admin.withKey(String(created.body.key));
    expect((await reader.post('/notifications/send', { notification_type: 'welcome', recipient_email: 'x@example.com' })).status).to.equal(403);
    expect((await reader.post('/notifications/00000000-0000-4000-8000-000000000000/retry', {})).status).to.equal(403);
  });
});
