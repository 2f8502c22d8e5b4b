import { generateKeyPairSync, randomBytes } from 'node:crypto';

/** A Google service-account key file as the console downloads it (the fields the sender reads, and a few more). */
export interface ServiceAccountJson {
  readonly type: 'service_account';
  readonly project_id: string;
  readonly private_key_id: string;
  readonly private_key: string;
  readonly client_email: string;
  readonly client_id: string;
  readonly token_uri: string;
}

export interface ThrowawayServiceAccount {
  readonly json: ServiceAccountJson;
  /** The JSON text, as PUSH_SERVICE_ACCOUNT_JSON may hold it. */
  readonly text: string;
  /** SPKI PEM: what the fake token endpoint verifies assertions with. */
  readonly publicKeyPem: string;
}

/**
 * A fresh service account with a new RSA key (2048 bits, PKCS#8), for one fake or one test. Two
 * calls with the same email give the same identity with different keys: the second one's JWTs
 * fail the first one's signature check, like a revoked key.
 */
export function throwawayServiceAccount(options: { tokenUri: string; projectId?: string; clientEmail?: string }): ThrowawayServiceAccount {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const projectId = options.projectId ?? 'fake-project';
  const json: ServiceAccountJson = {
    type: 'service_account',
    project_id: projectId,
    private_key_id: randomBytes(20).toString('hex'),
    private_key: privateKey,
    client_email: options.clientEmail ?? `push-sender@${projectId}.iam.gserviceaccount.com`,
    client_id: String(100_000_000_000_000_000n + BigInt(randomBytes(4).readUInt32BE())),
    token_uri: options.tokenUri,
  };
  return { json, text: JSON.stringify(json, null, 2), publicKeyPem: publicKey };
}
