import type { MixChannel } from './mixed-events.js';

/**
 * The service's sends in flight per channel (DELIVERY_CONCURRENCY, src/entrypoints/delivery-config.ts)
 * and each channel's connection pool (SMTP_MAX_CONNECTIONS in src/entrypoints/config.ts,
 * SMS_MAX_CONNECTIONS in src/adapters/sms/sms-settings.ts, PUSH_MAX_CONNECTIONS in
 * src/adapters/push/push-settings.ts, WEBHOOK_MAX_CONNECTIONS in
 * src/adapters/webhook/webhook-settings.ts): their defaults today. The mixed phase passes them to
 * the service explicitly, so that its raw loops run at exactly the service's concurrency even if a
 * default changes.
 */
export const SENDS_IN_FLIGHT = 16;
export const POOL_SIZES: Readonly<Record<MixChannel, number>> = { email: 5, sms: 10, push: 10, webhook: 50 };

export function limitsEnv(): Record<string, string> {
  return {
    DELIVERY_CONCURRENCY: String(SENDS_IN_FLIGHT),
    SMTP_MAX_CONNECTIONS: String(POOL_SIZES.email),
    SMS_MAX_CONNECTIONS: String(POOL_SIZES.sms),
    PUSH_MAX_CONNECTIONS: String(POOL_SIZES.push),
    WEBHOOK_MAX_CONNECTIONS: String(POOL_SIZES.webhook),
  };
}
