import type { SendReport } from '../../domain/commands.js';
import { type Backoff, backoffDelay } from '../backoff.js';
import type { RecordedStatus } from '../handler-types.js';

export interface RecorderSettings {
  /** Writes reports in one transaction; statuses in the same order. */
  readonly write: (reports: readonly SendReport[]) => Promise<readonly RecordedStatus[]>;
  /** Errors that mean "try later" (the database is away or busy): waited out, not given up on. */
  readonly isRetryable: (error: unknown) => boolean;
  readonly backoff: Backoff;
  /** How long to keep retrying through an outage; the claim's lease is renewed meanwhile. */
  readonly giveUpAfterMs: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

type Waiter = { report: SendReport; resolve: (status: RecordedStatus) => void; reject: (error: unknown) => void };
const MAX_BATCH = 100;

/**
 * Records send reports in batches: while one batch is being written, the reports that arrive wait
 * and go together in the next transaction (no timer, so an idle worker records at once). A report
 * must be recorded: a database outage is waited out. If a batch fails for another reason, each of
 * its reports is tried alone, so one bad report cannot sink the rest.
 */
export class SendReportRecorder {
  private pending: Waiter[] = [];
  private flushing = false;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly settings: RecorderSettings) {
    this.sleep = settings.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  record(report: SendReport): Promise<RecordedStatus> {
    return new Promise((resolve, reject) => {
      this.pending.push({ report, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_BATCH);
      try {
        const statuses = await this.write(batch.map((w) => w.report));
        batch.forEach((w, i) => w.resolve(statuses[i] ?? 'claim_lost'));
      } catch (error) {
        if (batch.length === 1) batch[0]?.reject(error);
        else for (const w of batch) await this.write([w.report]).then(([status]) => w.resolve(status ?? 'claim_lost'), w.reject);
      }
    }
    this.flushing = false;
  }

  private async write(reports: readonly SendReport[]): Promise<readonly RecordedStatus[]> {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.settings.write(reports);
      } catch (error) {
        if (!this.settings.isRetryable(error) || Date.now() - started >= this.settings.giveUpAfterMs) throw error;
        await this.sleep(backoffDelay(attempt, this.settings.backoff));
      }
    }
  }
}
