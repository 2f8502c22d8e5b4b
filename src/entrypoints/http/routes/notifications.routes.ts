import { apiKeyIdOf } from '../auth.js';
import type { Api } from '../api.js';
import type { HttpDeps } from '../http-deps.js';
import { idempotencyOf } from './idempotency.js';
import { idsOf } from '../batch-sends.js';
import { NotificationIdParams, RetryResponse, SendResponse } from '../schemas.js';
import { SendBody } from '../send-shapes.js';

export function notificationRoutes(api: Api, { bus, callerOf }: HttpDeps): void {
  api.route({
    method: 'post',
    path: '/notifications/send',
    summary: 'Send one notification (accepted for delivery); Idempotency-Key makes retries safe',
    tag: 'notifications',
    scope: 'notifications:send',
    body: SendBody,
    responses: {
      202: { description: 'Accepted: pending, scheduled (quiet hours), or suppressed with why', schema: SendResponse },
      409: { description: 'A request with the same Idempotency-Key is in flight' },
      422: { description: 'The Idempotency-Key was used with another body' },
    },
    handle: async ({ body }, res, req) => {
      const result = await bus.handle({
        type: 'SendNotification',
        ...body,
        correlationId: res.locals.correlationId as string,
        idempotency: idempotencyOf(req, callerOf, req.body),
      });
      res.status(202).json({ notification_id: result.notificationId, status: result.status, notification_ids: idsOf(result) });
    },
  });

  // Seed 000's path serves the same.
  for (const path of ['/notifications/:id/retry', '/api/v1/notifications/retry/:id']) {
    api.route({
      method: 'post',
      path,
      summary: 'Retry a failed notification: a new notification linked to it by retry_of',
      tag: 'notifications',
      scope: 'admin',
      params: NotificationIdParams,
      responses: {
        202: { description: 'A new notification, pending', schema: RetryResponse },
        404: { description: 'No such notification' },
        409: { description: 'The notification is not failed, was already retried, or its one-time secrets were erased' },
      },
      handle: async ({ params }, res) => {
        const result = await bus.handle({ type: 'RetryNotification', notificationId: params.id, actor: apiKeyIdOf(res) });
        res.status(202).json({ notification_id: result.notificationId, retry_of: result.retryOf, status: result.status, fallbacks: result.fallbacks });
      },
    });
  }
}
