import { expect } from 'chai';
import { eventually } from '../support/databases.js';
import { E2eService } from '../support/e2e-service.js';
import type { JsonResponse } from '../support/http-client.js';

type Item = { id: string; title: string; status: string; created_at: string; seen_at: string | null; read_at: string | null; archived_at: string | null };

const counts = (res: JsonResponse) => [res.body.unread_count, res.body.unseen_count];
const ids = (res: JsonResponse) => (res.body.items as Item[]).map((i) => i.id);
const item = (res: JsonResponse) => res.body.item as Item;

describe('the in-app feed (built service)', function () {
  this.timeout(120_000);
  let world: E2eService;
  const sent: Record<'a' | 'b' | 'c' | 'theirs', string> = { a: '', b: '', c: '', theirs: '' };

  const send = async (recipient: string, subject: string) => {
    const res = await world.admin.post('/notifications/send', { channel: 'in_app', recipient, content: { subject, body: `${subject}, in full` } });
    expect(res.status, res.text).to.equal(202);
    return String(res.body.notification_id);
  };
  const post = async (path: string, status = 200) => {
    const res = await world.admin.post(path, undefined);
    expect(res.status, `${path}: ${res.text}`).to.equal(status);
    return res;
  };
  const feed = (query = '') => world.admin.get(`/feed/u-feed${query}`);

  before(async () => {
    world = await E2eService.start('e2e_feed', { DELIVERY_POLL_INTERVAL_MS: '50' });
    sent.a = await send('u-feed', 'First');
    sent.b = await send('u-feed', 'Second');
    sent.c = await send('u-feed', 'Third');
    sent.theirs = await send('u-other', 'Not yours');
    await eventually(async () => (await feed()).body.unread_count === 3 && (await world.admin.get('/feed/u-other')).body.unread_count === 1, 20_000, 'the three items in the feed');
  });
  after(() => world?.stop());

  it('answers the delivered items newest first, two to a page, with the counts', async () => {
    const first = await feed('?limit=2');
    expect([first.status, counts(first), (first.body.items as Item[]).length]).to.deep.equal([200, [3, 3], 2]);
    const second = await feed(`?limit=2&cursor=${encodeURIComponent(String(first.body.next_cursor))}`);
    expect([second.body.next_cursor, counts(second)]).to.deep.equal([null, [3, 3]]);
    const items = [...(first.body.items as Item[]), ...(second.body.items as Item[])];
    expect(items.map((i) => i.id).sort()).to.deep.equal([sent.a, sent.b, sent.c].sort());
    const order = items.map((i) => [i.created_at, i.id].join(' '));
    expect(order).to.deep.equal([...order].sort().reverse());
    expect(items.find((i) => i.id === sent.a)).to.deep.include({ title: 'First', status: 'unread', seen_at: null, read_at: null, archived_at: null });
  });

  it('reads, unreads, archives and unarchives an item, each answer and the next GET showing the counts', async () => {
    const read = await post(`/feed/u-feed/items/${sent.a}/read`);
    expect([item(read).status, counts(read)]).to.deep.equal(['read', [2, 2]]);
    const readAt = item(read).read_at;
    expect([ids(await feed('?status=read')), counts(await feed())], 'read back at once').to.deep.equal([[sent.a], [2, 2]]);
    expect(item(await post(`/feed/u-feed/items/${sent.a}/read`)).read_at, 'reading it again keeps the first read_at').to.equal(readAt);

    const unread = await post(`/feed/u-feed/items/${sent.a}/unread`);
    expect([item(unread).status, item(unread).seen_at, counts(unread)]).to.deep.equal(['unread', readAt, [3, 2]]);

    const archived = await post(`/feed/u-feed/items/${sent.b}/archive`);
    expect([item(archived).status, counts(archived)]).to.deep.equal(['archived', [2, 1]]);
    expect(ids(await feed())).to.not.include(sent.b);
    expect(ids(await feed('?status=archived'))).to.deep.equal([sent.b]);
  });

  it('marks every item seen, then reads all, answering how many changed and the counts', async () => {
    const seen = await post('/feed/u-feed/seen');
    expect([seen.body.changed, counts(seen)]).to.deep.equal([2, [2, 0]]);
    const all = await post('/feed/u-feed/read-all');
    expect([all.body.changed, counts(all)]).to.deep.equal([2, [0, 0]]);
    expect([ids(await feed('?status=unread')), ids(await feed('?status=read')).length]).to.deep.equal([[], 2]);
    expect((await post('/feed/u-feed/read-all')).body).to.deep.equal({ changed: 0, unread_count: 0, unseen_count: 0 });
    const back = await post(`/feed/u-feed/items/${sent.b}/unarchive`);
    expect([item(back).status, counts(back)], 'archived items are left unread by read-all').to.deep.equal(['unread', [1, 0]]);
  });

  it("answers 404 for another user's item, without revealing it, and leaves it as it was", async () => {
    const res = await post(`/feed/u-feed/items/${sent.theirs}/read`, 404);
    expect([res.contentType, res.body.title, res.body.detail]).to.deep.equal(['application/problem+json; charset=utf-8', 'Feed item not found', `the feed of user "u-feed" has no item ${sent.theirs}`]);
    expect(counts(await world.admin.get('/feed/u-other'))).to.deep.equal([1, 1]);
    expect((await world.admin.get('/feed/nobody-at-all')).body).to.deep.equal({ items: [], next_cursor: null, unread_count: 0, unseen_count: 0 });
  });

  it('refuses a bad cursor, status, limit or item id with a 400 naming the field', async () => {
    const field = async (path: string, method: 'GET' | 'POST' = 'GET') => {
      const res = await world.admin.request(method, path);
      expect(res.status, path).to.equal(400);
      return (res.body.errors as Array<{ field: string }>).map((e) => e.field);
    };
    expect(await field('/feed/u-feed?cursor=bm90LWEtY3Vyc29y')).to.deep.equal(['cursor']);
    expect(await field('/feed/u-feed?status=deleted')).to.deep.equal(['status']);
    expect(await field('/feed/u-feed?limit=500')).to.deep.equal(['limit']);
    expect(await field('/feed/u-feed/items/123/read', 'POST')).to.deep.equal(['id']);
  });

  it('needs notifications:read on every feed route', async () => {
    const key = await world.admin.post('/admin/api-keys', { name: 'sender only', scopes: ['notifications:send'] });
    const sender = world.admin.withKey(String(key.body.key));
    for (const [method, path] of [['GET', '/feed/u-feed'], ['POST', `/feed/u-feed/items/${sent.c}/archive`], ['POST', '/feed/u-feed/read-all'], ['POST', '/feed/u-feed/seen']] as const) {
      const res = await sender.request(method, path);
      expect([path, res.status]).to.deep.equal([path, 403]);
    }
    const reader = world.admin.withKey(String((await world.admin.post('/admin/api-keys', { name: 'reader', scopes: ['notifications:read'] })).body.key));
    expect((await reader.get('/feed/u-feed')).status).to.equal(200);
    expect(item(await reader.request('POST', `/feed/u-feed/items/${sent.c}/archive`)).status).to.equal('archived');
  });

  it('describes the feed routes in /openapi.json, each needing the scope', async () => {
    const paths = (await world.anonymous.get('/openapi.json')).body.paths as Record<string, Record<string, { description?: string; parameters?: Array<{ name: string; schema?: { enum?: string[] } }> }>>;
    const feedPaths = Object.keys(paths).filter((p) => p.startsWith('/feed/')).sort();
    expect(feedPaths).to.deep.equal([
      '/feed/{userid}',
      '/feed/{userid}/items/{id}/archive',
      '/feed/{userid}/items/{id}/read',
      '/feed/{userid}/items/{id}/unarchive',
      '/feed/{userid}/items/{id}/unread',
      '/feed/{userid}/read-all',
      '/feed/{userid}/seen',
    ]);
    const get = paths['/feed/{userid}']?.get;
    expect(get?.parameters?.find((p) => p.name === 'status')?.schema?.enum).to.deep.equal(['unread', 'read', 'archived']);
    for (const p of feedPaths) expect(Object.values(paths[p]!)[0]?.description, p).to.include('Requires the scope `notifications:read`.');
  });
});
