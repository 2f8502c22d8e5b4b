import type { IncomingHttpHeaders } from 'node:http';
import type { FeedTokens } from '../../application/ports/stream-access.js';
import { type StreamAccess, adminStream, refused } from '../../application/realtime/stream-subscriber.js';
import { userStreamAccess } from '../../application/realtime/user-stream-access.js';
import { keyWithScope } from '../http/auth.js';
import type { ApiKeyAuthenticator } from '../services.js';

export interface StreamAccessDeps {
  readonly authenticator: ApiKeyAuthenticator;
  /** Answers the id of the key that issued the ticket, once; null for any other string. */
  readonly tickets: { redeem(ticket: string): Promise<string | null> };
  /** Null without FEED_SIGNING_SECRET. */
  readonly feedTokens: FeedTokens | null;
}

export interface UpgradeCredentials {
  readonly headers: IncomingHttpHeaders;
  readonly query: URLSearchParams;
}

/**
 * Who may open a stream, read from the upgrade request: an API key with `notifications:read` in
 * the Authorization header, or a ticket from `POST /ws/tickets`, opens the admin stream on behalf
 * of that key; a user id with its token opens that user's. An API key is never read from the URL.
 */
export async function streamAccess(deps: StreamAccessDeps, { headers, query }: UpgradeCredentials): Promise<StreamAccess> {
  if (headers.authorization !== undefined) {
    const checked = await keyWithScope(deps.authenticator, headers.authorization, 'notifications:read');
    if ('problem' in checked) return refused(checked.problem.status === 403 ? 403 : 401, checked.problem.detail);
    return adminStream(checked.key.id);
  }
  const ticket = query.get('ticket');
  if (ticket !== null) {
    const keyId = await deps.tickets.redeem(ticket);
    return keyId !== null ? adminStream(keyId) : refused(401, 'The ticket is unknown, used or expired: POST /ws/tickets gives another');
  }
  return userStreamAccess(deps.feedTokens, query.get('userid'), query.get('token'));
}
