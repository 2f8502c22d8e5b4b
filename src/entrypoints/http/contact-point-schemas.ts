import { DeviceTokens, MAX_PUSH_TOKENS } from '../../domain/device-tokens.js';
import { PhoneNumber } from '../../domain/phone-number.js';
import { WebhookUrl } from '../../domain/webhook-url.js';
import { checkedBy } from './checked-by.js';
import { z } from './zod.js';

const PhoneNumberSchema = z
  .string()
  .superRefine(checkedBy((v) => PhoneNumber.of(v)))
  .openapi({ description: 'E.164: + and 2 to 15 digits', example: '+15551234567' });

const PushTokensSchema = z
  .array(z.string().superRefine(checkedBy((v) => DeviceTokens.token(v))))
  .max(MAX_PUSH_TOKENS, { error: (issue) => `must hold at most ${MAX_PUSH_TOKENS} tokens, got ${(issue.input as unknown[]).length}` })
  .openapi({ description: `Device tokens (FCM registration tokens), at most ${MAX_PUSH_TOKENS}; repeats are dropped` });

const WebhookUrlSchema = z
  .string()
  .superRefine(checkedBy((v) => WebhookUrl.of(v)))
  .openapi({ description: 'http(s), no credentials, at most 2,048 characters; set on a profile without one, the answer holds its webhook_secret', example: 'https://example.com/hooks/notifications' });

const KEPT = 'PUT: absent keeps the stored value, null clears it. POST: absent or null, none.';

/** The contact points a preferences body may carry; all optional, so seed-002 bodies stay valid. */
export const ContactPointsInput = {
  phone_number: PhoneNumberSchema.nullable().optional().openapi({ description: `E.164 number for SMS. ${KEPT}` }),
  push_tokens: PushTokensSchema.nullable().optional().openapi({ description: `Device tokens for push, at most ${MAX_PUSH_TOKENS}. ${KEPT}` }),
  webhook_url: WebhookUrlSchema.nullable().optional().openapi({ description: `The user's own webhook endpoint. ${KEPT}` }),
};

/** A body's contact points as a command takes them (absent stays absent). */
export function contactPointsOf(body: { phone_number?: string | null; push_tokens?: string[] | null; webhook_url?: string | null }) {
  return { phoneNumber: body.phone_number, pushTokens: body.push_tokens, webhookUrl: body.webhook_url };
}

/** What every preferences answer shows of the contact points: never a secret. */
export const ContactPointsOutput = {
  phone_number: z.string().nullable(),
  push_tokens: z.array(z.string()),
  webhook_url: z.string().nullable(),
  webhook_disabled_at: z.iso.datetime().nullable().openapi({ description: 'Set while the endpoint is disabled (it answered 410 Gone); setting webhook_url again enables it' }),
};

export const WebhookSecretOutput = {
  webhook_secret: z.string().optional().openapi({
    description: 'Only in the answer to the write that set webhook_url on a profile without an endpoint: its signing secret (whsec_...), shown this once',
  }),
};

export const RotatedWebhookSecretResponse = z
  .object({
    userid: z.string(),
    webhook_url: z.string(),
    webhook_secret: z.string().openapi({ description: 'The new signing secret, shown this once' }),
    previous_expires_at: z.iso.datetime().openapi({ description: 'Until then the previous secret signs too (webhook-signature holds both)' }),
  })
  .openapi('RotatedWebhookSecret');
