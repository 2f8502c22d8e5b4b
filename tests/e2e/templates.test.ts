import { expect } from 'chai';
import { eventually } from '../support/databases.js';
import { PipelineWorld } from '../support/pipeline-world.js';
import { storedDeadLetters } from '../support/stored-dead-letters.js';

const NEWSLETTER = {
  key: 'newsletter.weekly',
  description: 'The weekly digest',
  priority: 'low',
  variables: [
    { name: 'name', type: 'string' },
    { name: 'total', type: 'number' },
  ],
  default_locale: 'en',
  variants: [
    { channel: 'email', locale: 'en', subject: 'Your week, <%= it.name %>', html: '<p>Total: <%= currency(it.total, \'EUR\') %> for <%= it.name %></p>' },
    { channel: 'email', locale: 'fr', subject: 'Votre semaine, <%= it.name %>', text: 'Total : <%= currency(it.total, \'EUR\') %>' },
  ],
};

describe('templates as data over REST (built service)', function () {
  this.timeout(60_000);
  let world: PipelineWorld;

  before(async () => {
    world = await PipelineWorld.create('e2e_templates');
    await world.startService();
  });
  after(() => world.stop());

  const send = (body: unknown) => world.admin.post('/notifications/send', body);

  it('lists the six shipped types and message as built-in version 1', async () => {
    const res = await world.admin.get('/templates?size=100');
    expect(res.status, res.text).to.equal(200);
    const templates = res.body.templates as Array<{ key: string; built_in: boolean; live_version: number }>;
    const builtIn = templates.filter((t) => t.built_in).map((t) => [t.key, t.live_version]);
    expect(builtIn).to.deep.include.members([['welcome', 1], ['email_verification', 1], ['order_confirmation', 1]]);
    expect(builtIn.map(([key]) => key)).to.include('message');
    expect(builtIn).to.have.lengthOf(7);
  });

  it('creates a new type that is sent at once, rendered with helpers, its version in the history', async () => {
    const created = await world.admin.post('/templates', NEWSLETTER);
    expect([created.status, created.body]).to.deep.equal([201, { key: 'newsletter.weekly', version: 1, status: 'live' }]);
    const res = await send({ notification_type: 'newsletter.weekly', recipient_email: 'reader@example.com', userid: 'u-news', template_vars: { name: 'Ada <3', total: 12.5 } });
    expect(res.status, res.text).to.equal(202);
    const mail = await eventually(async () => world.smtp.messages.find((m) => m.to.includes('reader@example.com')), 15_000, 'the email');
    expect(mail.subject).to.equal('Your week, Ada <3');
    expect(mail.html).to.include('Total: €12.50 for Ada &lt;3');
    expect(mail.text).to.include('Total: €12.50 for Ada <3');
    const history = await eventually(async () => {
      const items = (await world.admin.get('/notifications/history/u-news')).body.notifications as Array<{ status: string; template_version: number }>;
      return items[0]?.status === 'sent' ? items : undefined;
    }, 10_000, 'the history');
    expect(history[0]?.template_version).to.equal(1);
  });

  it("describes the new type's variables in /openapi.json as Variables.<key>, with their types and the required ones", async () => {
    const schema = await eventually(async () => {
      const schemas = ((await world.admin.get('/openapi.json')).body.components as { schemas: Record<string, Record<string, unknown>> }).schemas;
      return schemas['Variables.newsletter.weekly'];
    }, 5_000, 'the Variables.newsletter.weekly schema');
    expect(schema).to.deep.include({ type: 'object', required: ['name', 'total'] });
    expect(schema.description).to.include('newsletter.weekly, live version 1');
    const properties = schema.properties as Record<string, { type: unknown }>;
    expect([properties.name?.type, properties.total?.type]).to.deep.equal(['string', 'number']);
  });

  it('refuses a send missing a variable or with a wrong type with 422 naming each', async () => {
    const res = await send({ notification_type: 'newsletter.weekly', recipient_email: 'reader@example.com', template_vars: { total: 'lots' } });
    expect(res.status, res.text).to.equal(422);
    const fields = (res.body.errors as Array<{ field: string }>).map((e) => e.field);
    expect(fields).to.deep.equal(['template_vars.name', 'template_vars.total']);
  });

  it('refuses a template with code in a tag with 422 naming the tag, and stores nothing', async () => {
    const hostile = { ...NEWSLETTER, key: 'hostile', variants: [{ channel: 'email', locale: 'en', subject: 'x', html: '<%= it.constructor.constructor("return process")() %>' }] };
    const res = await world.admin.post('/templates', hostile);
    expect(res.status, res.text).to.equal(422);
    expect(String(res.body.detail)).to.include('variants[0].html');
    expect((await world.admin.get('/templates/hostile')).status).to.equal(404);
  });

  it('saves a draft, previews it, publishes it, and rolls back by publishing version 1', async () => {
    const draft = { ...NEWSLETTER, variants: [{ channel: 'email', locale: 'en', subject: 'New: <%= upper(it.name) %>', text: 'v2' }] };
    const saved = await world.admin.put('/templates/newsletter.weekly', draft);
    expect(saved.body).to.deep.equal({ key: 'newsletter.weekly', version: 2, status: 'draft' });
    const preview = await world.admin.post('/templates/newsletter.weekly/render', { version: 2, variables: { name: 'ada', total: 1 } });
    expect([preview.body.version, preview.body.subject]).to.deep.equal([2, 'New: ADA']);
    const live = await world.admin.post('/templates/newsletter.weekly/render', { variables: { name: 'ada', total: 1 }, locale: 'fr-BE' });
    expect([live.body.version, live.body.subject]).to.deep.equal([1, 'Votre semaine, ada']);
    expect((await world.admin.post('/templates/newsletter.weekly/versions/2/publish', {})).body.status).to.equal('live');
    const versions = (await world.admin.get('/templates/newsletter.weekly/versions')).body.versions as Array<{ version: number; status: string }>;
    expect(versions.map((v) => [v.version, v.status])).to.deep.equal([[2, 'live'], [1, 'draft']]);
    await world.admin.post('/templates/newsletter.weekly/versions/1/publish', {});
    const back = await eventually(async () => {
      const r = await world.admin.post('/templates/newsletter.weekly/render', { variables: { name: 'ada', total: 1 } });
      return r.body.version === 1 ? r : undefined;
    }, 3_000, 'the rollback');
    expect(back.body.subject).to.equal('Your week, ada');
  });

  it("takes seed 001's and seed 003's template bodies with placeholders", async () => {
    const v1 = await world.admin.post('/v1/templates', { template_key: 'invoice', subject: 'Invoice {number}', body: 'Due {{ amount | currency }}' });
    expect([v1.status, v1.body.success]).to.deep.equal([201, true]);
    const rendered = await world.admin.post('/v1/templates/render', { template_key: 'invoice', message_data: { number: 'A-7', amount: '19.5' } });
    expect(rendered.body.data).to.deep.include({ subject: 'Invoice A-7', text: 'Due $19.50' });
    const simple = await world.admin.post('/templates', { name: 'ping', channel: 'email', subject: 'Ping {{ who }}', body: 'Hello {{ who | upper }}' });
    expect(simple.body).to.deep.equal({ key: 'ping', version: 1, status: 'live' });
  });

  describe("every seed's send shape", () => {
    const mailTo = (address: string) => eventually(async () => world.smtp.messages.find((m) => m.to.includes(address)), 15_000, `the email to ${address}`);

    it("sends seed 003's body with template_id and variables, tracked by GET /notifications/{id}/status", async () => {
      const res = await send({ channel: 'email', recipient: 's3@example.com', template_id: 'newsletter.weekly', variables: { name: 'Bo', total: 3 } });
      expect(res.status, res.text).to.equal(202);
      expect((await mailTo('s3@example.com')).subject).to.match(/^(Your week|New:)/);
      const status = await eventually(async () => {
        const r = await world.admin.get(`/notifications/${String(res.body.notification_id)}/status`);
        return r.status === 200 && r.body.status === 'sent' ? r : undefined;
      }, 10_000, 'the status sent');
      expect(status.body.notification_id).to.equal(res.body.notification_id);
      expect((status.body.attempts as Array<{ outcome: string }>).map((a) => a.outcome)).to.deep.equal(['accepted']);
    });

    it("sends seed 003's own content in the layout", async () => {
      const res = await send({ recipient: 'own@example.com', content: { subject: 'Hi there', body: 'Plain <b>words</b>' } });
      expect(res.status, res.text).to.equal(202);
      const mail = await mailTo('own@example.com');
      expect([mail.subject, mail.text.trim()]).to.deep.equal(['Hi there', 'Plain <b>words</b>']);
      expect(mail.html).to.include('Plain &lt;b&gt;words&lt;/b&gt;');
    });

    it('refuses a body mixing both shapes with 400, and seed 003 variables that do not fit with 422 naming variables.*', async () => {
      const mixed = await send({ notification_type: 'welcome', recipient: 'x@example.com', template_id: 'welcome' });
      expect(mixed.status).to.equal(400);
      expect((mixed.body.errors as Array<{ message: string }>)[0]?.message).to.match(/mixes the two send shapes/);
      const bad = await send({ recipient: 'x@example.com', template_id: 'newsletter.weekly', variables: { name: 'x' } });
      expect(bad.status).to.equal(422);
      expect((bad.body.errors as Array<{ field: string }>).map((e) => e.field)).to.deep.equal(['variables.total']);
    });

    it("sends seed 001's POST /v1/notifications to the user's stored address, answering in its envelope", async () => {
      await world.admin.post('/notifications/preferences', { userid: 'u-v1', notification_email: 'v1@example.com' });
      const res = await world.admin.post('/v1/notifications', { user_id: 'u-v1', template_key: 'newsletter.weekly', message_data: { name: 'Cy', total: 1 } }, { 'x-idempotency-key': 'v1-key-1' });
      expect(res.status, res.text).to.equal(202);
      expect(res.body.success).to.equal(true);
      expect(res.body.data).to.include({ idempotency_key: 'v1-key-1', status: 'pending' });
      const again = await world.admin.post('/v1/notifications', { user_id: 'u-v1', template_key: 'newsletter.weekly', message_data: { name: 'Cy', total: 1 } }, { 'x-idempotency-key': 'v1-key-1' });
      expect((again.body.data as { notification_id: string }).notification_id).to.equal((res.body.data as { notification_id: string }).notification_id);
      await mailTo('v1@example.com');
    });

    it('sends a type created over REST from the generic request.notification event, and dead-letters one missing a variable', async () => {
      await world.vhost.publish('request.notification', { userid: 'u-generic', recipient: 'generic@example.com', notification_type: 'newsletter.weekly', variables: { name: 'Di', total: 9 } });
      await mailTo('generic@example.com');
      await world.vhost.publish('request.notification', { recipient: 'nope@example.com', notification_type: 'newsletter.weekly', variables: { total: 9 } }, { messageId: 'generic-bad' });
      const dead = await eventually(async () => (await storedDeadLetters(world.db.name)).find((m) => m.messageId === 'generic-bad'), 10_000, 'the dead letter');
      expect(dead.headers['x-dead-letter-reason']).to.equal('invalid_payload');
      expect(String(dead.headers['x-dead-letter-detail'])).to.include('variables.name');
    });
  });
});
