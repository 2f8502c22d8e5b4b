import { expect } from 'chai';
import { eventually, sqlOnPrimary } from '../support/databases.js';
import { E2E_ADMIN_KEY, E2eService } from '../support/e2e-service.js';

const ALL_ON = {
  email_verification: true,
  password_reset: true,
  welcome: true,
  security_alert: true,
  order_confirmation: true,
  order_status_update: true,
};

describe('preferences and history over HTTP (built service)', () => {
  let world: E2eService;
  before(async () => {
    world = await E2eService.start('e2e_prefs');
  });
  after(() => world.stop());

  it('creates preferences with defaults for the flags not given', async () => {
    const res = await world.admin.post('/notifications/preferences', {
      userid: '5f2b9c1e8a7d4e3f9b6c1a2d3e4f5a6b',
      notification_email: 'ada@example.com',
      preferences: { welcome: false },
    });
    expect(res.status).to.equal(201);
    expect(res.headers.get('location')).to.equal('/notifications/preferences/5f2b9c1e8a7d4e3f9b6c1a2d3e4f5a6b');
    expect(res.body).to.deep.include({ userid: '5f2b9c1e8a7d4e3f9b6c1a2d3e4f5a6b', notification_email: 'ada@example.com' });
    expect(res.body.preferences).to.deep.equal({ ...ALL_ON, welcome: false });
  });

  it('refuses to create them twice with 409', async () => {
    const res = await world.admin.post('/notifications/preferences', { userid: '5f2b9c1e8a7d4e3f9b6c1a2d3e4f5a6b', notification_email: 'x@example.com' });
    expect(res.status).to.equal(409);
    expect(res.contentType).to.match(/^application\/problem\+json/);
    expect(res.body).to.include({ status: 409, title: 'Preferences already exist' });
  });

  it('reads them back (from the standby once it has replayed them)', async () => {
    const res = await eventually(async () => {
      const r = await world.admin.get('/notifications/preferences/5f2b9c1e8a7d4e3f9b6c1a2d3e4f5a6b');
      return r.status === 200 ? r : undefined;
    }, 10_000, 'the preferences to be readable');
    expect(res.body.notification_email).to.equal('ada@example.com');
    expect(res.body.preferences).to.deep.equal({ ...ALL_ON, welcome: false });
  });

  it('replaces them with PUT (200), resetting omitted flags to on', async () => {
    const res = await world.admin.put('/notifications/preferences/5f2b9c1e8a7d4e3f9b6c1a2d3e4f5a6b', {
      notification_email: 'ada.new@example.com',
      preferences: { order_confirmation: false },
    });
    expect(res.status).to.equal(200);
    expect(res.body.notification_email).to.equal('ada.new@example.com');
    expect(res.body.preferences).to.deep.equal({ ...ALL_ON, order_confirmation: false });
    const read = await eventually(async () => {
      const r = await world.admin.get('/notifications/preferences/5f2b9c1e8a7d4e3f9b6c1a2d3e4f5a6b');
      return r.body.notification_email === 'ada.new@example.com' ? r : undefined;
    }, 10_000, 'the replacement to be readable');
    expect(read.body.preferences).to.deep.equal({ ...ALL_ON, order_confirmation: false });
  });

  it('creates them with PUT when absent (201), integer user ids included', async () => {
    const res = await world.admin.put('/notifications/preferences/42', { userid: 42, notification_email: 'order.user@example.com' });
    expect(res.status).to.equal(201);
    expect(res.body).to.deep.include({ userid: '42', preferences: ALL_ON });
  });

  it('answers 404 with a problem for a user without preferences', async () => {
    const res = await world.admin.get('/notifications/preferences/nobody-here');
    expect(res.status).to.equal(404);
    expect(res.body).to.include({ status: 404, title: 'Preferences not found' });
  });

  it('gives an empty history for an unknown user', async () => {
    const res = await world.admin.get('/notifications/history/nobody-here?limit=10');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ notifications: [], next_cursor: null });
  });

  describe('authentication and scopes', () => {
    it('answers 401 with a Bearer challenge without a key', async () => {
      const res = await world.anonymous.get('/notifications/preferences/any');
      expect(res.status).to.equal(401);
      expect(res.headers.get('www-authenticate')).to.match(/^Bearer /);
      expect(res.body).to.include({ status: 401, title: 'Unauthorized' });
    });

    it('answers 401 for a wrong key and for another scheme', async () => {
      expect((await world.admin.withKey('not-a-real-key').get('/notifications/history/any')).status).to.equal(401);
      const basic = await world.anonymous.get('/notifications/history/any', { authorization: `Basic ${E2E_ADMIN_KEY}` });
      expect(basic.status).to.equal(401);
    });

    it('creates a key with chosen scopes, shown once, that gets 403 outside them and 401 once revoked', async () => {
      const created = await world.admin.post('/admin/api-keys', { name: 'read only', scopes: ['preferences:read'] });
      expect(created.status).to.equal(201);
      expect(created.body.scopes).to.deep.equal(['preferences:read']);
      const key = created.body.key as string;
      expect(key).to.match(/^nsk_[A-Za-z0-9_-]{43}$/);
      const reader = world.admin.withKey(key);

      expect((await reader.get('/notifications/preferences/nobody-here')).status).to.equal(404);
      const forbidden = await reader.post('/notifications/preferences', { userid: 'u', notification_email: 'u@example.com' });
      expect(forbidden.status).to.equal(403);
      expect(forbidden.body.detail).to.include('preferences:write');
      expect((await reader.post('/admin/api-keys', { name: 'escalate', scopes: ['admin'] })).status).to.equal(403);

      const [stored] = await sqlOnPrimary<{ key_hash: string }>(world.db.name, `select key_hash from api_keys where id = '${String(created.body.id)}'`);
      expect(stored?.key_hash).to.not.include(key.slice(4));
      expect(stored?.key_hash).to.match(/^[0-9a-f]{64}$/);

      expect((await world.admin.delete(`/admin/api-keys/${String(created.body.id)}`)).status).to.equal(204);
      expect((await reader.get('/notifications/preferences/nobody-here')).status).to.equal(401);
      expect((await world.admin.delete(`/admin/api-keys/${String(created.body.id)}`)).status).to.equal(404);
    });
  });
});
