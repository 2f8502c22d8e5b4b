import { apiKeyIdOf } from '../auth.js';
import type { Api } from '../api.js';
import type { HttpDeps } from '../http-deps.js';
import { renderedJson } from '../presenters.js';
import { definitionOf, templateJson, versionJson, versionSummaryJson } from '../template-wire.js';
import {
  CreateTemplateBody,
  RenderTemplateBody,
  RenderedResponse,
  SaveTemplateBody,
  SimpleTemplateBody,
  TemplateKeyParams,
  TemplateListQuery,
  TemplateVersionParams,
  TemplateVersionResponse,
} from '../template-schemas.js';
import { simpleDefinition } from '../simple-templates.js';
import { Problem } from '../problem.js';
import { z } from '../zod.js';

const CreateBody = z.union([CreateTemplateBody, SimpleTemplateBody]);

export function templateRoutes(api: Api, { bus, queries }: HttpDeps): void {
  api.route({
    method: 'post',
    path: '/templates',
    summary: "Create a type's template (version 1, live); also takes seed 003's {name, channel, subject, body}",
    description: 'Every template text must pass the safe grammar (README, "Templates"): a tag outside it is a 422 naming the tag.',
    tag: 'templates',
    scope: 'templates:write',
    body: CreateBody,
    responses: { 201: { description: 'Created', schema: TemplateVersionResponse }, 409: { description: 'The key is taken' }, 422: { description: 'A tag outside the safe grammar' } },
    handle: async ({ body }, res) => {
      const [key, definition] = 'name' in body ? [body.name, simpleDefinition(body)] : [body.key, definitionOf(body)];
      res.status(201).json(await bus.handle({ type: 'CreateTemplate', key, definition, actor: apiKeyIdOf(res) }));
    },
  });

  api.route({
    method: 'get',
    path: '/templates',
    summary: 'Templates by key, with their live version',
    tag: 'templates',
    scope: 'templates:read',
    query: TemplateListQuery,
    responses: { 200: { description: 'One page' } },
    handle: async ({ query }, res) => {
      const { page, size } = query;
      const found = query.active === 'false' ? { templates: [], total: 0 } : await queries.templates.list({ channel: query.channel ?? null, page, size });
      res.json({ templates: found.templates.map(templateJson), page, size, total: found.total });
    },
  });

  api.route({
    method: 'get',
    path: '/templates/:key',
    summary: 'A template with its live version',
    tag: 'templates',
    scope: 'templates:read',
    params: TemplateKeyParams,
    responses: { 200: { description: 'The template' }, 404: { description: 'No template has the key' } },
    handle: async ({ params }, res) => void res.json(templateJson(await queries.templates.find(params.key))),
  });

  api.route({
    method: 'put',
    path: '/templates/:key',
    summary: 'Save a new version of a template, as a draft (publish it to make it live)',
    tag: 'templates',
    scope: 'templates:write',
    params: TemplateKeyParams,
    body: SaveTemplateBody,
    responses: { 200: { description: 'Saved', schema: TemplateVersionResponse }, 404: { description: 'No template has the key' }, 422: { description: 'A tag outside the safe grammar' } },
    handle: async ({ params, body }, res) => {
      if (body.key !== undefined && body.key !== params.key) throw Problem.validation([{ field: 'key', message: 'must match the key in the path' }]);
      res.json(await bus.handle({ type: 'SaveTemplateDraft', key: params.key, definition: definitionOf(body) }));
    },
  });

  api.route({
    method: 'get',
    path: '/templates/:key/versions',
    summary: "A template's versions, newest first, the live one marked",
    tag: 'templates',
    scope: 'templates:read',
    params: TemplateKeyParams,
    responses: { 200: { description: 'The versions' }, 404: { description: 'No template has the key' } },
    handle: async ({ params }, res) => void res.json({ key: params.key, versions: (await queries.templates.versions(params.key)).map(versionSummaryJson) }),
  });

  api.route({
    method: 'get',
    path: '/templates/:key/versions/:n',
    summary: 'One version of a template, with its texts',
    tag: 'templates',
    scope: 'templates:read',
    params: TemplateVersionParams,
    responses: { 200: { description: 'The version' }, 404: { description: 'No such template or version' } },
    handle: async ({ params }, res) => void res.json({ key: params.key, ...versionJson(await queries.templates.version(params.key, params.n)) }),
  });

  api.route({
    method: 'post',
    path: '/templates/:key/versions/:n/publish',
    summary: 'Make a version live on every instance within a second; publishing an older one rolls back',
    tag: 'templates',
    scope: 'templates:write',
    params: TemplateVersionParams,
    responses: { 200: { description: 'Live', schema: TemplateVersionResponse }, 404: { description: 'No such template or version' } },
    handle: async ({ params }, res) => void res.json(await bus.handle({ type: 'PublishTemplateVersion', key: params.key, version: params.n, actor: apiKeyIdOf(res) })),
  });

  api.route({
    method: 'post',
    path: '/templates/:key/render',
    summary: 'Render a template version (the live one by default) without sending anything',
    tag: 'templates',
    scope: 'templates:read',
    params: TemplateKeyParams,
    body: RenderTemplateBody,
    responses: { 200: { description: 'The rendered fields', schema: RenderedResponse }, 404: { description: 'No such template or version' }, 422: { description: 'Variables that do not fit' } },
    handle: async ({ params, body }, res) => {
      const preview = { channel: body.channel, locale: body.locale ?? null, variables: body.variables, version: body.version ?? null };
      res.json(renderedJson(params.key, await queries.templates.render(params.key, preview)));
    },
  });
}
