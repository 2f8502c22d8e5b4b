/**
 * Lets a repeated warning through at most once per interval (a minute by default), so an outage
 * that fails every request writes one line a minute, not one per request; each line says how
 * many were held back since the last.
 */
export class LogThrottle {
  private lastAt = Number.NEGATIVE_INFINITY;
  private held = 0;

  constructor(
    private readonly intervalMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Null: hold this one back. Otherwise log it, with the number held back since the last one let through. */
  pass(): number | null {
    const now = this.now();
    if (now - this.lastAt < this.intervalMs) {
      this.held += 1;
      return null;
    }
    this.lastAt = now;
    const held = this.held;
    this.held = 0;
    return held;
  }
}
