/**
 * Who a stream connection belongs to: a user (their feed) or an admin (every notification
 * outcome). An admin stream remembers the id of the API key that opened it (directly, or by
 * issuing its ticket): its streams are capped and closed when the key is revoked.
 */
export type StreamSubscriber = { readonly kind: 'user'; readonly userId: string } | { readonly kind: 'admin'; readonly keyId: string };

/** Whether a stream may open, and for whom; a refusal says why, as an HTTP status and a sentence. */
export type StreamAccess =
  | { readonly granted: true; readonly subscriber: StreamSubscriber }
  | { readonly granted: false; readonly status: 401 | 403; readonly reason: string };

export function adminStream(keyId: string): StreamAccess {
  return { granted: true, subscriber: { kind: 'admin', keyId } };
}

export function refused(status: 401 | 403, reason: string): StreamAccess {
  return { granted: false, status, reason };
}

/** What WS_MAX_STREAMS_PER_SUBJECT counts streams by: one user, or one API key. */
export function streamSubject(subscriber: StreamSubscriber): string {
  return subscriber.kind === 'user' ? `user:${subscriber.userId}` : `key:${subscriber.keyId}`;
}
