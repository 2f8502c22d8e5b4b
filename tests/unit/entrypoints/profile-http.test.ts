import { expect } from 'chai';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpDepsOf } from '../../../src/entrypoints/composition/http-deps.js';
import { createHttpApp } from '../../../src/entrypoints/http/app.js';
import { HttpClient } from '../../support/http-client.js';
import { TEST_ADMIN_KEY, fakeContainer } from '../../support/test-container.js';

const SEED_002 = { userid: 'u-1', notification_email: 'ada@example.com', preferences: { welcome: false } };
const ALL_ON = { email: true, sms: true, push: true, webhook: true, in_app: true };
const NO_SETTINGS = { language: null, timezone: null, quiet_hours: null, channels: ALL_ON, overrides: {} };
const FULL = {
  language: 'fr-be',
  timezone: 'Europe/Brussels',
  quiet_hours: { start: '22:00', end: '08:00' },
  channels: { email: true, sms: false, push: true, webhook: false, in_app: true },
  overrides: { order_status_update: { push: true } },
};

describe('the recipient profile over HTTP (fakes behind the real app)', () => {
  let server: Server;
  let admin: HttpClient;

  beforeEach(async () => {
    server = createHttpApp(httpDepsOf(fakeContainer().app)).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    admin = new HttpClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, TEST_ADMIN_KEY);
  });
  afterEach(() => void server.close());

  async function refused(body: Record<string, unknown>): Promise<{ status: number; errors: unknown }> {
    const res = await admin.post('/notifications/preferences', { ...SEED_002, ...body });
    return { status: res.status, errors: res.body.errors };
  }

  it('answers a seed-002 body with every setting at its default', async () => {
    const res = await admin.post('/notifications/preferences', SEED_002);
    expect(res.status).to.equal(201);
    expect(res.body).to.deep.include(NO_SETTINGS);
  });

  it('stores every setting, canonical, and keeps them through a seed-002 PUT; null clears them', async () => {
    expect((await admin.post('/notifications/preferences', { ...SEED_002, ...FULL })).body).to.deep.include({ ...FULL, language: 'fr-BE' });
    expect((await admin.put('/notifications/preferences/u-1', SEED_002)).body).to.deep.include({ ...FULL, language: 'fr-BE' });
    expect((await admin.get('/notifications/preferences/u-1')).body).to.deep.include({ ...FULL, language: 'fr-BE' });
    const cleared = await admin.put('/notifications/preferences/u-1', { ...SEED_002, language: null, timezone: null, quiet_hours: null, channels: null, overrides: null });
    expect([cleared.status, cleared.body]).to.deep.include.members([200]);
    expect(cleared.body).to.deep.include(NO_SETTINGS);
  });

  it('refuses each unusable setting with a 422 naming it', async () => {
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ language: 'not a tag' }, 'language', /BCP 47/],
      [{ timezone: 'Mars/Olympus' }, 'timezone', /IANA time zone/],
      [{ quiet_hours: { start: '25:00', end: '08:00' } }, 'quiet_hours.start', /HH:MM/],
      [{ quiet_hours: { start: '08:00', end: '08:00' } }, 'quiet_hours', /must differ/],
      [{ channels: { fax: true } }, 'channels.fax', /must be one of email, sms, push, webhook, in_app/],
      [{ overrides: { welcome: { fax: true } } }, 'overrides.welcome.fax', /must be one of/],
      [{ overrides: { no_such_type: { push: true } } }, 'overrides.no_such_type', /no built-in type or template has this key/],
      [{ overrides: { 'Not A Type': { push: true } } }, 'overrides.Not A Type', /template key/],
      [JSON.parse('{"overrides": {"__proto__": {"push": true}}}') as Record<string, unknown>, 'overrides.__proto__', /template key/],
    ];
    for (const [body, field, message] of cases) {
      const { status, errors } = await refused(body);
      expect(status, field).to.equal(422);
      const [error, ...others] = errors as Array<{ field: string; message: string }>;
      expect([error?.field, others], JSON.stringify(body)).to.deep.equal([field, []]);
      expect(error?.message).to.match(message);
    }
  });

  it('refuses a setting of the wrong JSON type with a 400, as any field', async () => {
    for (const [body, field] of [
      [{ language: 42 }, 'language'],
      [{ channels: { email: 'yes' } }, 'channels.email'],
      [{ quiet_hours: { start: '22:00' } }, 'quiet_hours.end'],
      [{ overrides: { welcome: true } }, 'overrides.welcome'],
    ] as const) {
      const { status, errors } = await refused(body);
      expect(status, field).to.equal(400);
      expect((errors as Array<{ field: string }>).map((e) => e.field)).to.deep.equal([field]);
    }
  });

  describe('seed 001 /v1/users', () => {
    const USER = { email_address: 'grace@example.com', phone_number: '+15551234567', preferred_language: 'en-gb', timezone: 'America/New_York', preferences: { email_enabled: true, push_enabled: false, quiet_hours_start: '22:00', quiet_hours_end: '07:00' } };

    it('creates a profile under a new UUID and reads it back, in the envelope', async () => {
      const created = await admin.post('/v1/users', USER);
      expect(created.status).to.equal(201);
      const data = created.body.data as Record<string, unknown>;
      expect(data.user_id).to.match(/^[0-9a-f-]{36}$/);
      expect(created.headers.get('location')).to.equal(`/v1/users/${String(data.user_id)}`);
      expect(created.body).to.deep.include({ success: true, message: 'User created' });
      expect(data).to.deep.include({
        email_address: 'grace@example.com',
        phone_number: '+15551234567',
        preferred_language: 'en-GB',
        timezone: 'America/New_York',
        preferences: { email_enabled: true, push_enabled: false, sms_enabled: true, in_app_enabled: true, webhook_enabled: true, quiet_hours_start: '22:00', quiet_hours_end: '07:00' },
      });
      const read = await admin.get(`/v1/users/${String(data.user_id)}`);
      expect(read.body).to.deep.equal({ success: true, data, message: 'User found' });
      const same = await admin.get(`/notifications/preferences/${String(data.user_id)}`);
      expect(same.body).to.deep.include({ notification_email: 'grace@example.com', channels: { ...ALL_ON, push: false }, quiet_hours: { start: '22:00', end: '07:00' } });
    });

    it('takes a given user_id, refuses it a second time (409), and answers 404 for none', async () => {
      expect((await admin.post('/v1/users', { ...USER, user_id: 'u-7' })).status).to.equal(201);
      expect((await admin.post('/v1/users', { ...USER, user_id: 'u-7' })).status).to.equal(409);
      expect((await admin.get('/v1/users/u-8')).status).to.equal(404);
    });

    it('names unusable settings as seed 001 does (422), and shape errors (400)', async () => {
      const bad = await admin.post('/v1/users', { ...USER, preferred_language: 'not a tag', preferences: { quiet_hours_start: '22:00', quiet_hours_end: '22:00' } });
      expect(bad.status).to.equal(422);
      expect((bad.body.errors as Array<{ field: string }>).map((e) => e.field)).to.deep.equal(['preferred_language', 'preferences.quiet_hours_end']);
      const half = await admin.post('/v1/users', { ...USER, preferences: { quiet_hours_start: '22:00' } });
      expect([half.status, (half.body.errors as Array<{ field: string; message: string }>)[0]]).to.deep.equal([
        400,
        { field: 'preferences.quiet_hours_end', message: 'give quiet_hours_start and quiet_hours_end together' },
      ]);
      expect((await admin.post('/v1/users', { ...USER, email_address: 'nope' })).status).to.equal(400);
    });

    it('needs preferences:write to create and preferences:read to read', async () => {
      const keyWith = async (scopes: string[]) => String((await admin.post('/admin/api-keys', { name: scopes.join(' '), scopes })).body.key);
      const reader = admin.withKey(await keyWith(['preferences:read']));
      const writer = admin.withKey(await keyWith(['preferences:write']));
      expect((await reader.post('/v1/users', { ...USER, user_id: 'u-9' })).status).to.equal(403);
      expect((await writer.post('/v1/users', { ...USER, user_id: 'u-9' })).status).to.equal(201);
      expect((await writer.get('/v1/users/u-9')).status).to.equal(403);
      expect((await reader.get('/v1/users/u-9')).status).to.equal(200);
      expect((await admin.withKey(undefined).get('/v1/users/u-9')).status).to.equal(401);
    });
  });
});
