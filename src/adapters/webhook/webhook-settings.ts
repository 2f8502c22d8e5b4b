import { randomBytes } from 'node:crypto';
import type { EnvReader } from '../system/env-reader.js';

/** Standard Webhooks recommends keys of 24 to 64 bytes; ours are 32 (newWebhookSecret). */
const MIN_SECRET_BYTES = 24;
const SECRET_PREFIX = 'whsec_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export interface WebhookSettings {
  /** Signs sends to an explicit URL; a recipient's own endpoint has its own secret. */
  readonly signingSecret: string | undefined;
  /** Bounds connecting, and separately the wait for the answer once the request is sent; the body then gets min(this, 2 s). */
  readonly timeoutMs: number;
  /** Lets sends reach loopback, private and link-local addresses (local development, the tests). */
  readonly allowPrivateNetworks: boolean;
  /** Connections per endpoint origin, and so the sends in flight to it. */
  readonly maxConnections: number;
  /** Sends in flight to one endpoint (origin and path): a tarpit holds this many of the channel's slots, no more. */
  readonly maxInFlightPerEndpoint: number;
}

export function readWebhookSettings(env: EnvReader): WebhookSettings {
  return {
    signingSecret: readSecret(env, 'WEBHOOK_SIGNING_SECRET'),
    timeoutMs: env.int('WEBHOOK_TIMEOUT_MS', 10_000, 1_000, 60_000),
    allowPrivateNetworks: env.bool('WEBHOOK_ALLOW_PRIVATE_NETWORKS', false),
    maxConnections: env.int('WEBHOOK_MAX_CONNECTIONS', 50, 1, 1_000),
    maxInFlightPerEndpoint: env.int('WEBHOOK_MAX_IN_FLIGHT_PER_ENDPOINT', 4, 1, 1_000),
  };
}

/** A new endpoint secret: `whsec_` and the base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/** `whsec_` and canonical base64 of at least 24 bytes: what we sign with. */
export function isWebhookSecret(text: string): boolean {
  if (!text.startsWith(SECRET_PREFIX)) return false;
  const encoded = text.slice(SECRET_PREFIX.length);
  if (!BASE64.test(encoded)) return false;
  const key = Buffer.from(encoded, 'base64');
  return key.length >= MIN_SECRET_BYTES && key.toString('base64') === encoded;
}

/** The problem message never repeats the value: it is a credential. */
function readSecret(env: EnvReader, name: string): string | undefined {
  const value = env.optionalString(name);
  if (value === undefined || isWebhookSecret(value)) return value;
  env.problems.push(`${name} must be whsec_ followed by the base64 of at least ${MIN_SECRET_BYTES} random bytes`);
  return undefined;
}
