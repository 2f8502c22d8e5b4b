import { expect } from 'chai';
import { eventually, sqlOnPrimary } from '../support/databases.js';
import type { HttpClient, JsonResponse } from '../support/http-client.js';
import { PipelineWorld } from '../support/pipeline-world.js';

type AuditItem = { id: string; at: string; key_id: string; action: string; target_type: string; target_id: string; detail: Record<string, unknown> | null };
type Done = [key: string, action: string, type: string, id: string];

const BOOTSTRAP = 'bootstrap';
const fields = (res: JsonResponse) => (res.body.errors as Array<{ field: string }> | undefined)?.map((e) => e.field);
const items = (res: JsonResponse) => res.body.items as AuditItem[];
const facts = (list: readonly AuditItem[]): Done[] => list.map((e) => [e.key_id, e.action, e.target_type, e.target_id]);

describe('operations over REST: audit log, bulk retry, publishing (built service)', function () {
  this.timeout(120_000);
  let world: PipelineWorld;

  before(async () => {
    world = await PipelineWorld.create('e2e_opsapi');
    await world.startService();
  });
  after(() => world.stop());

  const statusOf = async (id: string) => (await world.admin.get(`/notifications/${id}/status`)).body;
  const settled = (id: string, status: string) =>
    eventually(async () => ((await statusOf(id)).status === status ? statusOf(id) : undefined), 20_000, `notification ${id} ${status}`);
  /** An email notification sent over REST, once it reached `status` (550 from the sink fails it). */
  async function email(to: string, status: 'sent' | 'failed'): Promise<string> {
    if (status === 'failed') world.smtp.respondWith([{ reply: 550 }]);
    const res = await world.admin.post('/notifications/send', { channel: 'email', recipient: to, content: { subject: 'Ops', body: 'Hello' } });
    expect(res.status, res.text).to.equal(202);
    const id = String(res.body.notification_id);
    await settled(id, status);
    return id;
  }
  async function keyWith(client: HttpClient, name: string, scopes: string[]): Promise<{ id: string; client: HttpClient }> {
    const res = await client.post('/admin/api-keys', { name, scopes });
    expect(res.status, res.text).to.equal(201);
    return { id: String(res.body.id), client: world.admin.withKey(String(res.body.key)) };
  }
  const audit = (query = '', client = world.admin) => client.get(`/admin/audit${query}`);

  describe('GET /admin/audit', () => {
    const done: Done[] = [];
    let all: AuditItem[] = [];
    let admin: { id: string; client: HttpClient };
    let reader: { id: string; client: HttpClient };
    let refusedTarget = '';

    before(async () => {
      admin = await keyWith(world.admin, 'ops-admin', ['admin', 'templates:write', 'notifications:read']);
      done.push([BOOTSTRAP, 'api_key.created', 'api_key', admin.id]);
      reader = await keyWith(admin.client, 'reader', ['notifications:read']);
      done.push([admin.id, 'api_key.created', 'api_key', reader.id]);
      const doomed = await keyWith(admin.client, 'doomed', ['notifications:read']);
      done.push([admin.id, 'api_key.created', 'api_key', doomed.id]);
      expect((await admin.client.delete(`/admin/api-keys/${doomed.id}`)).status).to.equal(204);
      done.push([admin.id, 'api_key.revoked', 'api_key', doomed.id]);

      const failed = await email('audit-fail@example.com', 'failed');
      const retried = await world.admin.post(`/notifications/${failed}/retry`, undefined);
      expect(retried.status, retried.text).to.equal(202);
      done.push([BOOTSTRAP, 'notification.retried', 'notification', failed]);
      refusedTarget = await email('audit-sent@example.com', 'sent');
      const refused = await world.admin.post(`/notifications/${refusedTarget}/retry`, undefined);
      expect(refused.status, refused.text).to.equal(409);

      const template = { name: 'ops.notice', channel: 'email', subject: 'Notice', body: 'Hello {{ name }}' };
      expect((await admin.client.post('/templates', template)).status).to.equal(201);
      done.push([admin.id, 'template.created', 'template', 'ops.notice']);
      const draft = await admin.client.put('/templates/ops.notice', { variants: [{ channel: 'email', locale: 'en', subject: 'Notice 2', text: 'Hi' }] });
      expect([draft.status, draft.body.version], draft.text).to.deep.equal([200, 2]);
      expect((await admin.client.post('/templates/ops.notice/versions/2/publish', undefined)).status).to.equal(200);
      done.push([admin.id, 'template.published', 'template', 'ops.notice']);

      expect((await world.admin.put('/notifications/preferences/u-audit', { notification_email: 'a@example.com' })).status).to.equal(201);
      done.push([BOOTSTRAP, 'preferences.changed', 'user', 'u-audit']);
      expect((await world.admin.put('/notifications/preferences/u-audit', { notification_email: 'b@example.com' })).status).to.equal(200);
      done.push([BOOTSTRAP, 'preferences.changed', 'user', 'u-audit']);
      // Creating preferences sends a welcome: once it is out, no send but the tests' own takes a queued 550.
      await eventually(async () => world.smtp.messages.some((m) => /welcome/i.test(m.subject) && /^[ab]@example\.com$/.test(m.to.join())), 20_000, 'the welcome email');

      const suppression = '5b0b4a8e-3a55-4c8a-9d3e-0a7f1c2d3e4f';
      await sqlOnPrimary(world.db.name, `insert into suppressions values ('${suppression}', 'sms', '+15550001111', 'opted_out', 'twilio', now())`);
      expect((await admin.client.delete(`/suppressions/${suppression}`)).status).to.equal(204);
      done.push([admin.id, 'suppression.lifted', 'suppression', suppression]);

      all = await eventually(async () => {
        const found = items(await audit('?page_size=100'));
        return found.length === done.length ? found : undefined;
      }, 10_000, `the ${done.length} entries on the standby`);
    });

    it('lists every action with the acting key, action and target, newest first', () => {
      expect(facts(all)).to.deep.equal([...done].reverse());
      const order = all.map((e) => [e.at, e.id.padStart(20, '0')].join(' '));
      expect(order).to.deep.equal([...order].sort().reverse());
      const published = all.find((e) => e.action === 'template.published');
      expect(published?.detail).to.deep.equal({ version: 2 });
      expect(all.filter((e) => e.action === 'preferences.changed').map((e) => e.detail)).to.deep.equal([{ created: false }, { created: true }]);
      expect(all.find((e) => e.action === 'notification.retried')?.detail?.retry).to.be.a('string');
      expect(all.find((e) => e.target_id === reader.id)?.detail, 'the key itself is never kept').to.deep.equal({ name: 'reader', scopes: ['notifications:read'] });
    });

    it('leaves no entry for a refused action (a retry of a sent notification, 409)', async () => {
      expect(all.map((e) => e.target_id)).to.not.include(refusedTarget);
      expect(items(await audit(`?target_type=notification&target_id=${refusedTarget}`))).to.deep.equal([]);
    });

    it('narrows by action, key_id, target_type, target_id, from and to', async () => {
      const expectOnly = async (query: string, keep: (e: AuditItem) => boolean) => {
        const res = await audit(query);
        expect(res.status, res.text).to.equal(200);
        const want = all.filter(keep);
        expect(want, query).to.not.be.empty;
        expect(facts(items(res)), query).to.deep.equal(facts(want));
      };
      await expectOnly('?action=api_key.created', (e) => e.action === 'api_key.created');
      await expectOnly(`?key_id=${admin.id}`, (e) => e.key_id === admin.id);
      await expectOnly(`?key_id=${BOOTSTRAP}`, (e) => e.key_id === BOOTSTRAP);
      await expectOnly('?target_type=api_key', (e) => e.target_type === 'api_key');
      await expectOnly(`?target_type=api_key&target_id=${reader.id}`, (e) => e.target_id === reader.id);
      await expectOnly('?target_id=u-audit', (e) => e.target_id === 'u-audit');
      await expectOnly(`?key_id=${admin.id}&action=api_key.created`, (e) => e.key_id === admin.id && e.action === 'api_key.created');
      const middle = all[Math.floor(all.length / 2)]!.at;
      await expectOnly(`?from=${middle}`, (e) => e.at >= middle);
      await expectOnly(`?to=${middle}`, (e) => e.at < middle);
      const last = all[0]!.at;
      await expectOnly(`?from=${all.at(-1)!.at}&to=${last}`, (e) => e.at < last);
    });

    it('pages with page and page_size, and with the cursor, to the same list', async () => {
      const paged: AuditItem[] = [];
      for (let page = 1; ; page++) {
        const res = await audit(`?page=${page}&page_size=3`);
        expect([res.status, res.body.page, res.body.page_size]).to.deep.equal([200, page, 3]);
        paged.push(...items(res));
        if (res.body.next_cursor === null) break;
        expect(items(res)).to.have.length(3);
      }
      expect(paged.map((e) => e.id)).to.deep.equal(all.map((e) => e.id));
      const walked: AuditItem[] = [];
      let cursor: string | null = null;
      do {
        const res = await audit(`?page_size=4${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
        expect(res.status, res.text).to.equal(200);
        if (cursor !== null) expect(res.body).to.not.have.property('page');
        walked.push(...items(res));
        cursor = res.body.next_cursor as string | null;
      } while (cursor !== null);
      expect(walked.map((e) => e.id)).to.deep.equal(all.map((e) => e.id));
      expect(items(await audit('?page=99&page_size=3'))).to.deep.equal([]);
    });

    it('refuses page_size 101, an unknown action and a foreign cursor with 400 naming the field', async () => {
      for (const [query, field] of [['?page_size=101', 'page_size'], ['?action=nope', 'action'], ['?cursor=bm9wZQ', 'cursor'], ['?from=yesterday', 'from']] as const) {
        const res = await audit(query);
        expect([query, res.status, fields(res)]).to.deep.equal([query, 400, [field]]);
      }
    });

    it('answers 403 to a key without admin and 401 without a key', async () => {
      expect((await audit('', reader.client)).status).to.equal(403);
      expect((await audit('', world.admin.withKey(undefined))).status).to.equal(401);
    });
  });

  describe('POST /notifications/retry', () => {
    const failed: string[] = [];
    let since = '';
    const bulk = (body: Record<string, unknown>) => world.admin.post('/notifications/retry', body);

    before(async () => {
      since = new Date().toISOString();
      for (let i = 0; i < 3; i++) failed.push(await email(`bulk-${i}@example.com`, 'failed'));
    });

    it('counts in a dry run and changes nothing; filters by type, channel and failure time', async () => {
      const dry = (body: Record<string, unknown>) => bulk({ ...body, dry_run: true }).then((r) => [r.status, r.body.count]);
      const type = String((await statusOf(failed[0]!)).type);
      expect(await dry({})).to.deep.equal([200, 3]);
      expect(await dry({ channel: 'email', type, failed_since: since })).to.deep.equal([200, 3]);
      expect(await dry({ channel: 'sms' })).to.deep.equal([200, 0]);
      expect(await dry({ type: 'welcome' })).to.deep.equal([200, 0]);
      expect(await dry({ failed_until: since })).to.deep.equal([200, 0]);
      expect(await dry({ failed_since: new Date(Date.now() + 3_600_000).toISOString() })).to.deep.equal([200, 0]);
      for (const id of failed) expect((await statusOf(id)).status).to.equal('failed');
      expect(await dry({})).to.deep.equal([200, 3]);
    });

    it('retries each failed one (202, count and ids), each then sent; a second call retries none', async () => {
      const res = await bulk({ status: 'failed', channel: 'email', failed_since: since });
      expect([res.status, res.body.dry_run, res.body.count, res.body.remaining], res.text).to.deep.equal([202, false, 3, 0]);
      const ids = res.body.notification_ids as string[];
      expect(ids).to.have.length(3);
      const retryOf = [];
      for (const id of ids) retryOf.push((await settled(id, 'sent')).retry_of);
      expect(retryOf.sort()).to.deep.equal([...failed].sort());
      const again = await bulk({});
      expect([again.status, again.body.count, again.body.notification_ids]).to.deep.equal([202, 0, []]);
      const entries = await eventually(async () => {
        const found = items(await audit(`?action=notifications.bulk_retried&target_id=${String(res.body.run_id)}`));
        return found.length > 0 ? found : undefined;
      }, 10_000, 'the bulk retry entry');
      expect(facts(entries)).to.deep.equal([[BOOTSTRAP, 'notifications.bulk_retried', 'notifications', res.body.run_id]]);
    });

    it('refuses an unknown field and a status other than failed with 400', async () => {
      for (const [body, field] of [[{ statuz: 'failed' }, 'statuz'], [{ status: 'sent' }, 'status'], [{ channel: 'pigeon' }, 'channel']] as const) {
        const res = await bulk(body);
        expect([res.status, fields(res)?.join()], res.text).to.deep.equal([400, field]);
      }
    });
  });

  describe('POST /events/publish and POST /api/v1/notifications/publish', () => {
    const verification = (email: string) => ({
      routing_key: 'user.email_verification_requested',
      event_type: 'user.email_verification_requested',
      payload: { userid: 'u-publish', username: 'ada', email, verify_token: 'tok-ops-1' },
    });
    const mailTo = (to: string, subject?: string) =>
      eventually(async () => world.smtp.messages.find((m) => m.to.includes(to) && (subject === undefined || m.subject === subject)), 20_000, `an email to ${to}`);

    it('publishes an event the service consumes: 202, then the email arrives', async () => {
      const res = await world.admin.post('/events/publish', verification('published@example.com'));
      expect([res.status, res.body.message], res.text).to.deep.equal([202, 'Notification accepted for processing']);
      expect(res.body.event_id).to.match(/^[0-9a-f-]{36}$/);
      const mail = await mailTo('published@example.com');
      expect(mail.text).to.include('/verify/tok-ops-1');
    });

    it('publishes to its own queue only: a queue of another service bound to the events exchange receives nothing', async () => {
      await world.vhost.withChannel(async (channel) => {
        await channel.assertQueue('e2e.other-service', { durable: true });
        for (const pattern of ['user.#', 'request.#']) await channel.bindQueue('e2e.other-service', 'notification.events', pattern);
      });
      const res = await world.admin.post('/events/publish', verification('own-queue@example.com'));
      expect(res.status, res.text).to.equal(202);
      const seed = await world.admin.post('/api/v1/notifications/publish', { recipientId: 'u-own', type: 'in_app', messageBody: 'Only to us' });
      expect(seed.status, seed.text).to.equal(202);
      await mailTo('own-queue@example.com');
      await eventually(async () => ((await world.admin.get('/feed/u-own')).body.items as unknown[] | undefined)?.length === 1 || undefined, 20_000, 'the feed item');
      const other = await world.vhost.withChannel(async (channel) => (await channel.checkQueue('e2e.other-service')).messageCount);
      expect(other).to.equal(0);
    });

    it("refuses user.registered with 422 naming event_type: a send key cannot set another user's notification email", async () => {
      const forged = { routing_key: 'user.registered', event_type: 'UserRegistered', payload: { userid: 'u-victim', username: 'victim', email: 'attacker@example.com' } };
      const res = await world.admin.post('/events/publish', forged);
      expect([res.status, fields(res)], res.text).to.deep.equal([422, ['event_type']]);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect((await world.admin.get('/notifications/preferences/u-victim')).status).to.equal(404);
      const rows = await sqlOnPrimary<{ n: string }>(world.db.name, `select count(*) as n from outbox where event_type = 'user.registered'`);
      expect(rows[0]?.n).to.equal('0');
    });

    it('refuses with 422 what the consumer would dead-letter (template, variables, SMS length, a user without a profile), writing no outbox row', async () => {
      const before = await sqlOnPrimary<{ n: string }>(world.db.name, 'select count(*) as n from outbox');
      const request = (payload: Record<string, unknown>) => world.admin.post('/events/publish', { routing_key: 'request.notification', event_type: 'request.notification', payload });
      const cases: Array<[Promise<JsonResponse>, string[]]> = [
        [request({ notification_type: 'no_such_template', recipient: 'x@example.com' }), ['payload.notification_type']],
        [request({ notification_type: 'password_reset', recipient: 'x@example.com', variables: { username: 'ada', email: 'x@example.com' } }), ['payload.variables.reset_token']],
        [request({ channel: 'sms', recipient: '+4915112345678', content: { subject: 'S', body: 'x'.repeat(2_000) } }), ['payload.content.body']],
        [world.admin.post('/api/v1/notifications/publish', { recipientId: 'u-v1', type: 'sms', messageBody: 'x'.repeat(2_000) }), ['messageBody']],
        [world.admin.post('/api/v1/notifications/publish', { recipientId: 'u-nobody', type: 'sms', messageBody: 'Hello' }), ['recipientId']],
      ];
      for (const [asked, expected] of cases) {
        const res = await asked;
        expect([res.status, fields(res)], res.text).to.deep.equal([422, expected]);
      }
      expect(await sqlOnPrimary<{ n: string }>(world.db.name, 'select count(*) as n from outbox')).to.deep.equal(before);
    });

    it('refuses a NUL character in any field with 400 naming it', async () => {
      const cases: Array<[string, Record<string, unknown>, string]> = [
        ['/events/publish', { ...verification('nul@example.com'), routing_key: 'user.email_verification_requested\u0000' }, 'routing_key'],
        ['/events/publish', { ...verification('nul@example.com'), event_type: 'user.email_verification_requested\u0000' }, 'event_type'],
        ['/events/publish', { ...verification('nul@example.com'), payload: { ...verification('nul@example.com').payload, username: 'a\u0000' } }, 'payload.username'],
        ['/api/v1/notifications/publish', { recipientId: 'u-v1\u0000', type: 'in_app', messageBody: 'x' }, 'recipientId'],
        ['/api/v1/notifications/publish', { recipientId: 'u-v1', type: 'in_app', messageBody: 'x\u0000' }, 'messageBody'],
      ];
      for (const [path, body, field] of cases) {
        const res = await world.admin.post(path, body);
        expect([res.status, fields(res)], `${field}: ${res.text}`).to.deep.equal([400, [field]]);
      }
    });

    it('takes the event type by class name, and answers a retried request (Idempotency-Key) with the first event_id, sending once', async () => {
      const asked = { ...verification('once@example.com'), event_type: 'UserEmailVerificationRequested' };
      const [first, again] = [await world.admin.post('/events/publish', asked, { 'idempotency-key': 'ops-once-1' }), await world.admin.post('/events/publish', asked, { 'idempotency-key': 'ops-once-1' })];
      expect([first.status, again.status, again.body.event_id], again.text).to.deep.equal([202, 202, first.body.event_id]);
      const other = await world.admin.post('/events/publish', verification('other@example.com'), { 'idempotency-key': 'ops-once-1' });
      expect(other.status, other.text).to.equal(422);
      await mailTo('once@example.com');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(world.smtp.messages.filter((m) => m.to.includes('once@example.com'))).to.have.length(1);
    });

    it('refuses a malformed payload naming the field, and an unbound routing key', async () => {
      const { payload, ...rest } = verification('x@example.com');
      const malformed = await world.admin.post('/events/publish', { ...rest, payload: { ...payload, email: undefined } });
      expect([malformed.status, fields(malformed)], malformed.text).to.deep.equal([400, ['payload.email']]);
      const unbound = await world.admin.post('/events/publish', { ...verification('x@example.com'), routing_key: 'billing.invoice_paid' });
      expect([unbound.status, fields(unbound)], unbound.text).to.deep.equal([400, ['routing_key']]);
    });

    it('answers 403 to a key without notifications:send', async () => {
      const reader = await keyWith(world.admin, 'publish-reader', ['notifications:read']);
      expect((await reader.client.post('/events/publish', verification('no@example.com'))).status).to.equal(403);
      expect((await reader.client.post('/api/v1/notifications/publish', { recipientId: 'u', type: 'in_app', messageBody: 'x' })).status).to.equal(403);
    });

    it("seed 004's publish: in_app lands in the user's feed, email at the user's notification_email", async () => {
      expect((await world.admin.put('/notifications/preferences/u-v1', { notification_email: 'v1@example.com' })).status).to.equal(201);
      const inApp = await world.admin.post('/api/v1/notifications/publish', { recipientId: 'u-v1', type: 'in_app', messageBody: 'Hello in the app' });
      expect([inApp.status, inApp.body.message], inApp.text).to.deep.equal([202, 'Notification accepted for processing']);
      const item = await eventually(async () => {
        const feed = (await world.admin.get('/feed/u-v1')).body.items as Array<{ title: string; body: string }> | undefined;
        return feed?.find((i) => i.body === 'Hello in the app');
      }, 20_000, 'the feed item');
      expect(item.title).to.equal('New message');
      const byEmail = await world.admin.post('/api/v1/notifications/publish', { recipientId: 'u-v1', type: 'email', messageBody: 'Hello by email' });
      expect(byEmail.status, byEmail.text).to.equal(202);
      const mail = await mailTo('v1@example.com', 'New message');
      expect(mail.text).to.include('Hello by email');
    });

    it("refuses seed 004's bad type naming `type`", async () => {
      const res = await world.admin.post('/api/v1/notifications/publish', { recipientId: 'u-v1', type: 'pigeon', messageBody: 'x' });
      expect([res.status, fields(res)]).to.deep.equal([400, ['type']]);
    });
  });
});
