import { expect } from 'chai';
import type { TemplateView } from '../../../src/application/ports/template-read-model.js';
import type { TemplateDefinition } from '../../../src/domain/template-definition.js';
import { templateVariable } from '../../../src/domain/template-variables.js';
import { LIVE_DOCUMENT_TTL_MS, LiveOpenApiDocument } from '../../../src/entrypoints/http/live-openapi-document.js';
import type { OpenApiDocument } from '../../../src/entrypoints/http/openapi.js';
import { variablesSchemas } from '../../../src/entrypoints/http/variables-schemas.js';

const definition = (variables: TemplateDefinition['variables'], description = ''): TemplateDefinition => ({
  description,
  priority: 'normal',
  ttlSeconds: null,
  routing: { mode: 'all' },
  variables,
  defaultLocale: 'en',
  variants: [{ channel: 'email', locale: 'en', subject: 's', text: 't' }],
});

const aTemplate = (key: string, variables: TemplateDefinition['variables'] = [], liveVersion = 1, description = ''): TemplateView => ({
  key,
  builtIn: false,
  liveVersion,
  latestVersion: liveVersion,
  definition: definition(variables, description),
  createdAt: new Date(0),
  updatedAt: new Date(0),
});

const ROUTES = { openapi: '3.1.0', info: { title: 't', version: '1' }, components: { schemas: { SendNotification: { type: 'object' } } } } as OpenApiDocument;

describe('the OpenAPI schemas of template variables', () => {
  it('types each declared variable, lists the required ones and names the template and its live version', () => {
    const variables = [
      templateVariable({ name: 'name', type: 'string' }, 'v'),
      templateVariable({ name: 'total', type: 'number' }, 'v'),
      templateVariable({ name: 'vip', type: 'boolean', required: false }, 'v'),
      templateVariable({ name: 'due', type: 'date' }, 'v'),
      templateVariable({ name: 'items', type: 'array', required: false }, 'v'),
      templateVariable({ name: 'address', type: 'object' }, 'v'),
    ];
    const schema = variablesSchemas([aTemplate('order.shipped', variables, 3, 'When an order leaves')])['Variables.order.shipped'];
    expect(schema?.type).to.equal('object');
    expect(schema?.description).to.equal('The variables of template order.shipped, live version 3: When an order leaves');
    expect(schema?.required).to.deep.equal(['name', 'total', 'due', 'address']);
    const properties = schema?.properties as Record<string, Record<string, unknown>>;
    const types = Object.fromEntries(Object.entries(properties).map(([name, p]) => [name, p.type]));
    expect(types).to.deep.equal({ name: 'string', total: 'number', vip: ['boolean', 'null'], due: 'string', items: ['array', 'null'], address: 'object' });
    expect(properties.due?.anyOf).to.deep.equal([{ format: 'date' }, { format: 'date-time' }]);
  });

  it('gives a template without variables an empty object, and marks one-time secrets', () => {
    const schemas = variablesSchemas([aTemplate('ping'), aTemplate('reset', [templateVariable({ name: 'token', type: 'string', secret: true }, 'v')])]);
    expect(schemas['Variables.ping']).to.deep.equal({ type: 'object', description: 'The variables of template ping, live version 1', properties: {}, required: [] });
    const token = (schemas['Variables.reset']?.properties as Record<string, { description: string }>).token;
    expect(token?.description).to.include('one-time secret');
  });
});

describe('the live OpenAPI document', () => {
  function documentOver(templates: TemplateView[]) {
    let now = 0;
    const asked: number[] = [];
    const list = async ({ page, size }: { page: number; size: number }) => {
      asked.push(page);
      return { templates: templates.slice((page - 1) * size, page * size), total: templates.length };
    };
    const live = new LiveOpenApiDocument(ROUTES, { list }, () => now);
    return { live, asked, tick: (ms: number) => (now += ms) };
  }

  it("adds every template's variables, page after page, to the routes' schemas", async () => {
    const templates = Array.from({ length: 150 }, (_, i) => aTemplate(`t${i}`));
    const { live, asked } = documentOver(templates);
    const schemas = (await live.current()).components?.schemas ?? {};
    expect(Object.keys(schemas)).to.have.lengthOf(151).and.include.members(['SendNotification', 'Variables.t0', 'Variables.t149']);
    expect(asked).to.deep.equal([1, 2]);
  });

  it(`reads the templates again only after ${LIVE_DOCUMENT_TTL_MS} ms`, async () => {
    const templates = [aTemplate('a')];
    const { live, asked, tick } = documentOver(templates);
    await live.current();
    templates.push(aTemplate('b'));
    tick(LIVE_DOCUMENT_TTL_MS - 1);
    expect(Object.keys((await live.current()).components?.schemas ?? {})).to.not.include('Variables.b');
    tick(1);
    expect(Object.keys((await live.current()).components?.schemas ?? {})).to.include('Variables.b');
    expect(asked).to.deep.equal([1, 1]);
  });

  it('never starts a second generation while one is under way, however long it takes', async () => {
    const templates = [aTemplate('a')];
    const { live, asked, tick } = documentOver(templates);
    const first = live.current();
    tick(LIVE_DOCUMENT_TTL_MS * 10);
    const second = live.current();
    expect(second).to.equal(first);
    await first;
    expect(asked).to.deep.equal([1]);
  });

  it('does not keep a failed read', async () => {
    let fail = true;
    const list = async () => {
      if (fail) throw new Error('database down');
      return { templates: [aTemplate('a')], total: 1 };
    };
    const live = new LiveOpenApiDocument(ROUTES, { list }, () => 0);
    let error: unknown;
    await live.current().catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(Error);
    fail = false;
    expect((await live.current()).components?.schemas).to.have.property('Variables.a');
  });
});
