import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { TEMPLATE_LIMITS } from '../../src/domain/template-grammar.js';
import { eventually } from '../support/databases.js';
import { HOSTILE_CLASSES, type HostileTemplate, hostileTemplates } from '../support/hostile-templates.js';
import { PipelineWorld } from '../support/pipeline-world.js';

const MARKER = `/tmp/hostile-template-${randomUUID()}`;
const HOSTILE = hostileTemplates(MARKER);

/** Where each kind of field goes in a template saved over REST, and the field its refusal names. */
function variantFor({ kind, source }: HostileTemplate): { variant: Record<string, string>; field: string } {
  if (kind === 'payload') return { variant: { channel: 'webhook', locale: 'en', payload: source }, field: 'variants[0].payload' };
  if (kind === 'text') return { variant: { channel: 'email', locale: 'en', subject: source, text: 'x' }, field: 'variants[0].subject' };
  return { variant: { channel: 'email', locale: 'en', subject: 'x', html: source }, field: 'variants[0].html' };
}

// Grammatical, nested as deep as allowed: 1000^4 steps if nothing stopped it.
const FOUR_LOOPS = `${['a', 'b', 'c', 'd'].map((v) => `<% for (const ${v} of it.items) { %>`).join('')}<%= d %>${'<% } %>'.repeat(4)}`;

describe('hostile templates over REST (built service)', function () {
  this.timeout(120_000);
  let world: PipelineWorld;
  const results = new Map<string, { count: number; statuses: Set<number> }>();

  before(async () => {
    world = await PipelineWorld.create('e2e_hostile_templates');
    await world.startService();
  });
  after(async () => {
    console.log(`\nHostile templates over POST /templates (${HOSTILE.length}):`);
    const ran = existsSync(MARKER) ? 'THE MARKER WAS WRITTEN' : 'none ran';
    const result = (statuses: Set<number>) => `${[...statuses].join('/')}, none stored, ${ran}`;
    console.table([...results].map(([cls, r]) => ({ class: cls, count: r.count, result: result(r.statuses) })));
    await world.stop();
  });

  for (const cls of HOSTILE_CLASSES) {
    it(`refuses every ${cls} template, naming the tag or the field, and stores none`, async () => {
      const entries = HOSTILE.filter((t) => t.class === cls);
      const tally = { count: 0, statuses: new Set<number>() };
      results.set(cls, tally);
      for (const [i, entry] of entries.entries()) {
        const key = `hostile.${cls.replace(/[^a-z]+/gi, '_').toLowerCase()}.${i}`;
        const { variant, field } = variantFor(entry);
        const res = await world.admin.post('/templates', { key, variables: [], variants: [variant] });
        // The request schema caps a template text at the grammar's length: a longer one is a 400 on the field.
        const tooLong = entry.source.length > TEMPLATE_LIMITS.maxLength;
        expect(res.status, `${entry.why}: ${res.text}`).to.equal(tooLong ? 400 : 422);
        const detail = String(res.body.detail);
        if (tooLong) expect(res.text, entry.why).to.include(field.replace('[0]', '.0'));
        else expect(detail, entry.why).to.include(field);
        if (entry.tag !== '') expect(detail, entry.why).to.include(JSON.stringify(entry.tag));
        expect((await world.admin.get(`/templates/${key}`)).status, entry.why).to.equal(404);
        tally.count++;
        tally.statuses.add(res.status);
      }
    });
  }

  it('ran none of them: the marker file was never written and the service is still live', async () => {
    expect(HOSTILE.length).to.be.at.least(40);
    expect(existsSync(MARKER)).to.equal(false);
    expect((await world.admin.get('/healthz')).status).to.equal(200);
    expect(world.service.logLines().some((l) => l.level === 'fatal' || l.level === 60)).to.equal(false);
  });

  it('accepts four loops nested over a 1000-item array, then fails its send permanently at the render limit, staying responsive', async () => {
    const variants = [{ channel: 'email', locale: 'en', subject: 'Loops', html: FOUR_LOOPS }];
    const created = await world.admin.post('/templates', { key: 'loops.huge', variables: [{ name: 'items', type: 'array' }], variants });
    expect(created.status, created.text).to.equal(201);
    const items = Array.from({ length: 1000 }, (_, i) => i);
    const sent = await world.admin.post('/notifications/send', { notification_type: 'loops.huge', recipient_email: 'loops@example.com', userid: 'u-loops', template_vars: { items } });
    expect(sent.status, sent.text).to.equal(202);
    const failed = await eventually(async () => {
      const [n] = (await world.admin.get('/notifications/history/u-loops')).body.notifications as Array<{ status: string; reason: string; attempts: Array<{ error: string }> }>;
      return n?.status === 'failed' ? n : undefined;
    }, 20_000, 'the send to fail');
    expect(failed.reason).to.equal('permanent_failure');
    expect(failed.attempts).to.have.lengthOf(1);
    expect(failed.attempts[0]?.error).to.match(/rendering stopped: loops ran more than \d+ steps/);
    const started = Date.now();
    expect((await world.admin.get('/healthz')).status).to.equal(200);
    expect(Date.now() - started).to.be.below(1_000);
    expect(world.smtp.messages.some((m) => m.to.includes('loops@example.com'))).to.equal(false);
  });
});
