import { NOTIFICATION_STATUSES } from '../../domain/notification-status.js';
import { z } from './zod.js';

export const DELIVERY_MODES = ['best_effort', 'atomic'] as const;
export type DeliveryMode = (typeof DELIVERY_MODES)[number];

/** A batch's bound: its items are checked and recorded within one request. */
export const MAX_BATCH_ITEMS = 100;

/** Items are parsed one by one (SendBody), so a malformed item is refused on its own, not as a 400. */
export const SendBatchBody = z
  .strictObject({
    delivery_mode: z.enum(DELIVERY_MODES).openapi({ description: 'best_effort: each item accepted or refused on its own; atomic: all recorded, or none' }),
    notifications: z
      .array(z.unknown().openapi({ description: "A send body in either shape, as POST /notifications/send takes it (SendNotificationEitherShape)" }))
      .min(1, 'give at least one send')
      .max(MAX_BATCH_ITEMS, `at most ${MAX_BATCH_ITEMS} sends in one batch`),
  })
  .openapi('SendBatch');

const FieldErrors = z.array(z.object({ field: z.string(), message: z.string() }));

export type ItemResult =
  | { readonly index: number; readonly notification_id: string; readonly status: (typeof NOTIFICATION_STATUSES)[number]; readonly notification_ids: string[] }
  | { readonly index: number; readonly errors: z.output<typeof FieldErrors> };

export const SendBatchResponse = z
  .object({
    delivery_mode: z.enum(DELIVERY_MODES),
    accepted: z.number().int(),
    rejected: z.number().int(),
    notification_ids: z.array(z.uuid()).openapi({ description: "The accepted items' notifications, in item order (a routed item's, one per channel)" }),
    results: z
      .array(
        z.union([
          z.object({ index: z.number().int(), notification_id: z.uuid(), status: z.enum(NOTIFICATION_STATUSES), notification_ids: z.array(z.uuid()) }),
          z.object({ index: z.number().int(), errors: FieldErrors.openapi({ description: 'Named from the batch body: notifications[i].field' }) }),
        ]),
      )
      .openapi({ description: 'One per item, in item order' }),
  })
  .openapi('SendBatchResult');

export type SendBatchAnswer = z.output<typeof SendBatchResponse>;

/** The answer for the items' results, in item order. */
export function batchAnswer(mode: DeliveryMode, results: readonly ItemResult[]): SendBatchAnswer {
  const accepted = results.filter((result) => 'notification_id' in result);
  const ids = accepted.flatMap((result) => result.notification_ids);
  return { delivery_mode: mode, accepted: accepted.length, rejected: results.length - accepted.length, notification_ids: ids, results: [...results] };
}
