import type { Bench } from '../context.js';
import { sql } from '../infra.js';
import type { SchedulesResult } from '../results.js';
import { log, round, sleep, tagOf, waitUntil, wallNow } from '../util.js';

const MINUTE_MS = 60_000;
/** Time left before the due minute for the insert, its vacuum and the service's start: a fixed part and a part per schedule. */
const LEAD_MS = 20_000;
const LEAD_MS_PER_SCHEDULE = 0.1;

/**
 * `recurring` schedules every minute (`* * * * *`, UTC) and `oneOff` one-off schedules, all due at
 * `dueAt`, inserted in one statement straight into the table, as the API would have stored them
 * (src/application/scheduling/scheduled-request.ts): a `welcome` to `<tag>-<i>@bench.example.com`
 * (the recurring ones first, i < recurring), which needs no preferences, the user id as the event
 * mix has it.
 */
async function insertSchedules(databaseUrl: string, tag: string, recurring: number, oneOff: number, dueAt: Date): Promise<void> {
  await sql(
    databaseUrl,
    `insert into schedules (id, request, time_zone, recurrence, next_fire_at, status, fired_count, last_fired_at, created_at, updated_at)
     select gen_random_uuid(),
            jsonb_build_object('notificationType', 'welcome', 'channel', 'email', 'recipient', r.email, 'userId', 'bench-user-' || (g % 1000),
                               'subject', null, 'content', null, 'templateVars', jsonb_build_object('username', 'User ' || g, 'email', r.email),
                               'variablesField', 'template_vars', 'priority', null, 'locale', null, 'expiresAt', null),
            case when g < $2 then 'UTC' end, case when g < $2 then '* * * * *' end,
            $3, 'active', 0, null, now(), now()
     from generate_series(0, $2::int + $4::int - 1) g, lateral (select $1 || '-' || g || '@bench.example.com' as email) r`,
    [tag, recurring, dueAt, oneOff],
  );
  // Analysed, so that the firing loop's claim is planned on the real table; vacuumed, so that
  // autovacuum, due after this many inserts, does not run during the measurement.
  await sql(databaseUrl, 'vacuum (analyze) schedules');
}

interface Ledger {
  readonly occurrences: number;
  readonly refused: number;
  readonly notifications: number;
  readonly keyed: number;
  readonly firstFiredMs: number;
  readonly lastFiredMs: number;
  readonly laterOccurrences: number;
  readonly laterNotifications: number;
  readonly repeatsTooEarly: number;
  readonly laterDuringMeasurement: number;
  readonly duplicateNotifications: number;
}

/**
 * What the database says was fired: occurrences keyed at the due minute (schedule_occurrences) and
 * the notifications they made, by their source, the occurrence key `<schedule id>@<ISO instant>`;
 * the recurring schedules' later occurrences apart.
 */
async function ledger(databaseUrl: string, dueAt: Date, measurementEndMs: number): Promise<Ledger> {
  const key = `%@${dueAt.toISOString()}`;
  const [row] = await sql<Record<keyof Ledger, string | null>>(
    databaseUrl,
    `select (select count(*) from schedule_occurrences where occurrence_at = $1) as occurrences,
            (select count(*) from schedule_occurrences where occurrence_at = $1 and refusal is not null) as refused,
            (select count(*) from notifications where source_event_id like $2) as notifications,
            (select count(distinct source_event_id) from notifications where source_event_id like $2) as keyed,
            (select extract(epoch from min(fired_at)) * 1000 from schedule_occurrences where occurrence_at = $1) as "firstFiredMs",
            (select extract(epoch from max(fired_at)) * 1000 from schedule_occurrences where occurrence_at = $1) as "lastFiredMs",
            (select count(*) from schedule_occurrences where occurrence_at > $1) as "laterOccurrences",
            (select coalesce(sum(cardinality(notification_ids)), 0) from schedule_occurrences where occurrence_at > $1) as "laterNotifications",
            (select count(*) from schedule_occurrences where occurrence_at > $1 and fired_at < $1 + interval '1 minute') as "repeatsTooEarly",
            (select count(*) from schedule_occurrences where occurrence_at > $1 and fired_at <= to_timestamp($3::double precision / 1000)) as "laterDuringMeasurement",
            (select count(*) - count(distinct source_event_id) from notifications where source_event_id like '%@%') as "duplicateNotifications"`,
    [dueAt, key, measurementEndMs],
  );
  const n = (name: keyof Ledger) => Number(row?.[name] ?? Number.NaN);
  return {
    occurrences: n('occurrences'),
    refused: n('refused'),
    notifications: n('notifications'),
    keyed: n('keyed'),
    firstFiredMs: n('firstFiredMs'),
    lastFiredMs: n('lastFiredMs'),
    laterOccurrences: n('laterOccurrences'),
    laterNotifications: n('laterNotifications'),
    repeatsTooEarly: n('repeatsTooEarly'),
    laterDuringMeasurement: n('laterDuringMeasurement'),
    duplicateNotifications: n('duplicateNotifications'),
  };
}

/**
 * Emails beyond one per occurrence: a one-off recipient's second email, or a recurring recipient's
 * emails beyond the later occurrences fired.
 */
function duplicateEmails(recipients: readonly string[], tag: string, recurring: number, laterNotifications: number): number {
  const perRecipient = new Map<string, number>();
  for (const recipient of recipients) if (tagOf(recipient) === tag) perRecipient.set(recipient, (perRecipient.get(recipient) ?? 0) + 1);
  let oneOffExtra = 0;
  let recurringExtra = 0;
  for (const [recipient, count] of perRecipient) {
    const index = Number(recipient.slice(tag.length + 1, recipient.indexOf('@')));
    if (index < recurring) recurringExtra += count - 1;
    else oneOffExtra += count - 1;
  }
  return oneOffExtra + Math.max(0, recurringExtra - laterNotifications);
}

