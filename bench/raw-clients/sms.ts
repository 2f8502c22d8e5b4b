import http from 'node:http';
import { POOL_SIZES } from '../channel-limits.js';
import { mixedContent } from '../mixed-events.js';
import type { RawClient } from './raw-client.js';

/** Twilio's Messages API over node:http keep-alive connections, as TwilioSmsSender posts it. */
export function smsClient(env: Readonly<Record<string, string>>, to: (i: number) => string): RawClient {
  const agent = new http.Agent({ keepAlive: true, maxSockets: POOL_SIZES.sms });
  const url = new URL(`${env.SMS_API_BASE_URL}/2010-04-01/Accounts/${env.SMS_ACCOUNT_SID}/Messages.json`);
  const authorization = `Basic ${Buffer.from(`${env.SMS_ACCOUNT_SID}:${env.SMS_AUTH_TOKEN}`).toString('base64')}`;
  return {
    send: async (i) => {
      const form = new URLSearchParams({ To: to(i), From: env.SMS_FROM ?? '', Body: mixedContent(i).body, StatusCallback: env.SMS_STATUS_CALLBACK_URL ?? '' }).toString();
      const headers = { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'content-length': String(Buffer.byteLength(form)) };
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(url, { method: 'POST', headers, agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end(form);
      });
      if (status !== 201) throw new Error(`raw SMS: HTTP ${status}`);
    },
    close: async () => agent.destroy(),
  };
}

