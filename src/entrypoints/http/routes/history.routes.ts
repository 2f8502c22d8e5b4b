import type { Api } from '../api.js';
import type { HttpDeps } from '../http-deps.js';
import { notificationJson } from '../presenters.js';
import { HistoryQuery, HistoryResponse, UserIdParams } from '../schemas.js';

export function historyRoutes(api: Api, { queries }: HttpDeps): void {
  api.route({
    method: 'get',
    path: '/notifications/history/:userid',
    summary: "A user's notifications, newest first, with attempts and suppression reasons",
    tag: 'history',
    scope: 'notifications:read',
    params: UserIdParams,
    query: HistoryQuery,
    responses: { 200: { description: 'One page', schema: HistoryResponse } },
    handle: async ({ params, query }, res) => {
      const page = await queries.history.ofUser(params.userid, query.limit, query.cursor ?? null);
      res.json({ notifications: page.notifications.map(notificationJson), next_cursor: page.nextCursor });
    },
  });
}
