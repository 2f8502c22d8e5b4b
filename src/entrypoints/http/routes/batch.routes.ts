import type { Api } from '../api.js';
import { SendBatchBody, SendBatchResponse } from '../batch-shapes.js';
import { sendAll, sendEach } from '../batch-sends.js';
import type { HttpDeps } from '../http-deps.js';
import { idempotencyOf } from './idempotency.js';

const MODES = { best_effort: { send: sendEach, status: 207 }, atomic: { send: sendAll, status: 202 } } as const;

export function batchRoutes(api: Api, { bus, callerOf }: HttpDeps): void {
  api.route({
    method: 'post',
    path: '/notifications/batch',
    summary: 'Send up to 100 notifications: each on its own (best_effort) or all or none (atomic)',
    description: [
      'Each item is a send body in either shape, as POST /notifications/send takes it.',
      'best_effort answers 207 whatever the items came to: each item is sent on its own, in its own transaction, one after the other, and `results` holds, in item order, its notification and status or its errors.',
      'atomic answers 202 when every item is recorded, in one transaction; any refused item (its shape, type, variables or recipient) makes it a 422 listing every refused item\'s errors, and nothing is recorded.',
      'Errors name fields from the batch body (`notifications[2].recipient`).',
      'Idempotency-Key: for atomic, the same key and body answer the first response (another body is 422, a request still in flight 409);',
      'for best_effort each item is idempotent on its own (the key and its position), so a batch sent again records no accepted item twice, and an item changed under the same key is refused.',
    ].join(' '),
    tag: 'notifications',
    scope: 'notifications:send',
    body: SendBatchBody,
    responses: {
      202: { description: 'atomic: every item recorded (pending, or suppressed by the user preferences)', schema: SendBatchResponse },
      207: { description: 'best_effort: each item accepted or refused, in item order', schema: SendBatchResponse },
      400: { description: 'No items or more than 100 (naming notifications), a bad delivery_mode, or an unknown field' },
      409: { description: 'atomic: a request with the same Idempotency-Key is in flight' },
      422: { description: 'atomic: refused items, each error named notifications[i].field; nothing recorded. Or the Idempotency-Key used with another body' },
    },
    handle: async ({ body }, res, req) => {
      const mode = MODES[body.delivery_mode];
      const batch = { items: body.notifications, correlationId: res.locals.correlationId as string, idempotency: idempotencyOf(req, callerOf, req.body) };
      res.status(mode.status).json(await mode.send(bus, batch));
    },
  });
}
