import type { Retention } from '../../application/retention/retention.js';
import type { Logger } from '../../adapters/observability/logger.js';
import type { ServiceMetrics } from '../../adapters/observability/metrics.js';
import { PollLoop } from './poll-loop.js';

/** Runs retention every `intervalMs`, in the background: a failed run is logged and tried at the next. */
export class RetentionWorker {
  private readonly loop: PollLoop;
  private stopping = false;

  constructor(
    private readonly retention: Retention,
    intervalMs: number,
    private readonly metrics: ServiceMetrics,
    private readonly logger: Logger,
  ) {
    this.loop = new PollLoop(() => this.tick(), intervalMs, (error, failures) => logger.warn({ err: error, consecutive_failures: failures }, 'retention run failed; trying again later'));
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    this.stopping = true;
    return this.loop.stop();
  }

  private async tick(): Promise<boolean> {
    const counts = await this.retention.runOnce(() => this.stopping);
    const pruned = Object.entries(counts).filter(([, n]) => n > 0);
    for (const [table, n] of pruned) this.metrics.retentionPruned.inc({ table }, n);
    if (pruned.length > 0) this.logger.info({ pruned: Object.fromEntries(pruned) }, 'retention pruned old rows');
    return false;
  }
}
