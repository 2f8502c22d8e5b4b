import type { Api } from '../api.js';
import type { HttpDeps } from '../http-deps.js';
import { idempotencyOf } from './idempotency.js';
import { ScheduleBody, ScheduleIdParams, ScheduleListQuery, scheduleJson } from '../schedule-schemas.js';

/** Seed 003's scheduled and recurring sends. */
export function scheduleRoutes(api: Api, { schedules, queries, callerOf }: HttpDeps): void {
  api.route({
    method: 'post',
    path: '/notifications/schedule',
    summary: 'Schedule a send at send_at (in timezone), optionally recurring (cron); each occurrence fires once',
    tag: 'schedules',
    scope: 'notifications:send',
    body: ScheduleBody,
    responses: { 201: { description: 'Scheduled' }, 422: { description: 'Variables that do not fit the template' } },
    handle: async ({ body: { send, options } }, res, req) => {
      const when = { sendAt: options.send_at, timeZone: options.timezone ?? null, recurrence: options.recurrence ?? null };
      const created = await schedules.schedule({ request: send, ...when, idempotency: idempotencyOf(req, callerOf, req.body) });
      res.status(201).json(scheduleJson(created));
    },
  });

  api.route({
    method: 'get',
    path: '/schedules',
    summary: 'Schedules, newest first, by status',
    tag: 'schedules',
    scope: 'notifications:read',
    query: ScheduleListQuery,
    responses: { 200: { description: 'One page' } },
    handle: async ({ query }, res) => {
      const found = await queries.schedules.list({ status: query.status ?? null }, query.page, query.size);
      res.json({ schedules: found.schedules.map(scheduleJson), page: query.page, size: query.size, total: found.total });
    },
  });

  api.route({
    method: 'get',
    path: '/schedules/:id',
    summary: 'One schedule',
    tag: 'schedules',
    scope: 'notifications:read',
    params: ScheduleIdParams,
    responses: { 200: { description: 'The schedule' }, 404: { description: 'No such schedule' } },
    handle: async ({ params }, res) => void res.json(scheduleJson(await queries.schedules.one(params.id))),
  });

  api.route({
    method: 'delete',
    path: '/schedules/:id',
    summary: 'Cancel a schedule: no occurrence fires after this',
    tag: 'schedules',
    scope: 'notifications:send',
    params: ScheduleIdParams,
    responses: { 200: { description: 'Cancelled' }, 404: { description: 'No such schedule' }, 409: { description: 'Already cancelled or completed' } },
    handle: async ({ params }, res) => void res.json(scheduleJson(await schedules.cancel(params.id))),
  });
}