/**
 * Scheduled sends at scale: `recurring` every-minute schedules and `oneOff` one-off schedules, all
 * due at the same minute boundary M, inserted while the service is stopped; the service is started
 * before M. The rate is the occurrences / (M → the last of their emails at the sink and outcome
 * events captured); the lateness is the first firing's (its fired_at) after M. Then every occurrence
 * is checked to have fired exactly once, with one notification keyed by it.
 */
export async function runSchedules(bench: Bench, recurring: number, oneOff: number): Promise<SchedulesResult> {
  const occurrences = recurring + oneOff;
  const url = bench.servers.databaseUrl;
  await bench.stopService();
  await bench.sink.reset();
  const tag = bench.tag('c');
  const lead = LEAD_MS + occurrences * LEAD_MS_PER_SCHEDULE;
  const dueAt = new Date(Math.ceil((Date.now() + lead) / MINUTE_MS) * MINUTE_MS);
  const due = dueAt.getTime();
  log(`schedules: inserting ${recurring} recurring (every minute) and ${oneOff} one-off schedules, all due at ${dueAt.toISOString()}, with the service stopped`);
  const insertStarted = wallNow();
  await insertSchedules(url, tag, recurring, oneOff, dueAt);
  const insertSeconds = (wallNow() - insertStarted) / 1_000;
  log(`schedules: inserted and vacuumed in ${round(insertSeconds)} s`);
  const service = await bench.startService();
  const upBeforeDueMs = due - wallNow();
  if (upBeforeDueMs <= 0) throw new Error(`schedules: the service was up ${round(-upBeforeDueMs)} ms after the due minute; the insert took ${round(insertSeconds)} s of a ${lead} ms lead`);
  log(`schedules: the service is up ${round(upBeforeDueMs / 1_000)} s before the due minute; waiting for it`);
  await sleep(Math.max(0, due - wallNow()));

  const done = await bench.waitForDelivery(tag, occurrences);
  const endAt = Math.max(done.lastAcceptedAt, done.lastOutcomeAt);
  const seconds = (endAt - due) / 1_000;
  const rate = occurrences / seconds;
  let firstAcceptedAt = Number.POSITIVE_INFINITY;
  for (const at of done.acceptedAt.values()) firstAcceptedAt = Math.min(firstAcceptedAt, at);
  log(`schedules: ${occurrences} occurrences fired and delivered in ${round(seconds)} s from the due minute: ${round(rate)} occurrences/s`);

  // The recurring schedules would fire every minute into the next phases: cancelled (a firing in
  // progress holds the row lock, and the update waits for it), then the notifications of the later
  // occurrences already fired are let out, so that the checks below see them all.
  await sql(url, `update schedules set status = 'cancelled', next_fire_at = null, updated_at = now() where status = 'active'`);
  await waitUntil('the notifications of later occurrences to be sent', async () => {
    service.assertRunning();
    const [row] = await sql<{ open: string }>(url, `select count(*) as open from notifications where status in ('pending', 'sending', 'retrying')`);
    const open = Number(row?.open ?? 0);
    return { done: open === 0, progress: -open, status: `${open} not yet sent` };
  });
  await sleep(500);
  const book = await ledger(url, dueAt, endAt);
  const dump = await bench.sink.dump(tag);
  const duplicates = duplicateEmails(dump.recipients, tag, recurring, book.laterNotifications);
  const missing = occurrences - book.keyed;
  const duplicateNotifications = book.duplicateNotifications;
  const exactlyOnce = book.occurrences === occurrences && missing === 0 && duplicateNotifications === 0 && duplicates === 0 && book.repeatsTooEarly === 0 && book.refused === 0;
  const firingSeconds = (book.lastFiredMs - due) / 1_000;
  log(
    `schedules: first firing ${round(book.firstFiredMs - due)} ms after the due minute, the last ${round(firingSeconds)} s after (${round(occurrences / firingSeconds)} firings/s); ` +
      `${book.occurrences} occurrences recorded, ${book.keyed} keyed notifications, ${duplicateNotifications} duplicate notifications, ${duplicates} duplicate emails, ${book.laterOccurrences} later occurrences of the recurring schedules` +
      (exactlyOnce ? '' : ' — NOT exactly once'),
  );
  await bench.sink.reset();
  return {
    recurring,
    oneOff,
    occurrences,
    dueAt: dueAt.toISOString(),
    insertSeconds: round(insertSeconds, 2),
    serviceUpBeforeDueSeconds: round(upBeforeDueMs / 1_000, 2),
    seconds: round(seconds, 2),
    rate: round(rate),
    firstFiringLatenessMs: round(book.firstFiredMs - due),
    firstEmailLatenessMs: round(firstAcceptedAt - due),
    firingSeconds: round(firingSeconds, 2),
    firingRate: round(occurrences / firingSeconds),
    failed: done.failed,
    occurrencesRecorded: book.occurrences,
    refused: book.refused,
    keyedNotifications: book.keyed,
    missing,
    duplicateNotifications,
    duplicateEmails: duplicates,
    repeatsTooEarly: book.repeatsTooEarly,
    laterOccurrences: book.laterOccurrences,
    laterOccurrencesDuringMeasurement: book.laterDuringMeasurement,
    exactlyOnce,
  };
}
