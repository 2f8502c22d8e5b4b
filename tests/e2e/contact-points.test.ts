import { expect } from 'chai';
import { eventually, sqlOnPrimary } from '../support/databases.js';
import { E2eService } from '../support/e2e-service.js';

const HOOK = 'https://hooks.example.com/notifications';
const SECRET = /^whsec_[A-Za-z0-9+/]{43}=$/;

describe('contact points and suppressions over HTTP (built service)', () => {
  let world: E2eService;
  before(async () => {
    world = await E2eService.start('e2e_contacts');
  });
  after(() => world.stop());

  /** The profile once the standby has replayed `ready`. */
  const readBack = (userId: string, ready: (body: Record<string, unknown>) => boolean) =>
    eventually(async () => {
      const res = await world.admin.get(`/notifications/preferences/${userId}`);
      return res.status === 200 && ready(res.body) ? res : undefined;
    }, 10_000, `the preferences of ${userId}`);

  it('creates a profile from a seed-002 body unchanged: no contact points, no secret', async () => {
    const res = await world.admin.post('/notifications/preferences', { userid: 'seed-002', notification_email: 'ada@example.com', preferences: { welcome: false } });
    expect(res.status).to.equal(201);
    expect(res.body).to.deep.include({ phone_number: null, push_tokens: [], webhook_url: null, webhook_disabled_at: null });
    expect(res.body).to.not.have.property('webhook_secret');
  });

  it('creates one with contact points, answering the webhook secret to that request only', async () => {
    const created = await world.admin.post('/notifications/preferences', {
      userid: 'reachable',
      notification_email: 'grace@example.com',
      phone_number: '+15551234567',
      push_tokens: ['device-token-1', 'device-token-2'],
      webhook_url: HOOK,
    });
    expect(created.status).to.equal(201);
    expect(created.headers.get('cache-control')).to.equal('no-store');
    expect(created.body).to.deep.include({ phone_number: '+15551234567', push_tokens: ['device-token-1', 'device-token-2'], webhook_url: HOOK });
    expect(created.body.webhook_secret).to.match(SECRET);

    const read = await readBack('reachable', (body) => body.webhook_url === HOOK);
    expect(read.text).to.not.include('whsec_');
    const again = await world.admin.put('/notifications/preferences/reachable', { notification_email: 'grace@example.com', webhook_url: HOOK });
    expect(again.status).to.equal(200);
    expect(again.body).to.not.have.property('webhook_secret');
    expect(again.body).to.deep.include({ phone_number: '+15551234567', push_tokens: ['device-token-1', 'device-token-2'] });

    const [outbox] = await sqlOnPrimary<{ payload: Record<string, unknown> }>(world.db.name, "select payload from outbox where event_type = 'NotificationPreferencesCreated' and payload->>'userid' = 'reachable'");
    expect(outbox?.payload).to.deep.include({ phone_number: '+15551234567', webhook_url: HOOK, webhook_disabled_at: null });
    expect(JSON.stringify(outbox)).to.not.include('whsec_');
  });

  it('rotates the secret: a new one answered once, the previous one kept for 24 hours', async () => {
    const before = Date.now();
    const rotated = await world.admin.post('/notifications/preferences/reachable/webhook-secret', undefined);
    expect(rotated.status).to.equal(200);
    expect(rotated.body).to.include({ userid: 'reachable', webhook_url: HOOK });
    expect(rotated.body.webhook_secret).to.match(SECRET);
    const expires = Date.parse(String(rotated.body.previous_expires_at));
    expect(expires - before).to.be.within(24 * 3_600_000 - 1_000, 24 * 3_600_000 + 10_000);
    const [row] = await sqlOnPrimary<{ webhook_secret: string; webhook_previous_secret: string }>(
      world.db.name,
      "select webhook_secret, webhook_previous_secret from notification_preferences where user_id = 'reachable'",
    );
    expect(row?.webhook_secret).to.equal(rotated.body.webhook_secret);
    expect(row?.webhook_previous_secret).to.match(SECRET).and.not.equal(row?.webhook_secret);
    expect((await world.admin.post('/notifications/preferences/seed-002/webhook-secret', undefined)).status).to.equal(409);
  });

  it('refuses bad contact points with a 400 naming the field', async () => {
    const tokens = Array.from({ length: 11 }, (_, i) => `device-token-${i}`);
    const many = await world.admin.put('/notifications/preferences/reachable', { notification_email: 'grace@example.com', push_tokens: tokens });
    expect(many.status).to.equal(400);
    expect(many.body.errors).to.deep.equal([{ field: 'push_tokens', message: 'must hold at most 10 tokens, got 11' }]);
    const phone = await world.admin.put('/notifications/preferences/reachable', { notification_email: 'grace@example.com', phone_number: '555-1234' });
    expect((phone.body.errors as Array<{ field: string }>).map((e) => e.field)).to.deep.equal(['phone_number']);
    const hook = await world.admin.post('/notifications/preferences', { userid: 'x', notification_email: 'x@example.com', webhook_url: 'ftp://example.com/' });
    expect(hook.body.errors).to.deep.equal([{ field: 'webhook_url', message: 'must be an http:// or https:// URL' }]);
  });

  it('lists suppressions by channel and address, and lifts one with an admin key', async () => {
    const id = '6f1c9a52-3c1e-4d7a-9d1b-0a5e2f4c8b11';
    await sqlOnPrimary(
      world.db.name,
      `insert into suppressions (id, channel, address, reason, source, created_at) values
         ('${id}', 'sms', '+15551234567', 'opted_out', 'sms_stop', '2026-11-29T10:00:00Z'),
         ('7a2d0b63-4d2f-4e8b-8e2c-1b6f3a5d9c22', 'email', 'ada@example.com', 'bounced', 'smtp', '2026-11-29T09:00:00Z')`,
    );
    const list = await eventually(async () => {
      const res = await world.admin.get('/suppressions?channel=sms&address=%2B15551234567');
      return res.status === 200 && res.body.total === 1 ? res : undefined;
    }, 10_000, 'the suppressions to be readable');
    expect(list.body.suppressions).to.deep.equal([
      { id, channel: 'sms', address: '+15551234567', reason: 'opted_out', source: 'sms_stop', created_at: '2026-11-29T10:00:00.000Z' },
    ]);
    expect((await world.admin.get('/suppressions?page=1&size=1')).body).to.deep.include({ page: 1, size: 1, total: 2 });

    const reader = await world.admin.post('/admin/api-keys', { name: 'reader', scopes: ['notifications:read'] });
    expect((await world.admin.withKey(String(reader.body.key)).delete(`/suppressions/${id}`)).status).to.equal(403);
    expect((await world.admin.delete(`/suppressions/${id}`)).status).to.equal(204);
    expect((await world.admin.delete(`/suppressions/${id}`)).status).to.equal(404);
  });

  it('documents the contact points, the rotation and the suppressions in /openapi.json', async () => {
    const doc = (await world.anonymous.get('/openapi.json')).body as { paths: Record<string, unknown>; components: { schemas: Record<string, { properties?: object }> } };
    expect(doc.paths).to.include.keys('/notifications/preferences/{userid}/webhook-secret', '/suppressions', '/suppressions/{id}');
    expect(doc.components.schemas.CreatePreferences?.properties).to.include.keys('phone_number', 'push_tokens', 'webhook_url');
    expect(doc.components.schemas.Preferences?.properties).to.include.keys('phone_number', 'push_tokens', 'webhook_url', 'webhook_disabled_at');
    expect(doc.components.schemas.Preferences?.properties).to.not.have.property('webhook_secret');
    expect(JSON.stringify(doc.components.schemas.WrittenPreferences)).to.include('"webhook_secret"').and.include('#/components/schemas/Preferences');
  });
});
