import { api, query } from './api.js';

/** A page of notifications from GET /notifications (filters, newest first, cursor pages). */
export function notificationsPage(filters, cursor) {
  return api('GET', `/notifications${query({ ...filters, page_size: 25, cursor })}`);
}

/** One notification with everything known: GET /notifications/{id}. */
export function notificationDetail(id) {
  return api('GET', `/notifications/${encodeURIComponent(id)}`);
}
