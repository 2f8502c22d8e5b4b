import type { Kysely } from 'kysely';
import type { OccurrenceOutcome, ScheduleRepository } from '../../application/ports/repositories.js';
import type { AggregateTracker } from '../../application/ports/unit-of-work.js';
import { Schedule } from '../../domain/schedule.js';
import type { Database } from './database.js';
import { scheduleRow, toScheduleSnapshot } from './schedule-rows.js';
import { storableText } from './storable-text.js';
import { isUuid } from './uuid.js';

const MAX_REFUSAL_LENGTH = 1_000;

export class KyselyScheduleRepository implements ScheduleRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly tracker: AggregateTracker,
  ) {}

  async get(id: string): Promise<Schedule | null> {
    if (!isUuid(id)) return null;
    const row = await this.db.selectFrom('schedules').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    return this.tracker.seen(row ? Schedule.restore(toScheduleSnapshot(row)) : null);
  }

  async add(schedule: Schedule): Promise<void> {
    await this.db.insertInto('schedules').values(scheduleRow(schedule.snapshot())).execute();
    this.tracker.seen(schedule);
  }

  async save(schedule: Schedule): Promise<void> {
    const { id, request: _request, created_at: _createdAt, ...changed } = scheduleRow(schedule.snapshot());
    await this.db.updateTable('schedules').set(changed).where('id', '=', id).execute();
    this.tracker.seen(schedule);
  }

  /** Served by the partial index schedules_due; skip locked lets instances claim side by side. */
  async claimDue(now: Date, limit: number): Promise<Schedule[]> {
    const rows = await this.db
      .selectFrom('schedules')
      .selectAll()
      .where('status', '=', 'active')
      .where('next_fire_at', '<=', now)
      .orderBy('next_fire_at')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    return rows.map((row) => this.tracker.seen(Schedule.restore(toScheduleSnapshot(row))));
  }

  async recordOccurrence(scheduleId: string, occurrenceAt: Date, now: Date): Promise<boolean> {
    const inserted = await this.db
      .insertInto('schedule_occurrences')
      .values({ schedule_id: scheduleId, occurrence_at: occurrenceAt, fired_at: now })
      .onConflict((conflict) => conflict.columns(['schedule_id', 'occurrence_at']).doNothing())
      .returning('schedule_id')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  async completeOccurrence(scheduleId: string, occurrenceAt: Date, outcome: OccurrenceOutcome): Promise<void> {
    const values = 'refusal' in outcome ? { refusal: storableText(outcome.refusal.slice(0, MAX_REFUSAL_LENGTH)) } : { notification_ids: [...outcome.notificationIds] };
    await this.db.updateTable('schedule_occurrences').set(values).where('schedule_id', '=', scheduleId).where('occurrence_at', '=', occurrenceAt).execute();
  }
}
