import { InvalidValueError } from '../../domain/errors.js';
import { UserId } from '../../domain/user-id.js';
import type { FeedTokens } from '../ports/stream-access.js';
import { type StreamAccess, refused } from './stream-subscriber.js';

const TOKEN = /^[0-9a-f]{64}$/;

/**
 * A user's stream opens with their id and its token. Without FEED_SIGNING_SECRET (`tokens` null)
 * no token can be right: user streams are refused as forbidden, saying so, rather than as a bad
 * token the caller would look for in vain.
 */
export function userStreamAccess(tokens: FeedTokens | null, userid: string | null, token: string | null): StreamAccess {
  if (!tokens) return refused(403, 'User streams are disabled: the service has no FEED_SIGNING_SECRET');
  if (userid === null || token === null) return refused(401, 'A user stream needs userid and token (hex HMAC-SHA256 of the user id)');
  let userId: string;
  try {
    userId = UserId.of(userid).value;
  } catch (error) {
    if (error instanceof InvalidValueError) return refused(401, `userid ${error.reason}`);
    throw error;
  }
  if (!TOKEN.test(token) || !tokens.matches(userId, token)) return refused(401, 'The token does not match the userid');
  return { granted: true, subscriber: { kind: 'user', userId } };
}
