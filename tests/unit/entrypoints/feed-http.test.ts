import { expect } from 'chai';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpDepsOf } from '../../../src/entrypoints/composition/http-deps.js';
import { createHttpApp } from '../../../src/entrypoints/http/app.js';
import { HttpClient } from '../../support/http-client.js';
import { TEST_ADMIN_KEY, fakeContainer } from '../../support/test-container.js';
import { T0, aFeedItem, at } from '../mothers.js';

const ITEM = '00000000-0000-4000-8000-0000000000f1';
const OTHERS = '00000000-0000-4000-8000-0000000000f2';

describe('the feed over HTTP (fakes behind the real app)', () => {
  let server: Server;
  let admin: HttpClient;

  beforeEach(async () => {
    const world = fakeContainer();
    world.store.feedItems.set(ITEM, aFeedItem({ id: ITEM, userId: 'u-1' }));
    world.store.feedItems.set(OTHERS, aFeedItem({ id: OTHERS, userId: 'u-2', createdAt: at(1) }));
    server = createHttpApp(httpDepsOf(world.app)).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    admin = new HttpClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, TEST_ADMIN_KEY);
  });
  afterEach(() => void server.close());

  it('answers a page of snake_case items with the counts', async () => {
    const res = await admin.get('/feed/u-1');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({
      items: [
        {
          id: ITEM,
          type: 'order_status_update',
          title: 'Order shipped',
          body: 'Your order is on its way',
          action_url: 'https://app.example.com/orders/1',
          data: { order_id: '1' },
          status: 'unread',
          created_at: T0.toISOString(),
          seen_at: null,
          read_at: null,
          archived_at: null,
        },
      ],
      next_cursor: null,
      unread_count: 1,
      unseen_count: 1,
    });
  });

  it('answers the changed item and the counts, and 404 for an item of another user', async () => {
    const read = await admin.post('/feed/u-1/items/' + ITEM + '/read', undefined);
    expect(read.status).to.equal(200);
    expect(read.body).to.deep.include({ unread_count: 0, unseen_count: 0 });
    expect(read.body.item).to.deep.include({ id: ITEM, status: 'read', read_at: T0.toISOString(), seen_at: T0.toISOString() });
    const theirs = await admin.post(`/feed/u-1/items/${OTHERS}/archive`, undefined);
    expect([theirs.status, theirs.contentType, theirs.body.title]).to.deep.equal([404, 'application/problem+json; charset=utf-8', 'Feed item not found']);
    expect(theirs.body.detail).to.equal(`the feed of user "u-1" has no item ${OTHERS}`);
    expect((await admin.post('/feed/u-1/read-all', undefined)).body).to.deep.equal({ changed: 0, unread_count: 0, unseen_count: 0 });
    expect((await admin.post('/feed/u-2/seen', undefined)).body).to.deep.equal({ changed: 1, unread_count: 1, unseen_count: 0 });
  });

  it('refuses a bad status, limit, item id or userid with a 400 naming the field', async () => {
    const problems = async (path: string, post = false) => {
      const res = post ? await admin.post(path, undefined) : await admin.get(path);
      expect(res.status, path).to.equal(400);
      return res.body.errors;
    };
    expect(await problems('/feed/u-1?status=deleted')).to.deep.equal([{ field: 'status', message: 'must be one of unread, read, archived' }]);
    expect(await problems('/feed/u-1?limit=101')).to.deep.equal([{ field: 'limit', message: 'must be at most 100' }]);
    expect(await problems('/feed/u-1?limit=0')).to.deep.equal([{ field: 'limit', message: 'must be at least 1' }]);
    expect(await problems('/feed/u-1?limit=ten')).to.deep.equal([{ field: 'limit', message: 'must be an integer' }]);
    expect(await problems('/feed/u-1?page=2')).to.deep.equal([{ field: 'page', message: 'is not a known field' }]);
    expect(await problems('/feed/u-1/items/42/read', true)).to.deep.equal([{ field: 'id', message: 'must be a UUID (an item id is its notification id)' }]);
    expect(await problems(`/feed/${'x'.repeat(129)}`)).to.deep.equal([{ field: 'userid', message: 'must be 1 to 128 characters long' }]);
  });

  it('needs notifications:read on every feed route', async () => {
    const key = await admin.post('/admin/api-keys', { name: 'sender', scopes: ['notifications:send'] });
    const sender = admin.withKey(String(key.body.key));
    for (const [method, path] of [['GET', '/feed/u-1'], ['POST', `/feed/u-1/items/${ITEM}/read`], ['POST', '/feed/u-1/read-all'], ['POST', '/feed/u-1/seen']] as const) {
      const res = await sender.request(method, path);
      expect([path, res.status, res.body.detail]).to.deep.equal([path, 403, 'The API key lacks the scope notifications:read']);
      expect((await admin.withKey(undefined).request(method, path)).status).to.equal(401);
    }
  });
});
