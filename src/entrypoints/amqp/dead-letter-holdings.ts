/** What the mover holds now: messages whose store failed and waits to be tried again (docs/adr/0024-dead-letters-as-rows.md). */
export interface HeldDeadLetters {
  readonly held: number;
  /** Seconds the oldest has been held; null when none is. */
  readonly oldest_held_seconds: number | null;
}

/** The mover's held messages, for /broker/health: a store that keeps failing shows before the queue grows. */
export class DeadLetterHoldings {
  private readonly since = new Map<object, number>();

  constructor(private readonly now: () => number = Date.now) {}

  hold(message: object): void {
    if (!this.since.has(message)) this.since.set(message, this.now());
  }

  release(message: object): void {
    this.since.delete(message);
  }

  get snapshot(): HeldDeadLetters {
    const oldest = Math.min(...this.since.values());
    return { held: this.since.size, oldest_held_seconds: this.since.size === 0 ? null : Math.floor((this.now() - oldest) / 1000) };
  }
}
