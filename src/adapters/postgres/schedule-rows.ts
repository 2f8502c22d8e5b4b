import type { Insertable, Selectable } from 'kysely';
import type { ScheduleSnapshot, ScheduleStatus } from '../../domain/schedule.js';
import type { SchedulesTable } from './database.js';

/** The one mapping between a schedules row and a schedule, for the repository and the read model. */
export function toScheduleSnapshot(row: Selectable<SchedulesTable>): ScheduleSnapshot {
  return {
    id: row.id,
    request: row.request,
    timeZone: row.time_zone,
    recurrence: row.recurrence,
    nextFireAt: row.next_fire_at,
    // The table's check admits only the statuses of ScheduleStatus.
    status: row.status as ScheduleStatus,
    firedCount: row.fired_count,
    lastFiredAt: row.last_fired_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function scheduleRow(s: ScheduleSnapshot): Insertable<SchedulesTable> {
  return {
    id: s.id,
    request: JSON.stringify(s.request),
    time_zone: s.timeZone,
    recurrence: s.recurrence,
    next_fire_at: s.nextFireAt,
    status: s.status,
    fired_count: s.firedCount,
    last_fired_at: s.lastFiredAt,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
  };
}
