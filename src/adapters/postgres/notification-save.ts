import { type RawBuilder, sql } from 'kysely';
import type { NotificationSnapshot } from '../../domain/notification-request.js';
import { CHANGING_COLUMN_TYPES, changingColumns } from './notification-rows.js';
import { storableText } from './storable-text.js';

export interface AttemptRow {
  readonly notification_id: string;
  readonly number: number;
  readonly attempted_at: Date;
  readonly outcome: string;
  readonly response: string | null;
  readonly error: string | null;
  readonly latency_ms: number;
}

const COLUMNS = Object.entries(CHANGING_COLUMN_TYPES);
// jsonb travels as its JSON text (changingColumns), read back as jsonb when set.
const SET = sql.raw(COLUMNS.map(([column, type]) => `${column} = c.${column}${type === 'jsonb' ? '::jsonb' : ''}`).join(', '));
const CHANGED = sql.raw(['id uuid', ...COLUMNS.map(([column, type]) => `${column} ${type === 'jsonb' ? 'text' : type}`)].join(', '));
const ATTEMPT = sql.raw('notification_id uuid, number int, attempted_at timestamptz, outcome text, response text, error text, latency_ms int');
// The entry the attempt-history trigger builds (migrations 20261122T0400 and 20261129T0200): the
// same expression, so that the trigger finds each attempt already projected.
const ENTRY = sql.raw(`jsonb_build_object('number', f.number, 'attempted_at', f.attempted_at, 'outcome', f.outcome,
  'response', f.response, 'error', f.error, 'latency_ms', f.latency_ms)`);

/** An attempt as its ledger row, with provider text made storable. */
export function attemptRow(notificationId: string, a: NotificationSnapshot['attempts'][number]): AttemptRow {
  return {
    notification_id: notificationId,
    number: a.number,
    attempted_at: a.attemptedAt,
    outcome: a.outcome,
    response: storableText(a.response),
    error: storableText(a.error),
    latency_ms: Math.round(a.latencyMs),
  };
}

/**
 * One statement that writes the changing columns of every snapshot and inserts the new attempts,
 * appending them to their row's attempt_history in the same update (one row version each).
 * Rows and attempts travel as two JSON parameters, whatever their number.
 */
export function saveStatement(snapshots: readonly NotificationSnapshot[], attempts: readonly AttemptRow[]): RawBuilder<unknown> {
  const changed = JSON.stringify(snapshots.map((s) => ({ id: s.id, ...changingColumns(s) })));
  const rows = sql`jsonb_to_recordset(${changed}::jsonb) as c(${CHANGED})`;
  if (attempts.length === 0) return sql`update notifications n set ${SET} from ${rows} where n.id = c.id`;
  return sql`with fresh as (select * from jsonb_to_recordset(${JSON.stringify(attempts)}::jsonb) as a(${ATTEMPT})),
    updated as (
      update notifications n
      set ${SET}, attempt_history = n.attempt_history || coalesce((select jsonb_agg(${ENTRY} order by f.number) from fresh f where f.notification_id = n.id), '[]'::jsonb)
      from ${rows} where n.id = c.id)
    insert into notification_attempts (notification_id, number, attempted_at, outcome, response, error, latency_ms)
    select notification_id, number, attempted_at, outcome, response, error, latency_ms from fresh`;
}
