import type { IncomingHttpHeaders } from 'node:http';
import type { FeedTokens } from '../../application/ports/stream-access.js';
import { ADMIN_STREAM, type StreamAccess, refused } from '../../application/realtime/stream-subscriber.js';
import { userStreamAccess } from '../../application/realtime/user-stream-access.js';
import { scopeProblem } from '../http/auth.js';
import type { ApiKeyAuthenticator } from '../services.js';

export interface StreamAccessDeps {
  readonly authenticator: ApiKeyAuthenticator;
  readonly tickets: { redeem(ticket: string): Promise<boolean> };
  /** Null without FEED_SIGNING_SECRET. */
  readonly feedTokens: FeedTokens | null;
}

export interface UpgradeCredentials {
  readonly headers: IncomingHttpHeaders;
  readonly query: URLSearchParams;
}

/**
 * Who may open a stream, read from the upgrade request: an API key with `notifications:read` in
 * the Authorization header, or a ticket from `POST /ws/tickets`, opens the admin stream; a user id
 * with its token opens that user's. An API key is never read from the URL.
 */
export async function streamAccess(deps: StreamAccessDeps, { headers, query }: UpgradeCredentials): Promise<StreamAccess> {
  if (headers.authorization !== undefined) {
    const problem = await scopeProblem(deps.authenticator, headers.authorization, 'notifications:read');
    return problem ? refused(problem.status === 403 ? 403 : 401, problem.detail) : ADMIN_STREAM;
  }
  const ticket = query.get('ticket');
  if (ticket !== null) {
    return (await deps.tickets.redeem(ticket)) ? ADMIN_STREAM : refused(401, 'The ticket is unknown, used or expired: POST /ws/tickets gives another');
  }
  return userStreamAccess(deps.feedTokens, query.get('userid'), query.get('token'));
}
