import { z } from 'zod';
import type { Api } from '../api.js';
import type { HttpDeps } from '../http-deps.js';
import { notificationJson } from '../presenters.js';
import { NotificationIdParams, NotificationSchema, TemplateKeySchema, UserIdSchema, VariablesSchema } from '../schemas.js';
import { idempotencyOf } from './idempotency.js';

const V1SendBody = z
  .strictObject({ user_id: UserIdSchema, template_key: TemplateKeySchema, message_data: VariablesSchema.default({}) })
  .openapi('V1Notification');

/** Seed 001's send (in its envelope) and seed 003's status lookup. */
export function sendShapeRoutes(api: Api, { bus, queries, callerOf }: HttpDeps): void {
  api.route({
    method: 'post',
    path: '/v1/notifications',
    summary: "Seed 001: send a template to a user's stored address; X-Idempotency-Key makes retries safe",
    tag: 'notifications',
    scope: 'notifications:send',
    body: V1SendBody,
    responses: { 202: { description: "Accepted, in the envelope: routed over the type's channels; a user without a profile has no address on them, so the notifications are recorded suppressed (no_contact_point) but the feed's" }, 422: { description: 'Variables that do not fit, or the key reused with another body' } },
    handle: async ({ body }, res, req) => {
      const idempotency = idempotencyOf(req, callerOf, req.body);
      const result = await bus.handle({
        type: 'SendNotification',
        notificationType: body.template_key,
        channel: null,
        recipient: null,
        userId: body.user_id,
        subject: null,
        content: null,
        templateVars: body.message_data,
        variablesField: 'message_data',
        ...{ priority: null, locale: null, expiresAt: null },
        correlationId: res.locals.correlationId as string,
        idempotency,
      });
      const data = { notification_id: result.notificationId, status: result.status, request_id: res.locals.correlationId as string, idempotency_key: idempotency ? req.get('x-idempotency-key') ?? req.get('idempotency-key') : null };
      res.status(202).json({ success: true, data, message: 'Notification accepted' });
    },
  });

  api.route({
    method: 'get',
    path: '/notifications/:id/status',
    summary: "Seed 003: a notification's status and attempts, by the id a send answered",
    tag: 'notifications',
    scope: 'notifications:read',
    params: NotificationIdParams,
    responses: { 200: { description: 'Its status and attempts', schema: NotificationSchema }, 404: { description: 'No such notification (yet: reads may lag the primary by the standby bound)' } },
    handle: async ({ params }, res) => {
      const view = notificationJson(await queries.history.notification(params.id));
      res.json({ notification_id: view.id, ...view });
    },
  });
}
