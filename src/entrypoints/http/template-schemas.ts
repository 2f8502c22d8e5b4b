import { z } from 'zod';
import { PRIORITIES } from '../../domain/priority.js';
import { CHANNELS } from '../../domain/notification-type.js';
import { VARIABLE_TYPES } from '../../domain/template-variables.js';
import { LocaleSchema, TemplateKeySchema } from './schemas.js';

const Source = z.string().max(65_536);
const Channel = z.enum(CHANNELS);

export const VariantSchema = z
  .strictObject({
    channel: Channel,
    locale: LocaleSchema,
    subject: Source.optional(),
    html: Source.optional(),
    text: Source.optional(),
    body: Source.optional(),
    title: Source.optional(),
    data: Source.optional(),
    action_url: Source.optional(),
    payload: Source.optional(),
  })
  .openapi('TemplateVariant');

export const VariableSchema = z
  .strictObject({ name: z.string().max(64), type: z.enum(VARIABLE_TYPES), required: z.boolean().optional(), secret: z.boolean().optional() })
  .openapi('TemplateVariable');

const Routing = z.union([z.strictObject({ mode: z.literal('all') }), z.strictObject({ mode: z.literal('first'), order: z.array(Channel).max(5) })]);

/** A definition as `POST /templates` and `PUT /templates/{key}` take it (and `GET` answers it). */
export const TemplateDefinitionBody = z.strictObject({
  description: z.string().max(1000).default(''),
  priority: z.enum(PRIORITIES).default('normal'),
  ttl: z.number().int().nullish().openapi({ description: 'Seconds a notification may wait to be sent (1 to 2592000); after that it fails with reason expired' }),
  routing: Routing.default({ mode: 'all' }),
  variables: z.array(VariableSchema).max(100).default([]),
  default_locale: LocaleSchema.default('en'),
  variants: z.array(VariantSchema).min(1).max(100),
});

export const CreateTemplateBody = TemplateDefinitionBody.extend({ key: TemplateKeySchema }).openapi('CreateTemplate');
export const SaveTemplateBody = TemplateDefinitionBody.extend({ key: TemplateKeySchema.optional() }).openapi('SaveTemplate');

/** Seed 003's template: one channel, a subject and a body with `{{ name }}` placeholders. */
export const SimpleTemplateBody = z
  .strictObject({
    name: TemplateKeySchema,
    channel: Channel.default('email'),
    subject: Source.optional(),
    body: Source,
    variables: z.array(z.string().max(64)).max(100).optional(),
  })
  .openapi('SimpleTemplate');

export const TemplateVersionResponse = z.object({ key: z.string(), version: z.number().int(), status: z.enum(['live', 'draft']) }).openapi('TemplateVersionStatus');

export const TemplateKeyParams = z.strictObject({ key: TemplateKeySchema });
export const TemplateVersionParams = z.strictObject({ key: TemplateKeySchema, n: z.coerce.number().int().min(1).max(1_000_000) });

export const TemplateListQuery = z.strictObject({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  size: z.coerce.number().int().min(1).max(100).default(20),
  channel: Channel.optional(),
  active: z.enum(['true', 'false']).optional().openapi({ description: 'Every stored template is active (it has a live version): false lists none' }),
});

export const RenderTemplateBody = z
  .strictObject({
    channel: Channel.default('email'),
    locale: LocaleSchema.optional(),
    variables: z.record(z.string().max(100), z.unknown()).default({}),
    version: z.number().int().min(1).optional(),
  })
  .openapi('RenderTemplate');

export const RenderedResponse = z
  .object({
    key: z.string(),
    version: z.number().int(),
    channel: Channel,
    subject: z.string().optional().openapi({ description: 'email' }),
    html: z.string().optional().openapi({ description: 'email' }),
    text: z.string().optional().openapi({ description: 'email' }),
    title: z.string().optional().openapi({ description: 'push, in_app' }),
    body: z.string().optional().openapi({ description: 'sms, push, in_app' }),
    data: z.record(z.string(), z.string()).optional().openapi({ description: 'push, in_app' }),
    actionUrl: z.string().nullable().optional().openapi({ description: 'in_app' }),
    payload: z.string().optional().openapi({ description: 'webhook: the JSON text that is posted' }),
  })
  .openapi('RenderedTemplate', { description: "The fields of the rendered channel's message" });
