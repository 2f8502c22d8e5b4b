/** Who a stream connection belongs to: a user (their feed) or an admin (every notification outcome). */
export type StreamSubscriber = { readonly kind: 'user'; readonly userId: string } | { readonly kind: 'admin' };

/** Whether a stream may open, and for whom; a refusal says why, as an HTTP status and a sentence. */
export type StreamAccess =
  | { readonly granted: true; readonly subscriber: StreamSubscriber }
  | { readonly granted: false; readonly status: 401 | 403; readonly reason: string };

export const ADMIN_STREAM: StreamAccess = { granted: true, subscriber: { kind: 'admin' } };

export function refused(status: 401 | 403, reason: string): StreamAccess {
  return { granted: false, status, reason };
}
