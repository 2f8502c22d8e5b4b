import { readFileSync } from 'node:fs';
import { credentialUrl } from '../http/credential-url.js';
import type { EnvReader } from '../system/env-reader.js';
import { parseServiceAccount, type ServiceAccount } from './service-account.js';

export interface PushSettings {
  readonly serviceAccount: ServiceAccount;
  /** FCM's origin (https, or http to a loopback host); a local fake in tests and `make run`. */
  readonly baseUrl: string;
  /** Bounds getting an access token, and all of one send's requests to FCM together. */
  readonly timeoutMs: number;
  /** Connections kept open to each origin (FCM, the token endpoint). */
  readonly maxConnections: number;
}

const VARIABLE = 'PUSH_SERVICE_ACCOUNT_JSON';

/**
 * The push channel's settings; undefined when PUSH_SERVICE_ACCOUNT_JSON is unset (the channel is
 * not configured) or unusable (then a problem is recorded, and the service refuses to start).
 * PUSH_SERVICE_ACCOUNT_JSON is the key file's path or its JSON text: text starting with "{" is JSON.
 */
export function readPushSettings(env: EnvReader): PushSettings | undefined {
  const raw = env.optionalString(VARIABLE);
  if (raw === undefined) return undefined;
  const baseUrl = credentialUrl(env, 'PUSH_API_BASE_URL', 'https://fcm.googleapis.com');
  // A send takes at most two of it (fcm-push-sender.ts): 2 × 60 s fits the delivery core's send timeout (120 s by default).
  const timeoutMs = env.int('PUSH_TIMEOUT_MS', 10_000, 100, 60_000);
  const maxConnections = env.int('PUSH_MAX_CONNECTIONS', 10, 1, 256);
  const text = raw.startsWith('{') ? raw : readKeyFile(env, raw);
  if (text === undefined) return undefined;
  const parsed = parseServiceAccount(text);
  if ('problem' in parsed) {
    env.problems.push(`${VARIABLE} ${parsed.problem}`);
    return undefined;
  }
  if (baseUrl === undefined) return undefined;
  return { serviceAccount: parsed.account, baseUrl: baseUrl.replace(/\/+$/, ''), timeoutMs, maxConnections };
}

function readKeyFile(env: EnvReader, path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    env.problems.push(`${VARIABLE} must be a service-account JSON or the path of its file; cannot read ${shown(path)} (${code})`);
    return undefined;
  }
}

/** The path as the operator wrote it, unless it looks like key material pasted by mistake. */
function shown(path: string): string {
  return path.length <= 200 && !/[\r\n]|PRIVATE/.test(path) ? JSON.stringify(path) : 'the file it names';
}
