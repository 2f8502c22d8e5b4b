import { AggregateRoot } from './aggregate-root.js';
import type { UserId } from './user-id.js';

/**
 * A user's feed as a whole, for the changes that touch many of its items at once (read all, mark
 * seen). Its items are never loaded for them: the store changes them in one statement and answers
 * how many it changed; the feed raises FeedChanged when any did, so the user's open connections
 * are told after the commit, as for a change of one item.
 */
export class Feed extends AggregateRoot {
  constructor(readonly userId: UserId) {
    super();
  }

  /** Records how many items a bulk change touched; answers that number. */
  changed(items: number): number {
    if (items > 0) this.raise({ type: 'FeedChanged', userId: this.userId.value });
    return items;
  }
}
