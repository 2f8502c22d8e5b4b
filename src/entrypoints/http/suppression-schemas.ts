import { SUPPRESSIONS_DEFAULT_SIZE, SUPPRESSIONS_MAX_SIZE } from '../../application/queries/suppressions.query.js';
import { CHANNELS } from '../../domain/notification-type.js';
import { SUPPRESSED_ADDRESS_REASONS, type Suppression } from '../../domain/suppression.js';
import { z } from './zod.js';

export const SuppressionListQuery = z.strictObject({
  channel: z.enum(CHANNELS).optional(),
  address: z.string().max(4096).optional().openapi({ description: "Exact address; with channel, read in that channel's form (an email's domain in any case, E.164 for sms)" }),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  size: z.coerce.number().int().min(1).max(SUPPRESSIONS_MAX_SIZE).default(SUPPRESSIONS_DEFAULT_SIZE),
});

export const SuppressionIdParams = z.strictObject({ id: z.uuid() });

const SuppressionSchema = z
  .object({
    id: z.uuid(),
    channel: z.enum(CHANNELS),
    address: z.string(),
    reason: z.enum(SUPPRESSED_ADDRESS_REASONS).openapi({ description: 'opted_out: SMS STOP; bounced and complained: email feedback; manual: an admin' }),
    source: z.string().openapi({ description: 'What added it' }),
    created_at: z.iso.datetime(),
  })
  .openapi('Suppression');

export const SuppressionPageResponse = z
  .object({ suppressions: z.array(SuppressionSchema), page: z.number().int(), size: z.number().int(), total: z.number().int() })
  .openapi('Suppressions');

export function suppressionJson(s: Suppression) {
  return { id: s.id, channel: s.channel, address: s.address, reason: s.reason, source: s.source, created_at: s.createdAt.toISOString() };
}
