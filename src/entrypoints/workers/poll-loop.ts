import { backoffDelay } from '../../application/backoff.js';

/** A failing tick is tried again after a growing pause, at most this long. */
const MAX_PAUSE_MS = 5_000;

/**
 * A background loop: runs `tick` again at once while it reports more work, else after the poll
 * interval (or sooner when woken); after a failure, after a growing pause. `stop` lets the running
 * tick finish.
 */
export class PollLoop {
  private running = false;
  private done: Promise<void> = Promise.resolve();
  private wake: (() => void) | null = null;
  /** A poke that came while a tick ran: the work it announced may have been missed by that tick. */
  private poked = false;

  constructor(
    private readonly tick: () => Promise<boolean>,
    private readonly pollIntervalMs: number,
    private readonly onError: (error: unknown, consecutiveFailures: number) => void,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.done = this.run();
  }

  /** Cuts the current wait short: new work was just written. */
  poke(): void {
    if (this.wake) this.wake();
    else this.poked = true;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.poke();
    await this.done;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      this.poked = false;
      let more = false;
      try {
        more = await this.tick();
        failures = 0;
      } catch (error) {
        failures += 1;
        // An outage fails every tick: one line when it starts, then one every 20 ticks, not five a second.
        if (failures === 1 || failures % 20 === 0) this.onError(error, failures);
      }
      if (failures > 0) await this.pause(Math.max(this.pollIntervalMs, backoffDelay(failures, { initialMs: this.pollIntervalMs, maxMs: MAX_PAUSE_MS })));
      else if (!more && !this.poked && this.running) await this.pause(this.pollIntervalMs);
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.wake = finish;
    });
  }
}
