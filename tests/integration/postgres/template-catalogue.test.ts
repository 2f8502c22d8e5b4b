import { expect } from 'chai';
import type { Kysely } from 'kysely';
import type { Database } from '../../../src/adapters/postgres/database.js';
import { KyselyUnitOfWork } from '../../../src/adapters/postgres/kysely-unit-of-work.js';
import { CachedTemplateCatalogue } from '../../../src/adapters/postgres/template-catalogue.js';
import { KyselyTemplateReadModel } from '../../../src/adapters/postgres/template-read-model.js';
import { Template } from '../../../src/domain/template.js';
import type { TemplateDefinition } from '../../../src/domain/template-definition.js';
import { TestDatabase } from '../../support/databases.js';
import { testStamping } from '../../support/test-container.js';

const NOW = new Date('2026-11-29T10:00:00.000Z');
const anyText = () => undefined;
const definition = (subject: string, channel: 'email' | 'sms' = 'email'): TemplateDefinition => ({
  description: subject,
  priority: 'normal',
  ttlSeconds: null,
  routing: { mode: 'all' },
  variables: [],
  defaultLocale: 'en',
  variants: [channel === 'email' ? { channel, locale: 'en', subject, text: 'x' } : { channel, locale: 'en', body: subject }],
});

describe('PostgreSQL template catalogue and read model', () => {
  let db: TestDatabase;
  let kysely: Kysely<Database>;
  let clock = 0;
  const uow = () => new KyselyUnitOfWork(kysely, testStamping());
  const catalogue = () => new CachedTemplateCatalogue(kysely, { liveForMs: 1_000, maxEntries: 3 }, () => clock);
  const publish = (key: string, subject: string) =>
    uow().execute(async (u) => {
      const template = (await u.templates.get(key))!;
      template.publish(template.saveDraft(definition(subject), NOW, anyText), NOW);
      await u.templates.save(template);
    });

  before(async () => {
    db = await TestDatabase.create('it_template_catalogue');
    kysely = db.kysely();
    await uow().execute((u) => u.templates.add(Template.create('alpha', definition('a1'), NOW, anyText)));
    await uow().execute((u) => u.templates.add(Template.create('beta', definition('b1', 'sms'), NOW, anyText)));
  });
  after(async () => {
    await kysely.destroy();
    await db.drop();
  });

  it('serves the live version for a second, then the one published meanwhile', async () => {
    const reader = catalogue();
    expect((await reader.live('alpha'))?.definition.description).to.equal('a1');
    await publish('alpha', 'a2');
    clock += 999;
    expect((await reader.live('alpha'))?.version).to.equal(1);
    clock += 1;
    expect(await reader.live('alpha')).to.deep.include({ key: 'alpha', version: 2 });
    expect((await reader.version('alpha', 1))?.definition.description).to.equal('a1');
  });

  it('answers null for an unknown key or version, and finds one created after a miss once the second is over', async () => {
    const reader = catalogue();
    expect(await reader.live('gamma')).to.equal(null);
    expect(await reader.version('alpha', 99)).to.equal(null);
    await uow().execute((u) => u.templates.add(Template.create('gamma', definition('g1'), NOW, anyText)));
    clock += 1_000;
    expect((await reader.live('gamma'))?.version).to.equal(1);
  });

  it('keeps unknown keys apart: a flood of them neither crowds out a known key nor queries it again within its second', async () => {
    const reader = catalogue();
    await reader.live('alpha');
    for (let i = 0; i < 10; i++) await reader.live(`unknown-${i}`);
    const cached = (reader as unknown as { liveByKey: Map<string, unknown>; missing: Map<string, number> });
    expect([...cached.liveByKey.keys()]).to.deep.equal(['alpha']);
    expect(cached.missing.size).to.equal(3);
  });

  it('keeps at most maxEntries keys in memory, dropping the oldest', async () => {
    const reader = catalogue();
    for (const key of ['alpha', 'beta', 'gamma', 'alpha', 'delta']) await reader.live(key);
    await uow().execute((u) => u.templates.add(Template.create('delta', definition('d1'), NOW, anyText)));
    clock += 1_000;
    await reader.live('delta');
    const cached = (reader as unknown as { liveByKey: Map<string, unknown> }).liveByKey;
    expect([...cached.keys()]).to.deep.equal(['beta', 'gamma', 'delta']);
  });

  it('lists templates by key with their live version, filtered by channel, a page at a time', async () => {
    const readModel = new KyselyTemplateReadModel(kysely);
    const all = await readModel.list({ channel: null, page: 1, size: 2 });
    expect([all.templates.map((t) => [t.key, t.liveVersion]), all.total]).to.deep.equal([[['alpha', 2], ['beta', 1]], 4]);
    expect((await readModel.list({ channel: 'sms', page: 1, size: 10 })).templates.map((t) => t.key)).to.deep.equal(['beta']);
    expect(await readModel.list({ channel: null, page: 9, size: 2 })).to.deep.equal({ templates: [], total: 4 });
    expect((await readModel.versions('alpha')).map((v) => [v.version, v.live])).to.deep.equal([[2, true], [1, false]]);
  });
});
