import type { FireDueSchedules } from '../../application/scheduling/fire-due-schedules.js';
import type { Logger } from '../../adapters/observability/logger.js';
import { PollLoop } from './poll-loop.js';

/** An occurrence fires within a poll interval and a tick of its time: a second at most, ticks being short. */
export const MAX_SCHEDULE_POLL_MS = 500;
export const DEFAULT_SCHEDULE_POLL_MS = 250;

/** Fires due schedule occurrences in the background; every instance runs one (they never fire one occurrence twice). */
export class ScheduleWorker {
  private readonly loop: PollLoop;

  constructor(
    private readonly fireDue: FireDueSchedules,
    private readonly logger: Logger,
    pollIntervalMs: number = DEFAULT_SCHEDULE_POLL_MS,
  ) {
    if (!(pollIntervalMs > 0 && pollIntervalMs <= MAX_SCHEDULE_POLL_MS)) throw new RangeError(`the schedule poll interval must be from 1 to ${MAX_SCHEDULE_POLL_MS} ms`);
    this.loop = new PollLoop(() => this.tick(), pollIntervalMs, (error, failures) => logger.warn({ err: error, consecutive_failures: failures }, 'firing due schedules failed; retrying'));
  }

  start(): void {
    this.loop.start();
  }

  /** A schedule was just created or changed: look now rather than at the next poll. */
  poke(): void {
    this.loop.poke();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async tick(): Promise<boolean> {
    const report = await this.fireDue.tick();
    for (const { scheduleId, occurrenceAt, refusal } of report.refused) {
      this.logger.warn({ schedule_id: scheduleId, occurrence_at: occurrenceAt.toISOString(), code: refusal.code, reason: refusal.message }, 'a scheduled send was refused when it fell due; its schedule moves on');
    }
    return report.more;
  }
}
