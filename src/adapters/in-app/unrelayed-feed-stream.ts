import type { FeedStream, FeedStreamMessage } from '../../application/ports/feed-stream.js';
import type { Logger } from '../observability/logger.js';

/**
 * A feed stream that relays nothing: it logs each message at debug. A stand-in until the broker
 * relay to the WebSocket connections (issue 13's /ws) is bound in its place, in
 * src/entrypoints/composition/feed.factories.ts.
 */
export class UnrelayedFeedStream implements FeedStream {
  constructor(private readonly logger: Logger) {}

  async publish(message: FeedStreamMessage): Promise<void> {
    this.logger.debug({ feed_stream: message.kind, userid: message.userId, counts: message.counts }, 'feed change not relayed (no stream bound)');
  }
}
