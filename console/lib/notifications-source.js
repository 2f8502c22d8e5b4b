import { api, query } from './api.js';
import { hasRoute } from './capabilities.js';

/**
 * A page of notifications from GET /notifications (filters, newest first, cursor pages). A
 * service without that route (it came with issue 14) still answers a search by user id alone,
 * from GET /notifications/history/{userid}.
 */
export async function notificationsPage(filters, cursor) {
  const onlyUser = filters.userid && Object.values(filters).filter(Boolean).length === 1;
  if (onlyUser && !(await hasRoute('get', '/notifications'))) {
    const page = await api('GET', `/notifications/history/${encodeURIComponent(filters.userid)}${query({ limit: 25, cursor })}`);
    return { items: page.notifications, next_cursor: page.next_cursor };
  }
  return api('GET', `/notifications${query({ ...filters, page_size: 25, cursor })}`);
}

/** One notification with everything known: GET /notifications/{id}, or its status view on a service without it. */
export async function notificationDetail(id) {
  const path = (await hasRoute('get', '/notifications/{id}')) ? '' : '/status';
  return api('GET', `/notifications/${encodeURIComponent(id)}${path}`);
}
