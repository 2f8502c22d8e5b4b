import { createPrivateKey } from 'node:crypto';
import { isTlsOrLoopback, plainHttpProblem } from '../http/credential-url.js';

/** The fields of a Google service-account key file that the push sender uses. */
export interface ServiceAccount {
  readonly projectId: string;
  readonly clientEmail: string;
  /** PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"); never logged, never part of an error. */
  readonly privateKey: string;
  /** Where the signed JWT is exchanged for an access token (https://oauth2.googleapis.com/token; http only to a loopback host). */
  readonly tokenUri: string;
}

const REQUIRED = ['project_id', 'client_email', 'private_key', 'token_uri'] as const;
const PKCS8_LABEL = '-----BEGIN PRIVATE KEY-----';

/**
 * The service account in a key file's JSON text, or why it is unusable. The key is parsed here, at
 * start, so that a truncated or PKCS#1 key ("BEGIN RSA PRIVATE KEY", which the JWT signer refuses)
 * stops the service with a clear message instead of failing every push later. Messages never quote
 * the text: it holds the private key.
 */
export function parseServiceAccount(text: string): { account: ServiceAccount } | { problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { problem: 'is not valid JSON' };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { problem: 'must be a JSON object' };
  const fields = json as Record<string, unknown>;
  const missing = REQUIRED.filter((name) => typeof fields[name] !== 'string' || fields[name] === '');
  if (missing.length > 0) return { problem: `lacks ${missing.join(', ')}` };
  const [projectId, clientEmail, privateKey, tokenUri] = REQUIRED.map((name) => fields[name] as string) as [string, string, string, string];
  const keyProblem = rsaPkcs8Problem(privateKey);
  if (keyProblem !== null) return { problem: `private_key ${keyProblem}` };
  if (!/^https?:\/\/[^\s]+$/.test(tokenUri) || !URL.canParse(tokenUri)) return { problem: 'token_uri must be an http(s) URL' };
  if (!isTlsOrLoopback(tokenUri)) return { problem: plainHttpProblem('token_uri') };
  return { account: { projectId, clientEmail, privateKey, tokenUri } };
}

function rsaPkcs8Problem(pem: string): string | null {
  if (!pem.trimStart().startsWith(PKCS8_LABEL)) return `must be a PKCS#8 PEM key (${PKCS8_LABEL})`;
  try {
    const key = createPrivateKey({ key: pem, format: 'pem' });
    return key.asymmetricKeyType === 'rsa' ? null : `must be an RSA key (got ${key.asymmetricKeyType ?? 'unknown'})`;
  } catch {
    return 'cannot be parsed as a private key';
  }
}
