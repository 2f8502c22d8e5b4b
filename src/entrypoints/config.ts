import { type DeliveryConfig, type RetentionConfig, readDelivery, readRetention } from './delivery-config.js';
import { type PushSettings, readPushSettings } from '../adapters/push/push-settings.js';
import { type SmsSettings, readSmsSettings } from '../adapters/sms/sms-settings.js';
import { EnvReader } from '../adapters/system/env-reader.js';
import { type WebhookSettings, readWebhookSettings } from '../adapters/webhook/webhook-settings.js';
import { type StreamConfig, readStream } from './stream-config.js';

export type { DeliveryConfig, RetentionConfig, StreamConfig };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface SmtpConfig {
  readonly host: string;
  readonly port: number;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly from: string;
  readonly secure: boolean;
  readonly startTls: boolean;
  /** Credentials may go out without TLS (SMTP_ALLOW_INSECURE_AUTH); otherwise a username requires STARTTLS. */
  readonly allowInsecureAuth: boolean;
  readonly maxConnections: number;
  readonly connectionTimeoutMs: number;
  readonly socketTimeoutMs: number;
  readonly circuitFailuresToOpen: number;
  readonly circuitHalfOpenAfterMs: number;
}

export interface AmqpConfig {
  readonly url: string;
  readonly exchange: string;
  /** The fanout exchange of feed changes for the WebSocket streams of every instance (ADR 19). */
  readonly streamExchange: string;
  readonly queue: string;
  readonly bindings: readonly string[];
  readonly deadLetterExchange: string;
  readonly deadLetterQueue: string;
  readonly prefetch: number;
  readonly heartbeatSeconds: number;
  /** Redeliveries past which the consumer dead-letters a message itself (the queue policy's limit, ADR 5). */
  readonly deliveryLimit: number;
  /** Messages of the dead-letter queue the mover holds at once (ADR 24). */
  readonly deadLetterPrefetch: number;
}

export interface OutboxConfig {
  readonly pollIntervalMs: number;
  readonly batchSize: number;
}

export interface DatabaseConfig {
  readonly url: string;
  readonly standbyUrl: string | undefined;
  readonly standbyMaxLagSeconds: number;
  readonly standbyCheckIntervalMs: number;
  readonly poolMax: number;
  /** Connections of the delivery worker and outbox relay (a pool of their own on the primary). */
  readonly workerPoolMax: number;
  readonly connectionTimeoutMs: number;
  readonly statementTimeoutMs: number;
  readonly queryTimeoutMs: number;
}

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly adminApiKey: string;
  readonly database: DatabaseConfig;
  readonly amqp: AmqpConfig | undefined;
  readonly smtp: SmtpConfig | undefined;
  /** The Twilio Messages API (SMS_ACCOUNT_SID, ...); undefined: SMS notifications are recorded suppressed. */
  readonly sms: SmsSettings | undefined;
  /** Webhooks need no provider: their settings (WEBHOOK_*) always apply. */
  readonly webhook: WebhookSettings;
  /** FCM HTTP v1 (PUSH_SERVICE_ACCOUNT_JSON); undefined: push notifications are recorded suppressed. */
  readonly push: PushSettings | undefined;
  readonly delivery: DeliveryConfig;
  readonly outbox: OutboxConfig;
  readonly retention: RetentionConfig;
  readonly stream: StreamConfig;
  readonly appBaseUrl: string;
  readonly serviceName: string;
  readonly httpBodyLimitBytes: number;
  readonly shutdownTimeoutMs: number;
  /** Readiness is 503 for this long before the listener closes, so load balancers stop routing. */
  readonly shutdownDrainDelayMs: number;
  /**
   * Test-only fault injection (the fault suite's S18): the event handler throws for every message
   * whose body contains this marker. Unset in production.
   */
  readonly failpointHandlerThrowsOn: string | undefined;
  /**
   * Test-only fault injection (the fault suite's S32): the dead-letter mover waits this long between
   * storing a message and acking it. 0 (unset) in production.
   */
  readonly failpointDeadLetterPauseMs: number;
}

export class ConfigError extends Error {}

const POSTGRES = ['postgres', 'postgresql'];

function readDatabase(env: EnvReader): DatabaseConfig {
  return {
    url: env.url('DATABASE_URL', POSTGRES, { required: true }) ?? '',
    standbyUrl: env.url('STANDBY_DATABASE_URL', POSTGRES, { required: false }),
    standbyMaxLagSeconds: env.int('STANDBY_MAX_LAG_SECONDS', 5, 0, 86_400),
    standbyCheckIntervalMs: env.int('STANDBY_CHECK_INTERVAL_MS', 1_000, 0, 60_000),
    poolMax: env.int('DB_POOL_MAX', 10, 1, 500),
    workerPoolMax: env.int('DB_WORKER_POOL_MAX', 4, 1, 500),
    connectionTimeoutMs: env.int('DB_CONNECTION_TIMEOUT_MS', 5_000, 100, 600_000),
    statementTimeoutMs: env.int('DB_STATEMENT_TIMEOUT_MS', 15_000, 100, 3_600_000),
    queryTimeoutMs: env.int('DB_QUERY_TIMEOUT_MS', 20_000, 100, 3_600_000),
  };
}

