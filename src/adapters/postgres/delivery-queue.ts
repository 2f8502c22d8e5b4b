import { type Kysely, sql } from 'kysely';
import type { NotificationSnapshot } from '../../domain/notification-request.js';
import type { Database, NotificationRow } from './database.js';
import { toSnapshot } from './notification-rows.js';

export interface ClaimedNotification {
  readonly notification: NotificationSnapshot;
  readonly claimToken: string;
  /** Its previous lease expired mid-send: the earlier send may have arrived (an ambiguous resend). */
  readonly resend: boolean;
}

/**
 * Claims due notifications on the primary for one worker: each row is locked with SKIP LOCKED,
 * marked `sending` with a lease and a fresh claim token, and committed before any SMTP traffic
 * (RELIABILITY.md: a check at commit time would be too late, two workers would both send). Due:
 * `pending`/`retrying` whose next attempt time has come, or `sending` whose lease has expired.
 * Attempts are not loaded: the worker only needs the content to send.
 */
export class KyselyDeliveryQueue {
  constructor(private readonly primary: Kysely<Database>) {}

  async claimDue(limit: number, leaseMs: number): Promise<ClaimedNotification[]> {
    const { rows } = await sql<NotificationRow & { resend: boolean }>`
      with due as (
        select id, false as resend from notifications
        where status in ('pending', 'retrying') and next_attempt_at <= now()
        order by next_attempt_at
        limit ${limit}
        for update skip locked
      ), expired as (
        select id, true as resend from notifications
        where status = 'sending' and lease_expires_at <= now()
        limit ${limit}
        for update skip locked
      ), picked as (
        select * from (select * from due union all select * from expired) candidates limit ${limit}
      )
      update notifications n
      set status = 'sending',
          lease_expires_at = now() + make_interval(secs => ${leaseMs / 1000}),
          claim_token = gen_random_uuid(),
          next_attempt_at = null,
          updated_at = now()
      from picked
      where n.id = picked.id
      returning n.*, picked.resend`.execute(this.primary);
    return rows.map(({ resend, ...row }) => ({ notification: toSnapshot(row, []), claimToken: row.claim_token ?? '', resend }));
  }
}
