import { expect } from 'chai';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpDepsOf } from '../../../src/entrypoints/composition/http-deps.js';
import { createHttpApp } from '../../../src/entrypoints/http/app.js';
import { HttpClient } from '../../support/http-client.js';
import { TEST_ADMIN_KEY, fakeContainer } from '../../support/test-container.js';

const SEED_002 = { userid: 'u-1', notification_email: 'ada@example.com', preferences: { welcome: false } };
const HOOK = 'https://hooks.example.com/notify';

describe('contact points and suppressions over HTTP (fakes behind the real app)', () => {
  let server: Server;
  let admin: HttpClient;
  let world: ReturnType<typeof fakeContainer>;

  beforeEach(async () => {
    world = fakeContainer();
    server = createHttpApp(httpDepsOf(world.app)).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    admin = new HttpClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, TEST_ADMIN_KEY);
  });
  afterEach(() => void server.close());

  it('answers a seed-002 body with empty contact points and no secret', async () => {
    const res = await admin.post('/notifications/preferences', SEED_002);
    expect(res.status).to.equal(201);
    expect(res.body).to.deep.include({ phone_number: null, push_tokens: [], webhook_url: null, webhook_disabled_at: null });
    expect(res.body).to.not.have.property('webhook_secret');
  });

  it('shows the webhook secret to the write that set the URL, uncached, and never to GET', async () => {
    const created = await admin.post('/notifications/preferences', { ...SEED_002, phone_number: '+15551234567', push_tokens: ['tok-a'], webhook_url: HOOK });
    expect(created.status).to.equal(201);
    expect(created.headers.get('cache-control')).to.equal('no-store');
    expect(created.body).to.deep.include({ phone_number: '+15551234567', push_tokens: ['tok-a'], webhook_url: HOOK });
    expect(created.body.webhook_secret).to.match(/^whsec_/);
    const read = await admin.get('/notifications/preferences/u-1');
    expect(read.body).to.deep.include({ webhook_url: HOOK }).and.not.have.property('webhook_secret');
    expect(read.text).to.not.include('whsec_');
    const again = await admin.put('/notifications/preferences/u-1', { notification_email: 'ada@example.com', webhook_url: HOOK });
    expect(again.body).to.not.have.property('webhook_secret');
  });

  it('refuses bad contact points with a 400 naming each field', async () => {
    const res = await admin.post('/notifications/preferences', {
      ...SEED_002,
      phone_number: '0555 123',
      push_tokens: ['ok', 'has space'],
      webhook_url: 'https://user:secret@example.com/hook',
    });
    expect(res.status).to.equal(400);
    expect(res.body.errors).to.deep.equal([
      { field: 'phone_number', message: 'must be an E.164 number: + and 2 to 15 digits, no spaces, such as +4915112345678' },
      { field: 'push_tokens.1', message: 'must be a device token: 1 to 4,096 printable ASCII characters, no spaces' },
      { field: 'webhook_url', message: 'must not hold credentials (user:password@)' },
    ]);
    const many = await admin.put('/notifications/preferences/u-1', { notification_email: 'ada@example.com', push_tokens: Array.from({ length: 11 }, (_, i) => `t${i}`) });
    expect(many.body.errors).to.deep.equal([{ field: 'push_tokens', message: 'must hold at most 10 tokens, got 11' }]);
  });

  it('rotates the secret (200), 409 without a webhook_url, 404 without preferences', async () => {
    await admin.post('/notifications/preferences', SEED_002);
    expect((await admin.post('/notifications/preferences/u-1/webhook-secret', undefined)).status).to.equal(409);
    expect((await admin.post('/notifications/preferences/nobody/webhook-secret', undefined)).status).to.equal(404);
    await admin.put('/notifications/preferences/u-1', { notification_email: 'ada@example.com', webhook_url: HOOK });
    const rotated = await admin.post('/notifications/preferences/u-1/webhook-secret', undefined);
    expect(rotated.status).to.equal(200);
    expect(rotated.headers.get('cache-control')).to.equal('no-store');
    expect(Object.keys(rotated.body).sort()).to.deep.equal(['previous_expires_at', 'userid', 'webhook_secret', 'webhook_url']);
    expect(rotated.body.previous_expires_at).to.equal('2026-11-23T10:00:00.000Z');
  });

  it('lists suppressions with filters and pages, and lifts one with an admin key only', async () => {
    const { suppression } = await world.bus.handle({ type: 'AddSuppression', channel: 'sms', address: '+15551234567', reason: 'opted_out', source: 'sms_stop' });
    const list = await admin.get('/suppressions?channel=sms&address=%2B15551234567&page=1&size=10');
    expect(list.status).to.equal(200);
    expect(list.body).to.deep.equal({
      suppressions: [{ id: suppression.id, channel: 'sms', address: '+15551234567', reason: 'opted_out', source: 'sms_stop', created_at: '2026-11-22T10:00:00.000Z' }],
      page: 1,
      size: 10,
      total: 1,
    });
    expect((await admin.get('/suppressions?channel=fax')).status).to.equal(400);
    const reader = await world.bus.handle({ type: 'CreateApiKey', name: 'reader', scopes: ['notifications:read'] });
    expect((await admin.withKey(reader.key).get('/suppressions')).status).to.equal(200);
    expect((await admin.withKey(reader.key).delete(`/suppressions/${suppression.id}`)).status).to.equal(403);
    expect((await admin.delete(`/suppressions/${suppression.id}`)).status).to.equal(204);
    expect((await admin.delete(`/suppressions/${suppression.id}`)).status).to.equal(404);
    expect((await admin.delete('/suppressions/not-a-uuid')).status).to.equal(400);
  });
});
