/**
 * What a provider fake keeps of its traffic and whom it tells. Tests read every record, so by
 * default all are kept; a long run (the benchmark's thousands of messages) keeps only the newest
 * and learns of each accepted message from a listener instead.
 */
export class FakeRecords<Accepted> {
  private retain = Number.POSITIVE_INFINITY;
  private readonly listeners: Array<(accepted: Accepted) => void> = [];

  /** Keeps at most the newest `count` entries of each list from now on. */
  retainAtMost(count: number): void {
    this.retain = count;
  }

  /** `listener` hears each message the fake accepts, as it answers it. */
  onAccepted(listener: (accepted: Accepted) => void): void {
    this.listeners.push(listener);
  }

  /** Appends `item`, dropping the oldest entries beyond the retention. */
  keep<T>(list: T[], item: T): void {
    list.push(item);
    if (list.length > this.retain) list.splice(0, list.length - this.retain);
  }

  /** Keeps an accepted message and tells the listeners. */
  accept(list: Accepted[], accepted: Accepted): void {
    this.keep(list, accepted);
    this.tell(accepted);
  }

  /** Tells the listeners of a message accepted (one already kept elsewhere). */
  tell(accepted: Accepted): void {
    for (const listener of this.listeners) listener(accepted);
  }
}
