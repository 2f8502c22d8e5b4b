import { importPKCS8, SignJWT } from 'jose';
import { Agent, request } from 'undici';
import { POOL_SIZES } from '../channel-limits.js';
import { mixedContent } from '../mixed-events.js';
import type { RawClient } from './raw-client.js';

const FCM_SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';

/** The service account's access token, obtained once (the service caches it too). */
async function accessToken(pool: Agent, account: { client_email: string; private_key: string; token_uri: string }): Promise<string> {
  const key = await importPKCS8(account.private_key, 'RS256');
  const assertion = await new SignJWT({ scope: FCM_SCOPE }).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).setIssuer(account.client_email).setAudience(account.token_uri).setIssuedAt().setExpirationTime('1h').sign(key);
  const form = new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString();
  const response = await request(account.token_uri, { dispatcher: pool, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
  return ((await response.body.json()) as { access_token: string }).access_token;
}

/** FCM HTTP v1 messages:send through an undici Agent, as FcmPushSender posts it. */
export async function pushClient(env: Readonly<Record<string, string>>, to: (i: number) => string): Promise<RawClient> {
  const pool = new Agent({ connections: POOL_SIZES.push });
  const account = JSON.parse(env.PUSH_SERVICE_ACCOUNT_JSON ?? '{}') as { project_id: string; client_email: string; private_key: string; token_uri: string };
  const authorization = `Bearer ${await accessToken(pool, account)}`;
  const url = `${env.PUSH_API_BASE_URL}/v1/projects/${encodeURIComponent(account.project_id)}/messages:send`;
  return {
    send: async (i) => {
      const { subject, body } = mixedContent(i);
      const json = JSON.stringify({ message: { token: to(i), notification: { title: subject, body }, data: {} } });
      const response = await request(url, { dispatcher: pool, method: 'POST', headers: { authorization, 'content-type': 'application/json; charset=utf-8' }, body: json });
      await response.body.text();
      if (response.statusCode !== 200) throw new Error(`raw push: HTTP ${response.statusCode}`);
    },
    close: () => pool.close(),
  };
}

