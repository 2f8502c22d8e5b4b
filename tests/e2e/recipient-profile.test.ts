import { expect } from 'chai';
import { eventually, sqlOnPrimary } from '../support/databases.js';
import { E2eService } from '../support/e2e-service.js';

const SEED_002 = { notification_email: 'ada@example.com', preferences: { welcome: false } };
const ALL_ON = { email: true, sms: true, push: true, webhook: true, in_app: true };
const NO_SETTINGS = { language: null, timezone: null, quiet_hours: null, channels: ALL_ON, overrides: {} };

describe('the recipient profile over HTTP (built service)', () => {
  let world: E2eService;
  before(async () => {
    world = await E2eService.start('e2e_profile');
  });
  after(() => world.stop());

  /** A read once the standby has replayed what `ready` waits for. */
  const readBack = (path: string, ready: (body: Record<string, unknown>) => boolean) =>
    eventually(async () => {
      const res = await world.admin.get(path);
      return res.status === 200 && ready(res.body) ? res : undefined;
    }, 10_000, path);

  it('answers seed-002 bodies unchanged (201, then 200) with every setting at its default', async () => {
    const created = await world.admin.post('/notifications/preferences', { userid: 'seed-002', ...SEED_002 });
    expect(created.status).to.equal(201);
    expect(created.body).to.deep.include({ userid: 'seed-002', ...NO_SETTINGS });
    const replaced = await world.admin.put('/notifications/preferences/seed-002', { ...SEED_002, preferences: {} });
    expect(replaced.status).to.equal(200);
    expect(replaced.body).to.deep.include(NO_SETTINGS);
  });

  it('stores a full profile, an override of a template created over REST included, and keeps it through a seed-002 PUT', async () => {
    expect((await world.admin.post('/v1/templates', { template_key: 'invoice_due', subject: 'Invoice {number}', body: 'Due {date}' })).status).to.equal(201);
    const full = {
      userid: 'full',
      ...SEED_002,
      language: 'fr-be',
      timezone: 'europe/brussels',
      quiet_hours: { start: '22:00', end: '08:00' },
      channels: { sms: false, webhook: false },
      overrides: { order_status_update: { push: true }, invoice_due: { email: false } },
    };
    // The template catalogue may be a second behind the template just created.
    const created = await eventually(async () => {
      const res = await world.admin.post('/notifications/preferences', full);
      return res.status === 201 ? res : undefined;
    }, 5_000, 'the profile overriding invoice_due');
    const stored = {
      language: 'fr-BE',
      timezone: 'Europe/Brussels',
      quiet_hours: { start: '22:00', end: '08:00' },
      channels: { ...ALL_ON, sms: false, webhook: false },
      overrides: full.overrides,
    };
    expect(created.body).to.deep.include(stored);
    expect((await world.admin.put('/notifications/preferences/full', SEED_002)).body).to.deep.include(stored);
    expect((await readBack('/notifications/preferences/full', (body) => body.language === 'fr-BE')).body).to.deep.include(stored);

    const [outbox] = await sqlOnPrimary<{ payload: Record<string, unknown> }>(
      world.db.name,
      "select payload from outbox where event_type = 'NotificationPreferencesCreated' and payload->>'userid' = 'full'",
    );
    expect(outbox?.payload).to.deep.include(stored);

    const cleared = await world.admin.put('/notifications/preferences/full', { ...SEED_002, language: null, timezone: null, quiet_hours: null, channels: null, overrides: null });
    expect([cleared.status, cleared.body.overrides, cleared.body.quiet_hours]).to.deep.equal([200, {}, null]);
  });

  it('refuses each unusable setting with a 422 naming it, and stores nothing', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ language: 'français' }, 'language'],
      [{ timezone: 'Mars/Olympus' }, 'timezone'],
      [{ quiet_hours: { start: '22:00', end: '24:00' } }, 'quiet_hours.end'],
      [{ quiet_hours: { start: '22:00', end: '22:00' } }, 'quiet_hours'],
      [{ channels: { fax: false } }, 'channels.fax'],
      [{ overrides: { welcome: { fax: true } } }, 'overrides.welcome.fax'],
      [{ overrides: { never_created: { sms: true } } }, 'overrides.never_created'],
    ];
    for (const [body, field] of cases) {
      const res = await world.admin.post('/notifications/preferences', { userid: 'refused', ...SEED_002, ...body });
      expect([res.status, res.contentType], field).to.deep.equal([422, 'application/problem+json; charset=utf-8']);
      expect((res.body.errors as Array<{ field: string }>).map((e) => e.field)).to.deep.equal([field]);
    }
    const timeZone = await world.admin.post('/notifications/preferences', { userid: 'refused', ...SEED_002, timezone: 'Mars/Olympus' });
    expect(timeZone.body.errors).to.deep.equal([{ field: 'timezone', message: 'must be an IANA time zone such as Europe/Brussels, not "Mars/Olympus"' }]);
    expect(await sqlOnPrimary(world.db.name, "select 1 from notification_preferences where user_id = 'refused'")).to.deep.equal([]);
  });

  it('creates a profile with seed 001’s POST /v1/users and reads it with GET /v1/users/{userid}, in the envelope', async () => {
    const created = await world.admin.post('/v1/users', {
      email_address: 'grace@example.com',
      phone_number: '+15551234567',
      preferred_language: 'en-gb',
      timezone: 'America/New_York',
      preferences: { email_enabled: true, push_enabled: false, quiet_hours_start: '22:00', quiet_hours_end: '07:00' },
    });
    expect(created.status).to.equal(201);
    const data = created.body.data as Record<string, unknown>;
    expect(data.user_id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(created.body).to.deep.include({ success: true, message: 'User created' });
    expect(data).to.deep.include({
      email_address: 'grace@example.com',
      phone_number: '+15551234567',
      preferred_language: 'en-GB',
      timezone: 'America/New_York',
      preferences: { email_enabled: true, push_enabled: false, sms_enabled: true, in_app_enabled: true, webhook_enabled: true, quiet_hours_start: '22:00', quiet_hours_end: '07:00' },
    });
    const read = await readBack(`/v1/users/${String(data.user_id)}`, () => true);
    expect(read.body).to.deep.equal({ success: true, data, message: 'User found' });
    expect((await world.admin.post('/v1/users', { user_id: data.user_id, email_address: 'grace@example.com' })).status).to.equal(409);
    expect((await world.admin.get('/v1/users/nobody')).status).to.equal(404);
    const bad = await world.admin.post('/v1/users', { email_address: 'grace@example.com', preferred_language: 'not a tag' });
    expect([bad.status, (bad.body.errors as Array<{ field: string }>)[0]?.field]).to.deep.equal([422, 'preferred_language']);
  });

  it('needs preferences:write to create a user and preferences:read to read one', async () => {
    const key = async (scopes: string[]) => world.admin.withKey(String((await world.admin.post('/admin/api-keys', { name: scopes.join(' '), scopes })).body.key));
    const [reader, writer] = [await key(['preferences:read']), await key(['preferences:write'])];
    const body = { user_id: 'scoped', email_address: 'scoped@example.com' };
    expect((await reader.post('/v1/users', body)).status).to.equal(403);
    expect((await writer.post('/v1/users', body)).status).to.equal(201);
    expect((await writer.get('/v1/users/scoped')).status).to.equal(403);
    expect((await readBack('/v1/users/scoped', () => true)).status).to.equal(200);
    expect((await reader.get('/v1/users/scoped')).status).to.equal(200);
    expect((await world.anonymous.get('/v1/users/scoped')).status).to.equal(401);
  });

  it('documents the settings and the /v1/users routes in /openapi.json', async () => {
    const doc = (await world.anonymous.get('/openapi.json')).body as { paths: Record<string, unknown>; components: { schemas: Record<string, { properties?: object }> } };
    expect(doc.paths).to.include.keys('/v1/users', '/v1/users/{userid}');
    for (const schema of ['CreatePreferences', 'ReplacePreferences', 'Preferences']) {
      expect(doc.components.schemas[schema]?.properties, schema).to.include.keys('language', 'timezone', 'quiet_hours', 'channels', 'overrides');
    }
    expect(doc.components.schemas.V1User?.properties).to.include.keys('user_id', 'email_address', 'phone_number', 'preferred_language', 'timezone', 'preferences');
  });
});
