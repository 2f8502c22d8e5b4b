import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Claim, ClaimedNotification, ClaimOptions, DeliveryQueue } from '../../application/ports/delivery-queue.js';
import type { Channel } from '../../domain/notification-type.js';
import { PRIORITIES, Priority } from '../../domain/priority.js';
import type { Database, NotificationRow } from './database.js';
import { toSnapshot } from './notification-rows.js';

type ClaimedRow = Omit<NotificationRow, 'attempt_history' | 'scheduled_attempts'> & { resend: boolean; held: boolean };

/**
 * Due rows of one channel and priority, earliest first, through `notifications_due (channel,
 * priority, next_attempt_at)`: with both fixed the index bounds the scan by due time (one
 * channel's backlog is never read to claim another's), so rows deferred far ahead are
 * never read (PostgreSQL 15 cannot skip-scan a range on the first column). Each priority takes
 * only what the higher ones left of the limit: a row locked and then not claimed would be skipped
 * by every other worker for nothing.
 */
function dueOf(rank: number, limit: number, channel: Channel): RawBuilder<unknown> {
  const taken = Array.from({ length: rank }, (_, higher) => sql`(select count(*) from ${sql.ref(`due${higher}`)})`);
  const room = rank === 0 ? sql`${limit}` : sql`greatest(0, ${limit} - ${sql.join(taken, sql` - `)})`;
  return sql`select id, priority, next_attempt_at as due_at, false as resend, status = 'scheduled' as held from notifications
    where status in ('pending', 'retrying', 'scheduled') and priority = ${rank} and next_attempt_at <= now() and channel = ${channel}
    order by next_attempt_at limit ${room} for update skip locked`;
}

/**
 * The claim rule of the DeliveryQueue port, as one statement on the primary (its JSDoc states the
 * rule; nothing else restates it). Due rows are read per priority, expired leases through
 * `notifications_leased`; all are locked with SKIP LOCKED, so concurrent workers split the rows
 * instead of waiting on each other, and the limit applies to the union in priority order.
 * Attempts are not read: sending needs the content.
 */
export class KyselyDeliveryQueue implements DeliveryQueue {
  constructor(private readonly primary: Kysely<Database>) {}

  async claimDue(limit: number, leaseMs: number, channel: Channel, options: ClaimOptions = { takeOverExpired: true }): Promise<ClaimedNotification[]> {
    if (limit <= 0) return [];
    const due = PRIORITIES.map((_, rank) => sql`${sql.ref(`due${rank}`)} as (${dueOf(rank, limit, channel)})`);
    const { rows } = await sql<ClaimedRow>`
      with ${sql.join(due)}, expired as (
        select id, priority, lease_expires_at as due_at, true as resend, false as held from notifications
        where status = 'sending' and lease_expires_at <= now() and channel = ${channel} and ${options.takeOverExpired}
        order by priority, lease_expires_at
        limit ${limit}
        for update skip locked
      ), picked as (
        select * from (${sql.join(PRIORITIES.map((_, rank) => sql`select * from ${sql.ref(`due${rank}`)}`), sql` union all `)}
                       union all select * from expired) candidates
        order by priority, due_at
        limit ${limit}
      )
      update notifications n
      set status = 'sending',
          reason = null,
          lease_expires_at = now() + make_interval(secs => ${leaseMs / 1000}),
          claim_token = gen_random_uuid(),
          next_attempt_at = null,
          lease_expiries = n.lease_expiries + picked.resend::int,
          updated_at = now()
      from picked
      where n.id = picked.id
      returning n.id, n.user_id, n.type, n.channel, n.recipient, n.subject, n.body, n.template_vars, n.priority, n.status,
                n.reason, n.suppression_reason, n.deferrals, n.lease_expiries, n.next_attempt_at, n.lease_expires_at, n.claim_token,
                n.correlation_id, n.source_event_id, n.retry_of, n.secret_variables, n.template_version, n.locale, n.time_zone, n.expires_at, n.fallback, n.fallback_of,
                n.provider_message_id, n.from_profile, n.receipt_status, n.receipt_error_code, n.receipt_at,
                n.created_at, n.updated_at, picked.resend, picked.held
      `.execute(this.primary);
    return (
      rows
        .map(({ resend, held, ...row }) => ({ notification: toSnapshot(row, []), claimToken: row.claim_token ?? '', resend, held }))
        // UPDATE ... RETURNING gives no order: hand the claims out highest priority first.
        .sort((a, b) => Priority.rank(a.notification.priority) - Priority.rank(b.notification.priority))
    );
  }

  async renewLeases(claims: readonly Claim[], leaseMs: number): Promise<number> {
    if (claims.length === 0) return 0;
    const result = await sql`
      update notifications n
      set lease_expires_at = now() + make_interval(secs => ${leaseMs / 1000})
      from unnest(${claims.map((c) => c.notificationId)}::uuid[], ${claims.map((c) => c.claimToken)}::uuid[]) as held(id, token)
      where n.id = held.id and n.claim_token = held.token and n.status = 'sending'`.execute(this.primary);
    return Number(result.numAffectedRows ?? 0);
  }

  async releaseDeferred(channel: Channel, recipientPrefix?: string): Promise<number> {
    const result = await sql`
      update notifications set next_attempt_at = now()
      where status in ('pending', 'retrying') and channel = ${channel} and deferrals > 0 and next_attempt_at > now()
        and (${recipientPrefix ?? null}::text is null or starts_with(recipient, ${recipientPrefix ?? null}::text))`.execute(this.primary);
    return Number(result.numAffectedRows ?? 0);
  }
}
