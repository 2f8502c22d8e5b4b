import type { Api } from '../api.js';
import type { HttpDeps } from '../http-deps.js';
import { NotificationDetailResponse, NotificationListResponse, NotificationSearchParams, detailJson, listJson, searchRequestOf } from '../notification-search-schemas.js';
import { z } from '../zod.js';

/** Seed 000's paths serve the same as ours. */
const PREFIXES = ['', '/api/v1'] as const;

// Any text: an id that cannot be a notification's is as unknown as one that is not (404, not 400).
const AnyIdParams = z.strictObject({ id: z.string() });

/** Finding notifications (ADR 23), answered from the standby. */
export function notificationSearchRoutes(api: Api, { queries }: HttpDeps): void {
  for (const prefix of PREFIXES) {
    api.route({
      method: 'get',
      path: `${prefix}/notifications`,
      summary: 'Notifications, newest first, by user, recipient, status, type, channel, order and creation time',
      description: 'Numbered pages (page, page_size) or a cursor (next_cursor), not both. Reads may lag the primary by the standby bound.',
      tag: 'notifications',
      scope: 'notifications:read',
      query: NotificationSearchParams,
      responses: { 200: { description: 'One page', schema: NotificationListResponse } },
      handle: async ({ query }, res) => void res.json(listJson(await queries.notifications.search(searchRequestOf(query)))),
    });

    api.route({
      method: 'get',
      path: `${prefix}/notifications/:id`,
      summary: 'One notification with everything known: attempts, rendered content, links to its retry and fallbacks, events published',
      tag: 'notifications',
      scope: 'notifications:read',
      params: AnyIdParams,
      responses: { 200: { description: 'The notification', schema: NotificationDetailResponse }, 404: { description: 'No such notification (yet: reads may lag the primary by the standby bound)' } },
      handle: async ({ params }, res) => void res.json(detailJson(await queries.notifications.detail(params.id))),
    });
  }
}
