/**
 * A background loop: runs `tick` again at once while it reports more work, else after the poll
 * interval (or sooner when woken). `stop` lets the running tick finish.
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
    private readonly onError: (error: unknown) => void,
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
    while (this.running) {
      this.poked = false;
      let more = false;
      try {
        more = await this.tick();
      } catch (error) {
        this.onError(error);
      }
      if (!more && !this.poked && this.running) await this.pause();
    }
  }

  private pause(): Promise<void> {
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(finish, this.pollIntervalMs);
      this.wake = finish;
    });
  }
}
