import type { Api } from '../api.js';
import type { HttpDeps } from '../http-deps.js';
import { Problem } from '../problem.js';
import { parse } from '../validation.js';
import { z } from '../zod.js';

/** Twilio's final message statuses, as the receipt records them; the others (queued, sent, ...) change nothing. */
const RECEIPTS: ReadonlyMap<string, 'delivered' | 'undelivered'> = new Map([
  ['delivered', 'delivered'],
  ['undelivered', 'undelivered'],
  ['failed', 'undelivered'],
]);

/** Any form: the signature is checked before a field is looked at, so an unsigned caller learns nothing of the fields. */
const SignedForm = z
  .record(z.string(), z.union([z.string(), z.array(z.string())]))
  .openapi('TwilioStatusCallback', { description: 'The form Twilio posts to a StatusCallback URL: MessageSid, MessageStatus, ErrorCode (its other fields are signed and ignored)' });

const TwilioStatusCallback = z.looseObject({
  MessageSid: z.string().regex(/^[A-Z]{2}[0-9a-f]{32}$/, 'must be a Twilio message sid'),
  MessageStatus: z.string().max(32),
  ErrorCode: z.string().max(16).optional(),
});

/** Callbacks from providers, authenticated by the provider's own signature instead of an API key. */
export function providerRoutes(api: Api, { bus, smsStatusSignature, logger }: HttpDeps): void {
  api.route({
    method: 'post',
    path: '/providers/sms/status',
    summary: "Twilio's status callback: a delivered or undelivered receipt on the SMS it names (never a second outcome)",
    description: 'Verified by X-Twilio-Signature against SMS_STATUS_CALLBACK_URL; 404 while that is not set.',
    tag: 'providers',
    form: true,
    body: SignedForm,
    responses: { 204: { description: 'Taken (recorded, or a status that records nothing)' }, 403: { description: 'X-Twilio-Signature does not match' }, 404: { description: 'SMS status callbacks are not configured' } },
    handle: async ({ body: form }, res, req) => {
      if (!smsStatusSignature) throw new Problem(404, 'Not found', 'SMS status callbacks are not configured (SMS_STATUS_CALLBACK_URL)');
      if (!smsStatusSignature(form, req.get('x-twilio-signature'))) throw new Problem(403, 'Forbidden', 'X-Twilio-Signature does not match this request');
      const body = parse(TwilioStatusCallback, form, 'body');
      const status = RECEIPTS.get(body.MessageStatus);
      if (!status) return void res.status(204).end();
      const recorded = await bus.handle({ type: 'RecordDeliveryReceipt', channel: 'sms', providerMessageId: body.MessageSid, status, errorCode: body.ErrorCode ?? null });
      // Twilio does not post a callback twice: a receipt for a message we do not know is said here.
      if (recorded.outcome === 'unknown') logger.warn({ message_sid: body.MessageSid, status }, 'a delivery receipt for no sent notification of ours was dropped');
      res.status(204).end();
    },
  });
}
