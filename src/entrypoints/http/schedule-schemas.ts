import { z } from 'zod';
import type { ScheduleView } from '../../application/ports/read-models.js';
import { sendOf } from '../../application/scheduling/scheduled-request.js';
import { SCHEDULE_STATUSES } from '../../domain/schedule.js';
import type { SendFields } from '../../domain/commands.js';
import { SendBody } from './send-shapes.js';

const ScheduleOptions = z.strictObject({
  send_at: z.string().max(64).openapi({ description: 'ISO-8601 with an offset, or a local date-time read in timezone', example: '2026-12-24T09:00:00' }),
  timezone: z.string().max(64).optional().openapi({ description: 'IANA time zone, e.g. Europe/Berlin (UTC when absent)' }),
  recurrence: z.string().max(120).optional().openapi({ description: 'Cron expression (5 fields) evaluated in timezone, DST-correct' }),
});

export type ScheduleRequestBody = { readonly send: SendFields; readonly options: z.output<typeof ScheduleOptions> };

/** `POST /notifications/schedule`: a send body in either shape, flat, plus send_at, timezone and recurrence. */
export const ScheduleBody = z
  .looseObject({})
  .transform((raw, ctx): ScheduleRequestBody => {
    const { send_at, timezone, recurrence, ...send } = raw;
    const options = ScheduleOptions.safeParse({ send_at, timezone, recurrence });
    const fields = SendBody.safeParse(send);
    for (const result of [options, fields]) if (!result.success) ctx.issues.push(...result.error.issues.map((issue) => ({ ...issue, input: undefined })));
    if (!options.success || !fields.success) return z.NEVER;
    return { send: fields.data, options: options.data };
  })
  .openapi('ScheduleNotification', { description: 'A send body in either shape (see SendNotificationEitherShape) plus send_at, timezone and recurrence' });

export const ScheduleListQuery = z.strictObject({
  status: z.enum(SCHEDULE_STATUSES).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  size: z.coerce.number().int().min(1).max(100).default(20),
});

export const ScheduleIdParams = z.strictObject({ id: z.uuid() });

/** What a schedule shows: its timing and what it sends, not the variables (they may hold one-time tokens). */
export function scheduleJson(s: ScheduleView) {
  const send = sendOf(s.request);
  return {
    schedule_id: s.id,
    status: s.status,
    next_fire_at: s.nextFireAt?.toISOString() ?? null,
    timezone: s.timeZone,
    recurrence: s.recurrence,
    fired_count: s.firedCount,
    last_fired_at: s.lastFiredAt?.toISOString() ?? null,
    notification_type: send.notificationType,
    channel: send.channel,
    recipient: send.recipient,
    userid: send.userId,
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
  };
}
