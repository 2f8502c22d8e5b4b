import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../../src/adapters/postgres/database.js';
import { KyselyUnitOfWork } from '../../../src/adapters/postgres/kysely-unit-of-work.js';
import type { NotificationRequest } from '../../../src/domain/notification-request.js';
import type { SendOutcome } from '../../../src/domain/send-outcome.js';
import { testStamping } from '../../support/test-container.js';
import { fixedSchedule } from '../../unit/mothers.js';

/**
 * Sets a stored notification `sending` under a fresh claim token, as the delivery queue's claim
 * leaves it (the queue claims by the server's clock; these tests use fixed times).
 */
export async function claimRow(db: Kysely<Database>, id: string, leaseExpiresAt: Date): Promise<string> {
  const claimToken = randomUUID();
  await db
    .updateTable('notifications')
    .set({ status: 'sending', claim_token: claimToken, lease_expires_at: leaseExpiresAt, next_attempt_at: null })
    .where('id', '=', id)
    .execute();
  return claimToken;
}

/**
 * Claims the stored notification, then loads it, records `outcome` at `attemptedAt` and saves it in
 * one unit of work, as the delivery use case does; answers the recorded aggregate.
 */
export async function recordOutcome(
  db: Kysely<Database>,
  id: string,
  outcome: SendOutcome,
  attemptedAt: Date,
  latencyMs = 10,
): Promise<NotificationRequest> {
  await claimRow(db, id, new Date(attemptedAt.getTime() + 60_000));
  const { result } = await new KyselyUnitOfWork(db, testStamping()).execute(async (u) => {
    const n = await u.notifications.get(id);
    if (!n) throw new Error(`notification ${id} is not stored`);
    n.record(outcome, { attemptedAt, latencyMs }, fixedSchedule(3));
    await u.notifications.save(n);
    return n;
  });
  return result;
}
