import type { Clock } from '../ports/clock.js';

/** How many users are remembered at most; past it the oldest writes are forgotten first. */
const CAPACITY = 10_000;

/**
 * The users whose feed this instance changed lately (read-your-writes, ADR 21): their feed is read
 * from the primary for `windowMs` after the change, long enough for the standby to have replayed it.
 * In memory: another instance, or this one past its capacity, reads from the standby, stale at
 * worst by the read router's lag bound.
 */
export class RecentFeedWrites {
  /** By user: until when their reads go to the primary. Insertion order is write order. */
  private readonly until = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly windowMs: number,
  ) {}

  wrote(userId: string): void {
    this.until.delete(userId);
    this.until.set(userId, this.clock.now().getTime() + this.windowMs);
    const oldest = this.until.keys().next();
    if (this.until.size > CAPACITY && !oldest.done) this.until.delete(oldest.value);
  }

  /** Whether the user's reads must see this instance's latest writes. */
  wroteLately(userId: string): boolean {
    const until = this.until.get(userId);
    if (until === undefined) return false;
    if (until > this.clock.now().getTime()) return true;
    this.until.delete(userId);
    return false;
  }
}
