import { expect } from 'chai';
import { DEFAULT_RETRY_PLANS } from '../../../src/application/delivery/retry-plans.js';
import { DEFAULT_RETENTION } from '../../../src/application/retention/retention.js';
import { ConfigError, loadConfig } from '../../../src/entrypoints/config.js';
import { thrown } from '../rejection.js';

const REQUIRED = { DATABASE_URL: 'postgres://app@db:5432/notifications', ADMIN_API_KEY: 'admin-key-0123456789' };

function configError(env: Record<string, string>): string {
  const error = thrown(() => loadConfig({ ...REQUIRED, ...env }));
  expect(error).to.be.instanceOf(ConfigError);
  return error.message;
}

describe('the delivery configuration', () => {
  it('defaults to the retry plans, a 30 s lease and the retention of each table', () => {
    const { delivery, retention } = loadConfig(REQUIRED);
    const circuit = { failuresToOpen: 5, halfOpenAfterMs: 10_000 };
    expect(delivery).to.deep.equal({
      ...{ retryPlans: DEFAULT_RETRY_PLANS, leaseMs: 30_000, batchSize: 50, concurrency: 16, pollIntervalMs: 200, sendTimeoutMs: 120_000 },
      rateLimits: new Map(),
      circuits: { sms: circuit, push: circuit, webhook: circuit, in_app: circuit },
    });
    expect(retention).to.deep.equal({ policy: DEFAULT_RETENTION, batchSize: 500, intervalMs: 60_000 });
  });

  it('reads RETRY_PLAN_<PRIORITY> as durations with units', () => {
    const { delivery } = loadConfig({ ...REQUIRED, RETRY_PLAN_LOW: '500ms, 2s,1.5m,1h', RETRY_PLAN_CRITICAL: '1s' });
    expect(delivery.retryPlans.low).to.deep.equal([500, 2_000, 90_000, 3_600_000]);
    expect(delivery.retryPlans.critical).to.deep.equal([1_000]);
    expect(delivery.retryPlans.high).to.deep.equal(DEFAULT_RETRY_PLANS.high);
  });

  it('refuses a plan that is not a list of durations, naming the variable', () => {
    for (const plan of ['5', '1s,,2s', 'soon', '-1s', '8d', '0s', '1s,0ms', '99ms', Array(21).fill('1s').join(',')]) {
      expect(configError({ RETRY_PLAN_HIGH: plan }), plan).to.contain('RETRY_PLAN_HIGH must be 1 to 20 comma-separated durations');
    }
  });

  it('refuses the variables the plans replaced, saying what to set instead', () => {
    expect(configError({ RETRY_BASE_MS: '1000' })).to.contain('RETRY_BASE_MS is no longer used: set RETRY_PLAN_CRITICAL');
  });

  it('refuses a lease so short that one slow renewal would lose a live claim', () => {
    expect(configError({ DELIVERY_LEASE_MS: '300' })).to.contain('DELIVERY_LEASE_MS must be an integer from 3000');
  });

  it('refuses an SMTP password without a user name', () => {
    expect(configError({ SMTP_HOST: 'smtp.example.com', SMTP_PASSWORD: 'secret' })).to.contain('SMTP_PASSWORD is set without SMTP_USERNAME');
  });

  it('keeps audit entries a year unless told otherwise', () => {
    expect(loadConfig(REQUIRED).retention.policy.audit_log).to.equal(365 * 86_400_000);
  });

  it('reads the retention ages in days and hours', () => {
    const { retention } = loadConfig({ ...REQUIRED, RETENTION_INBOX_DAYS: '30', RETENTION_IDEMPOTENCY_HOURS: '48', OUTBOX_RETENTION_HOURS: '1', RETENTION_NOTIFICATIONS_DAYS: '365', RETENTION_FEED_DAYS: '7', RETENTION_AUDIT_DAYS: '730', ANALYTICS_RETENTION_DAYS: '30', RETENTION_DEAD_LETTERS_DAYS: '9' });
    const analytics = { analytics_counts: 30 * 86_400_000, analytics_delivery_times: 30 * 86_400_000 };
    expect(retention.policy).to.deep.equal({ inbox: 30 * 86_400_000, idempotency_keys: 48 * 3_600_000, outbox: 3_600_000, notifications: 365 * 86_400_000, feed_items: 7 * 86_400_000, ws_tickets: 0, audit_log: 730 * 86_400_000, ...analytics, dead_letters: 9 * 86_400_000 });
  });
});
