import { DEFAULT_RETRY_PLANS, type RetryPlans } from '../application/delivery/retry-plans.js';
import { DEFAULT_RETENTION, type RetentionPolicy } from '../application/retention/retention.js';
import { CHANNELS, type Channel } from '../domain/notification-type.js';
import type { Priority } from '../domain/priority.js';
import type { EnvReader } from '../adapters/system/env-reader.js';

export interface DeliveryConfig {
  readonly retryPlans: RetryPlans;
  /** A claim's lease; renewed every third of it while its send is in flight. */
  readonly leaseMs: number;
  readonly batchSize: number;
  readonly concurrency: number;
  readonly pollIntervalMs: number;
  /** A send with no answer by then is recorded ambiguous and its claim let go. */
  readonly sendTimeoutMs: number;
  /** `<CHANNEL>_RATE_LIMIT_PER_SECOND`: sends per second on the channel, all instances together. */
  readonly rateLimits: ReadonlyMap<Channel, number>;
  /** Each HTTP channel's breaker (`<CHANNEL>_CIRCUIT_FAILURES`, `<CHANNEL>_CIRCUIT_HALF_OPEN_MS`); email's are SMTP_CIRCUIT_*. */
  readonly circuits: Readonly<Record<Exclude<Channel, 'email'>, CircuitConfig>>;
}

export interface CircuitConfig {
  readonly failuresToOpen: number;
  readonly halfOpenAfterMs: number;
}

export interface RetentionConfig {
  readonly policy: RetentionPolicy;
  readonly batchSize: number;
  readonly intervalMs: number;
}

/** Variables that the retry plans replaced: set, they would silently do nothing. */
const REPLACED = ['RETRY_BASE_MS', 'RETRY_CAP_MS', 'RETRY_MAX_ATTEMPTS'];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function readDelivery(env: EnvReader): DeliveryConfig {
  for (const name of REPLACED) {
    if (env.optionalString(name) !== undefined) env.problems.push(`${name} is no longer used: set RETRY_PLAN_CRITICAL, _HIGH, _NORMAL and _LOW (e.g. 1s,5s,15s) instead`);
  }
  const plan = (priority: Priority) => env.durations(`RETRY_PLAN_${priority.toUpperCase()}`, DEFAULT_RETRY_PLANS[priority]);
  return {
    retryPlans: { critical: plan('critical'), high: plan('high'), normal: plan('normal'), low: plan('low') },
    // Renewed every third of it: under 3 s, one slow renewal would let a live worker's claim go.
    leaseMs: env.int('DELIVERY_LEASE_MS', 30_000, 3_000, 3_600_000),
    batchSize: env.int('DELIVERY_BATCH_SIZE', 50, 1, 1000),
    // 0: this instance sends nothing (it serves the API and consumes events; others deliver).
    concurrency: env.int('DELIVERY_CONCURRENCY', 16, 0, 500),
    pollIntervalMs: env.int('DELIVERY_POLL_INTERVAL_MS', 200, 10, 60_000),
    // Above the SMTP timeouts (30 s by default), so only a send that will never settle reaches it.
    sendTimeoutMs: env.int('DELIVERY_SEND_TIMEOUT_MS', 120_000, 1_000, 3_600_000),
    rateLimits: new Map(CHANNELS.flatMap((channel) => {
      const perSecond = env.int(`${channel.toUpperCase()}_RATE_LIMIT_PER_SECOND`, 0, 0, 100_000);
      return perSecond > 0 ? [[channel, perSecond] as const] : [];
    })),
    circuits: { sms: circuit(env, 'SMS'), push: circuit(env, 'PUSH'), webhook: circuit(env, 'WEBHOOK'), in_app: circuit(env, 'IN_APP') },
  };
}

function circuit(env: EnvReader, prefix: string): CircuitConfig {
  return {
    failuresToOpen: env.int(`${prefix}_CIRCUIT_FAILURES`, 5, 1, 1000),
    halfOpenAfterMs: env.int(`${prefix}_CIRCUIT_HALF_OPEN_MS`, 10_000, 100, 3_600_000),
  };
}

export function readRetention(env: EnvReader): RetentionConfig {
  const days = (name: string, fallback: number) => env.int(name, fallback / DAY, 1, 3650) * DAY;
  return {
    policy: {
      inbox: days('RETENTION_INBOX_DAYS', DEFAULT_RETENTION.inbox),
      idempotency_keys: env.int('RETENTION_IDEMPOTENCY_HOURS', DEFAULT_RETENTION.idempotency_keys / HOUR, 1, 24 * 365) * HOUR,
      outbox: env.int('OUTBOX_RETENTION_HOURS', DEFAULT_RETENTION.outbox / HOUR, 1, 24 * 365) * HOUR,
      notifications: days('RETENTION_NOTIFICATIONS_DAYS', DEFAULT_RETENTION.notifications),
      feed_items: days('RETENTION_FEED_DAYS', DEFAULT_RETENTION.feed_items),
      ws_tickets: DEFAULT_RETENTION.ws_tickets,
      dead_letters: days('RETENTION_DEAD_LETTERS_DAYS', DEFAULT_RETENTION.dead_letters),
      audit_log: days('RETENTION_AUDIT_DAYS', DEFAULT_RETENTION.audit_log),
      analytics_counts: days('ANALYTICS_RETENTION_DAYS', DEFAULT_RETENTION.analytics_counts),
      analytics_delivery_times: days('ANALYTICS_RETENTION_DAYS', DEFAULT_RETENTION.analytics_delivery_times),
    },
    batchSize: env.int('RETENTION_BATCH_SIZE', 500, 1, 100_000),
    intervalMs: env.int('RETENTION_INTERVAL_MS', 60_000, 100, 86_400_000),
  };
}
