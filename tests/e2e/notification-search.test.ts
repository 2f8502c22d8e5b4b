import { expect } from 'chai';
import { eventually } from '../support/databases.js';
import { PipelineWorld } from '../support/pipeline-world.js';

type Item = { id: string; userid: string | null; type: string; channel: string; recipient: string; status: string; order_id: string | null; created_at: string };
type Listed = { items: Item[]; next_cursor: string | null; page?: number; page_size?: number };
type Problem = { errors?: Array<{ field: string }> };

describe('finding notifications over REST (built service)', function () {
  this.timeout(120_000);
  let world: PipelineWorld;
  let failedId: string;
  let orderNotification: string;

  const list = async (query: string): Promise<Listed> => {
    const res = await world.admin.get(`/notifications${query}`);
    expect(res.status, res.text).to.equal(200);
    return res.body as unknown as Listed;
  };
  const ids = (l: Listed) => l.items.map((i) => i.id);

  before(async () => {
    world = await PipelineWorld.create('e2e_search');
    await world.startService();
    await world.vhost.publish('order.created', {
      event_type: 'order.created',
      data: { order_id: 'ORD-E2E-1', user_id: 'u-search-1', user_email: 'buyer-s@example.com', total_amount: 12.5, status: 'pending', items: [{ product_id: 1, product_name: 'Mug', quantity: 1, price: 12.5 }] },
    });
    for (const [userid, email] of [['u-search-1', 'one@example.com'], ['u-search-1', 'two@example.com'], ['u-search-2', 'three@example.com']]) {
      expect((await world.admin.post('/notifications/send', { notification_type: 'welcome', recipient_email: email, userid })).status).to.equal(202);
    }
    // The refusal is for the next email the sink receives: the four before are delivered first.
    await eventually(async () => world.smtp.messages.length >= 4 || undefined, 30_000, 'four emails');
    world.smtp.respondWith([{ reply: 550, message: 'mailbox unavailable' }]);
    failedId = String((await world.admin.post('/notifications/send', { notification_type: 'security_alert', recipient_email: 'fails@example.com', userid: 'u-search-3', template_vars: { alert_message: 'hi' } })).body.notification_id);
    const final = await eventually(async () => {
      const l = await list('?page_size=100');
      return l.items.length === 5 && l.items.every((i) => ['sent', 'failed'].includes(i.status)) ? l : undefined;
    }, 30_000, 'five final notifications');
    orderNotification = (final.items.find((i) => i.type === 'order_confirmation') as Item).id;
  });
  after(() => world.stop());

  it('lists every notification newest first, with its order id', async () => {
    const all = await list('');
    expect(all.items.map((i) => i.created_at)).to.deep.equal([...all.items.map((i) => i.created_at)].sort().reverse());
    expect(all.items.find((i) => i.id === orderNotification)?.order_id).to.equal('ORD-E2E-1');
    expect([all.page, all.page_size, all.next_cursor]).to.deep.equal([1, 20, null]);
  });

  it('filters by userid, recipient, status, type, channel, order_id and creation time, alone and combined', async () => {
    expect((await list('?userid=u-search-1')).items.map((i) => i.recipient).sort()).to.deep.equal(['buyer-s@example.com', 'one@example.com', 'two@example.com']);
    expect(ids(await list('?recipient=three%40example.com'))).to.have.lengthOf(1);
    expect(ids(await list('?status=failed'))).to.deep.equal([failedId]);
    expect(ids(await list('?type=order_confirmation'))).to.deep.equal([orderNotification]);
    expect(ids(await list('?channel=email'))).to.have.lengthOf(5);
    expect(ids(await list('?channel=sms'))).to.deep.equal([]);
    expect(ids(await list('?order_id=ORD-E2E-1'))).to.deep.equal([orderNotification]);
    expect(ids(await list('?userid=u-search-1&status=sent&type=welcome'))).to.have.lengthOf(2);
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    expect(ids(await list(`?created_from=${hourAgo}&created_to=${inAnHour}`))).to.have.lengthOf(5);
    expect(ids(await list(`?created_from=${inAnHour}`))).to.deep.equal([]);
  });

  it('pages by number and by cursor, the same rows either way', async () => {
    const all = ids(await list('?page_size=100'));
    const byNumber = [...ids(await list('?page_size=2&page=1')), ...ids(await list('?page_size=2&page=2')), ...ids(await list('?page_size=2&page=3'))];
    const byCursor: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Listed = await list(`?page_size=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.page).to.equal(cursor ? undefined : 1);
      byCursor.push(...ids(page));
      cursor = page.next_cursor;
    } while (cursor !== null);
    expect(byNumber).to.deep.equal(all);
    expect(byCursor).to.deep.equal(all);
  });

  it('answers one notification with its attempts, rendered subject, links and the events published for it', async () => {
    const detail = await eventually(async () => {
      const r = await world.admin.get(`/notifications/${orderNotification}`);
      return (r.body.events as unknown[]).length > 0 && (r.body.events as Array<{ published_at: string | null }>)[0]?.published_at ? r.body : undefined;
    }, 15_000, 'the published event');
    expect(detail).to.deep.include({ id: orderNotification, order_id: 'ORD-E2E-1', template_key: 'order_confirmation', template_version: 1, retried_by: null, fallbacks: [], status: 'sent' });
    expect(detail.correlation_id).to.be.a('string');
    expect((detail.rendered as { subject: string }).subject).to.equal('Order #ORD-E2E-1 Confirmed');
    expect((detail.attempts as Array<{ outcome: string; response: string }>).map((a) => a.outcome)).to.deep.equal(['accepted']);
    expect((detail.events as Array<{ event_type: string; routing_key: string }>).map((e) => [e.event_type, e.routing_key])).to.deep.equal([['NotificationSent', 'notification.sent']]);
    const seed = await world.admin.get(`/api/v1/notifications/${orderNotification}`);
    expect(seed.body).to.deep.equal(detail);
  });

  it('retries a failed notification over seed 000 path: 202, then 409, and 404 for an unknown one; the detail links the retry', async () => {
    const retry = await world.admin.post(`/api/v1/notifications/retry/${failedId}`, {});
    expect(retry.status).to.equal(202);
    expect(retry.body).to.deep.equal({ notification_id: retry.body.notification_id, retry_of: failedId, status: 'pending', fallbacks: [] });
    expect((await world.admin.post(`/api/v1/notifications/retry/${failedId}`, {})).status).to.equal(409);
    expect((await world.admin.post('/api/v1/notifications/retry/00000000-0000-4000-8000-000000000000', {})).status).to.equal(404);
    const detail = await eventually(async () => {
      const r = await world.admin.get(`/notifications/${failedId}`);
      return r.body.retried_by ? r.body : undefined;
    }, 15_000, 'retried_by');
    expect(detail.retried_by).to.equal(retry.body.notification_id);
    expect(detail.reason).to.equal('permanent_failure');
    expect((await world.admin.get('/api/v1/notifications?status=failed')).body.items).to.have.lengthOf(1);
  });

  it('refuses bad filters with a 400 naming the field, and unknown parameters', async () => {
    const cases: Array<[string, string]> = [
      ['?status=lost', 'status'],
      ['?channel=fax', 'channel'],
      ['?type=no_such_type', 'type'],
      ['?created_from=yesterday', 'created_from'],
      ['?created_from=2026-11-02T00:00:00Z&created_to=2026-11-01T00:00:00Z', 'created_from'],
      ['?page_size=101', 'page_size'],
      ['?page=1&cursor=abc', 'cursor'],
      ['?cursor=not-ours', 'cursor'],
      ['?colour=blue', 'colour'],
    ];
    for (const [query, field] of cases) {
      const res = await world.admin.get(`/notifications${query}`);
      expect(res.status, query).to.equal(400);
      expect(((res.body as Problem).errors ?? []).map((e) => e.field), query).to.include(field);
    }
  });

  it('describes the routes in the OpenAPI document', async () => {
    const paths = (await world.admin.withKey(undefined).get('/openapi.json')).body.paths as Record<string, unknown>;
    expect(Object.keys(paths)).to.include.members(['/notifications', '/notifications/{id}', '/api/v1/notifications', '/api/v1/notifications/{id}', '/api/v1/notifications/retry/{id}']);
  });

  it('answers 404 for an unknown or malformed id, 401 without a key and 403 without notifications:read', async () => {
    expect((await world.admin.get('/notifications/00000000-0000-4000-8000-000000000000')).status).to.equal(404);
    expect((await world.admin.get('/notifications/not-an-id')).status).to.equal(404);
    expect((await world.admin.withKey(undefined).get('/notifications')).status).to.equal(401);
    const sender = world.admin.withKey(String((await world.admin.post('/admin/api-keys', { name: 'sender', scopes: ['notifications:send'] })).body.key));
    expect((await sender.get('/notifications')).status).to.equal(403);
    expect((await sender.get(`/api/v1/notifications/${orderNotification}`)).status).to.equal(403);
    expect((await sender.post(`/api/v1/notifications/retry/${failedId}`, {})).status).to.equal(403);
  });
});
