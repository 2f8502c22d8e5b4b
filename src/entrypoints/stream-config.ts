import type { EnvReader } from '../adapters/system/env-reader.js';

/** The WebSocket stream at /ws (README "Real-time stream (WebSocket)"). */
export interface StreamConfig {
  /** Signs user stream tokens; undefined: user streams are refused (403), admin streams still open. */
  readonly feedSigningSecret: string | undefined;
  /** A connection that sent nothing and answered no ping this long is dropped. */
  readonly idleTimeoutMs: number;
  /** A client with more than this waiting to be written to it is dropped. */
  readonly maxBufferedBytes: number;
  /** Connections of one instance; more are refused with 503 at the upgrade. */
  readonly maxConnections: number;
  /** Open streams of one user or one API key (its tickets included) on one instance; more are refused with 429. */
  readonly maxStreamsPerSubject: number;
}

/** FEED_SIGNING_SECRET: long enough that its HMACs cannot be guessed. */
const MIN_SECRET_LENGTH = 32;

export function readStream(env: EnvReader): StreamConfig {
  const secret = env.optionalString('FEED_SIGNING_SECRET');
  if (secret !== undefined && secret.length < MIN_SECRET_LENGTH) env.problems.push(`FEED_SIGNING_SECRET must be at least ${MIN_SECRET_LENGTH} characters long`);
  return {
    feedSigningSecret: secret,
    idleTimeoutMs: env.int('WS_IDLE_TIMEOUT_SECONDS', 60, 1, 3_600) * 1_000,
    maxBufferedBytes: env.int('WS_MAX_BUFFERED_BYTES', 1024 * 1024, 1024, 1024 * 1024 * 1024),
    maxConnections: env.int('WS_MAX_CONNECTIONS', 10_000, 1, 1_000_000),
    maxStreamsPerSubject: env.int('WS_MAX_STREAMS_PER_SUBJECT', 16, 1, 1_000_000),
  };
}
