import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FeedTokens } from '../../application/ports/stream-access.js';

/** A user's stream token as their backend computes it: lowercase hex of HMAC-SHA256(secret, userid). */
export function feedToken(secret: string, userId: string): string {
  return createHmac('sha256', secret).update(userId, 'utf8').digest('hex');
}

/** FEED_SIGNING_SECRET's tokens, compared in constant time. */
export class HmacFeedTokens implements FeedTokens {
  constructor(private readonly secret: string) {}

  matches(userId: string, token: string): boolean {
    const expected = Buffer.from(feedToken(this.secret, userId), 'utf8');
    const presented = Buffer.from(token, 'utf8');
    return presented.length === expected.length && timingSafeEqual(presented, expected);
  }
}