function readSmtp(env: EnvReader): SmtpConfig | undefined {
  const host = env.optionalString('SMTP_HOST');
  if (host === undefined) return undefined;
  if (env.optionalString('SMTP_PASSWORD') !== undefined && env.optionalString('SMTP_USERNAME') === undefined) {
    env.problems.push('SMTP_PASSWORD is set without SMTP_USERNAME: set both, or neither to send without authenticating');
  }
  return {
    host,
    port: env.int('SMTP_PORT', 587, 1, 65_535),
    username: env.optionalString('SMTP_USERNAME'),
    password: env.optionalString('SMTP_PASSWORD'),
    from: env.string('SMTP_FROM', 'notifications@localhost'),
    secure: env.bool('SMTP_SECURE', false),
    startTls: env.bool('SMTP_STARTTLS', false),
    allowInsecureAuth: env.bool('SMTP_ALLOW_INSECURE_AUTH', false),
    maxConnections: env.int('SMTP_MAX_CONNECTIONS', 5, 1, 100),
    connectionTimeoutMs: env.int('SMTP_CONNECTION_TIMEOUT_MS', 10_000, 100, 600_000),
    socketTimeoutMs: env.int('SMTP_SOCKET_TIMEOUT_MS', 30_000, 100, 600_000),
    circuitFailuresToOpen: env.int('SMTP_CIRCUIT_FAILURES', 5, 1, 1000),
    circuitHalfOpenAfterMs: env.int('SMTP_CIRCUIT_HALF_OPEN_MS', 10_000, 100, 3_600_000),
  };
}

function readAmqp(env: EnvReader): AmqpConfig | undefined {
  const url = env.url('RABBITMQ_URL', ['amqp', 'amqps'], { required: false });
  if (url === undefined) return undefined;
  const queue = env.string('RABBITMQ_QUEUE', 'notification-service.events');
  const bindings = env.string('RABBITMQ_BINDINGS', 'user.#,order.#,request.#').split(',').map((b) => b.trim()).filter(Boolean);
  if (bindings.some((b) => b.startsWith('notification.') || b === '#')) {
    env.problems.push('RABBITMQ_BINDINGS must not bind the service to its own notification.# output');
  }
  return {
    url,
    exchange: env.string('RABBITMQ_EXCHANGE', 'notification.events'),
    streamExchange: env.string('RABBITMQ_STREAM_EXCHANGE', 'notification.realtime'),
    queue,
    bindings,
    deadLetterExchange: env.string('RABBITMQ_DEAD_LETTER_EXCHANGE', `${queue}.dlx`),
    deadLetterQueue: env.string('RABBITMQ_DEAD_LETTER_QUEUE', `${queue}.dlq`),
    prefetch: env.int('RABBITMQ_PREFETCH', 20, 1, 1000),
    heartbeatSeconds: env.int('RABBITMQ_HEARTBEAT_SECONDS', 30, 0, 600),
    deliveryLimit: env.int('RABBITMQ_DELIVERY_LIMIT', 20, 1, 10_000),
    deadLetterPrefetch: env.int('RABBITMQ_DEAD_LETTER_PREFETCH', 10, 1, 1000),
  };
}

function readOutbox(env: EnvReader): OutboxConfig {
  return {
    pollIntervalMs: env.int('OUTBOX_POLL_INTERVAL_MS', 200, 10, 60_000),
    batchSize: env.int('OUTBOX_BATCH_SIZE', 200, 1, 5000),
  };
}

/** Reads and checks the whole configuration; throws ConfigError naming every bad variable. */
export function loadConfig(source: Readonly<Record<string, string | undefined>>): Config {
  const env = new EnvReader(source);
  const config: Config = {
    port: env.int('PORT', 8001, 0, 65_535),
    host: env.string('HOST', '0.0.0.0'),
    logLevel: env.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    adminApiKey: env.secret('ADMIN_API_KEY', 16),
    database: readDatabase(env),
    amqp: readAmqp(env),
    smtp: readSmtp(env),
    sms: readSmsSettings(env),
    push: readPushSettings(env),
    webhook: readWebhookSettings(env),
    delivery: readDelivery(env),
    outbox: readOutbox(env),
    retention: readRetention(env),
    stream: readStream(env),
    appBaseUrl: env.url('APP_BASE_URL', ['http', 'https'], { required: false, fallback: 'http://localhost:3000' }) ?? '',
    serviceName: env.string('SERVICE_NAME', 'Notification Service'),
    httpBodyLimitBytes: env.int('HTTP_BODY_LIMIT_BYTES', 100 * 1024, 1024, 10 * 1024 * 1024),
    shutdownTimeoutMs: env.int('SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    shutdownDrainDelayMs: env.int('SHUTDOWN_DRAIN_DELAY_MS', 0, 0, 60_000),
    failpointHandlerThrowsOn: env.optionalString('FAILPOINT_HANDLER_THROWS_ON'),
    failpointDeadLetterPauseMs: env.int('FAILPOINT_DEAD_LETTER_PAUSE_MS', 0, 0, 600_000),
  };
  if (env.problems.length > 0) throw new ConfigError(`invalid configuration: ${env.problems.join('; ')}`);
  return config;
}
