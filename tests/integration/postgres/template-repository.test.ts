import { expect } from 'chai';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../../src/adapters/postgres/database.js';
import { KyselyUnitOfWork } from '../../../src/adapters/postgres/kysely-unit-of-work.js';
import { ConcurrentModificationError, TemplateAlreadyExistsError } from '../../../src/domain/errors.js';
import { Template } from '../../../src/domain/template.js';
import type { TemplateDefinition } from '../../../src/domain/template-definition.js';
import { templateVariable } from '../../../src/domain/template-variables.js';
import { TestDatabase } from '../../support/databases.js';
import { testStamping } from '../../support/test-container.js';
import { rejection } from '../../unit/rejection.js';

const NOW = new Date('2026-11-29T10:00:00.000Z');
const LATER = new Date('2026-11-29T11:00:00.000Z');
const anyText = () => undefined;

function definition(description: string): TemplateDefinition {
  return {
    description,
    priority: 'high',
    ttlSeconds: null,
    routing: { mode: 'first', order: ['sms', 'email'] },
    variables: [templateVariable({ name: 'name', type: 'string' }, 'v'), templateVariable({ name: 'code', type: 'string', secret: true }, 'v')],
    defaultLocale: 'en',
    variants: [
      { channel: 'email', locale: 'en', subject: 'Hi <%= it.name %>', html: '<p>"quoted" & <%= it.code %></p>' },
      { channel: 'sms', locale: 'en', body: 'Code: <%= it.code %> 🚀' },
    ],
  };
}

describe('PostgreSQL template repository', () => {
  let db: TestDatabase;
  let kysely: Kysely<Database>;
  const uow = () => new KyselyUnitOfWork(kysely, testStamping());

  before(async () => {
    db = await TestDatabase.create('it_templates');
    kysely = db.kysely();
  });
  after(async () => {
    await kysely.destroy();
    await db.drop();
  });

  it('store a template with version 1 live and its definition as saved', async () => {
    await uow().execute((u) => u.templates.add(Template.create('otp', definition('one'), NOW, anyText)));
    const { result } = await uow().execute((u) => u.templates.get('otp'));
    expect(result?.snapshot()).to.deep.equal({ key: 'otp', builtIn: false, liveVersion: 1, latestVersion: 1, createdAt: NOW, updatedAt: NOW });
    const { rows } = await sql<{ version: number; definition: unknown }>`select version, definition from template_versions where template_key = 'otp'`.execute(kysely);
    expect(rows).to.deep.equal([{ version: 1, definition: JSON.parse(JSON.stringify(definition('one'))) }]);
  });

  it('refuse a second template with the same key', async () => {
    const error = await rejection(uow().execute((u) => u.templates.add(Template.builtIn('otp', definition('again'), NOW))));
    expect(error).to.be.instanceOf(TemplateAlreadyExistsError).with.property('key', 'otp');
  });

  it('store drafts as new versions and move the live one on publish', async () => {
    await uow().execute(async (u) => {
      const template = (await u.templates.get('otp'))!;
      template.saveDraft(definition('two'), LATER, anyText);
      template.saveDraft(definition('three'), LATER, anyText);
      template.publish(3, LATER);
      await u.templates.save(template);
    });
    const { result } = await uow().execute((u) => u.templates.get('otp'));
    expect(result?.snapshot()).to.deep.include({ liveVersion: 3, latestVersion: 3, updatedAt: LATER });
    const { rows } = await sql<{ version: number; description: string }>`
      select version, definition->>'description' as description from template_versions where template_key = 'otp' order by version`.execute(kysely);
    expect(rows.map((r) => [r.version, r.description])).to.deep.equal([[1, 'one'], [2, 'two'], [3, 'three']]);
  });

  it('refuse a version saved from a stale load, keeping the one saved first', async () => {
    const stale = Template.restore({ key: 'otp', builtIn: false, liveVersion: 3, latestVersion: 3, createdAt: NOW, updatedAt: LATER });
    await uow().execute(async (u) => {
      const template = (await u.templates.get('otp'))!;
      template.saveDraft(definition('four'), LATER, anyText);
      await u.templates.save(template);
    });
    stale.saveDraft(definition('four, stale'), LATER, anyText);
    const error = await rejection(uow().execute((u) => u.templates.save(stale)));
    expect(error).to.be.instanceOf(ConcurrentModificationError);
    const { rows } = await sql<{ description: string }>`select definition->>'description' as description from template_versions where template_key = 'otp' and version = 4`.execute(kysely);
    expect(rows.map((r) => r.description)).to.deep.equal(['four']);
  });

  it('refuse a live version beyond the latest (the table checks it too)', async () => {
    const error = await rejection(sql`update templates set live_version = latest_version + 1 where key = 'otp'`.execute(kysely));
    expect(error).to.have.property('constraint', 'templates_live_version');
  });
});
