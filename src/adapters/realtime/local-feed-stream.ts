import type { FeedStream, FeedStreamMessage } from '../../application/ports/feed-stream.js';
import type { StreamFanOut } from './stream-fan-out.js';
import { feedFrame } from './stream-frames.js';

/** Without a broker there is one instance to tell: feed changes go straight to its own streams. */
export class LocalFeedStream implements FeedStream {
  constructor(private readonly fanOut: StreamFanOut) {}

  async publish(message: FeedStreamMessage): Promise<void> {
    this.fanOut.toUser(message.userId, () => Buffer.from(feedFrame(message)));
  }

  reaches(userId: string): boolean {
    return this.fanOut.hasUser(userId);
  }
}
