import type { Api } from '../api.js';
import type { HttpDeps } from '../http-deps.js';
import { Problem } from '../problem.js';
import { z } from '../zod.js';

/** Twilio's final message statuses, as the receipt records them; the others (queued, sent, ...) change nothing. */
const RECEIPTS: ReadonlyMap<string, 'delivered' | 'undelivered'> = new Map([
  ['delivered', 'delivered'],
  ['undelivered', 'undelivered'],
  ['failed', 'undelivered'],
]);

const TwilioStatusCallback = z
  .looseObject({
    MessageSid: z.string().regex(/^[A-Z]{2}[0-9a-f]{32}$/, 'must be a Twilio message sid'),
    MessageStatus: z.string().max(32),
    ErrorCode: z.string().max(16).optional(),
  })
  .openapi('TwilioStatusCallback', { description: 'The form Twilio posts to a StatusCallback URL (its other fields are signed and ignored)' });

/** Callbacks from providers, authenticated by the provider's own signature instead of an API key. */
export function providerRoutes(api: Api, { bus, smsStatusSignature }: HttpDeps): void {
  api.route({
    method: 'post',
    path: '/providers/sms/status',
    summary: "Twilio's status callback: a delivered or undelivered receipt on the SMS it names (never a second outcome)",
    description: 'Verified by X-Twilio-Signature against SMS_STATUS_CALLBACK_URL; 404 while that is not set.',
    tag: 'providers',
    form: true,
    body: TwilioStatusCallback,
    responses: { 204: { description: 'Taken (recorded, or a status that records nothing)' }, 403: { description: 'X-Twilio-Signature does not match' }, 404: { description: 'SMS status callbacks are not configured' } },
    handle: async ({ body }, res, req) => {
      if (!smsStatusSignature) throw new Problem(404, 'Not found', 'SMS status callbacks are not configured (SMS_STATUS_CALLBACK_URL)');
      if (!smsStatusSignature(req.body as Record<string, string>, req.get('x-twilio-signature'))) throw new Problem(403, 'Forbidden', 'X-Twilio-Signature does not match this request');
      const status = RECEIPTS.get(body.MessageStatus);
      if (status) await bus.handle({ type: 'RecordDeliveryReceipt', channel: 'sms', providerMessageId: body.MessageSid, status, errorCode: body.ErrorCode ?? null });
      res.status(204).end();
    },
  });
}
