import { api, query } from './api.js';

/** A page of notifications from GET /notifications (filters, newest first, cursor pages). */
export function notificationsPage(filters, cursor) {
  return api('GET', `/notifications${query({ ...filters, page_size: 25, cursor })}`);
}

// Reads come from a standby that may lag (docs/adr/0023-finding-notifications.md): what this tab
// retried is remembered, so that a view read before the standby caught up still shows it.
const retries = new Map();
const createdAt = new Map();
const FRESH_MS = 10_000;

/** Remembers the answer of POST /notifications/{id}/retry: `id` was retried as `retry.notification_id`. */
export function rememberRetry(id, retry) {
  retries.set(id, retry.notification_id);
  createdAt.set(retry.notification_id, Date.now());
}

/** The notification this tab retried `id` as, or undefined. */
export const retriedAs = (id) => retries.get(id);

/**
 * One notification with everything known: GET /notifications/{id}. A notification this tab created
 * less than 10 s ago may not be on the standby yet: its 404 is asked again, every half second.
 */
export async function notificationDetail(id) {
  for (;;) {
    try {
      return await api('GET', `/notifications/${encodeURIComponent(id)}`);
    } catch (error) {
      if (error.status !== 404 || !(Date.now() - (createdAt.get(id) ?? 0) < FRESH_MS)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
