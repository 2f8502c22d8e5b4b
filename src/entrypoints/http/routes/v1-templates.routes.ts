import { apiKeyIdOf } from '../auth.js';
import { z } from 'zod';
import type { Api } from '../api.js';
import type { HttpDeps } from '../http-deps.js';
import { LocaleSchema, TemplateKeySchema } from '../schemas.js';
import { placeholderDefinition } from '../simple-templates.js';
import { templateJson } from '../template-wire.js';

const Text = z.string().max(65_536);
const V1TemplateBody = z
  .strictObject({ template_key: TemplateKeySchema, subject: Text, body: Text, html_body: Text.optional(), variables: z.array(z.string().max(64)).max(100).optional() })
  .openapi('V1Template');
const V1RenderBody = z
  .strictObject({ template_key: TemplateKeySchema, message_data: z.record(z.string().max(100), z.unknown()).default({}), locale: LocaleSchema.optional() })
  .openapi('V1RenderTemplate');

/** Seed 001's template endpoints, answering in its envelope (`success`, `data`, `message`). */
export function v1TemplateRoutes(api: Api, { bus, queries }: HttpDeps): void {
  api.route({
    method: 'post',
    path: '/v1/templates',
    summary: "Seed 001: create an email template from {template_key, subject, body, html_body} with {variable} placeholders",
    tag: 'templates',
    scope: 'templates:write',
    body: V1TemplateBody,
    responses: { 201: { description: 'Created, in the envelope' }, 409: { description: 'The key is taken' } },
    handle: async ({ body }, res) => {
      const definition = placeholderDefinition({ channel: 'email', subject: body.subject, body: body.body, html: body.html_body, variables: body.variables });
      const created = await bus.handle({ type: 'CreateTemplate', key: body.template_key, definition, actor: apiKeyIdOf(res) });
      res.status(201).json({ success: true, data: { template_key: created.key, version: created.version, status: created.status }, message: 'Template created' });
    },
  });

  api.route({
    method: 'get',
    path: '/v1/templates/:template_key',
    summary: 'Seed 001: a template, in the envelope',
    tag: 'templates',
    scope: 'templates:read',
    params: z.strictObject({ template_key: TemplateKeySchema }),
    responses: { 200: { description: 'The template, in the envelope' }, 404: { description: 'No template has the key' } },
    handle: async ({ params }, res) => {
      const found = templateJson(await queries.templates.find(params.template_key));
      res.json({ success: true, data: { template_key: found.key, ...found }, message: 'Template found' });
    },
  });

  api.route({
    method: 'post',
    path: '/v1/templates/render',
    summary: "Seed 001: render a template's live version with message_data, without sending",
    tag: 'templates',
    scope: 'templates:read',
    body: V1RenderBody,
    responses: { 200: { description: 'The rendered fields, in the envelope' }, 404: { description: 'No template has the key' }, 422: { description: 'Variables that do not fit' } },
    handle: async ({ body }, res) => {
      const preview = { channel: 'email', locale: body.locale ?? null, variables: body.message_data, version: null };
      const { version, content } = await queries.templates.render(body.template_key, preview);
      res.json({ success: true, data: { template_key: body.template_key, version, ...content }, message: 'Template rendered' });
    },
  });
}
