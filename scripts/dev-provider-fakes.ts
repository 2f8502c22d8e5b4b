// Local provider fakes for `make run` when SMS and push have no provider configured:
// `node --import tsx scripts/dev-provider-fakes.ts <env file> [sms] [push]`. Starts the Twilio fake, the FCM
// fake (with a throwaway service account) and a webhook receiver on 127.0.0.1, each checking the
// wire format as its provider would, and writes the variables that point the service at the
// channels named (those without a provider of their own) to the env file (sourced by
// scripts/run.sh). Each lists what it received at GET /_fake/received.
import { writeFile } from 'node:fs/promises';
import { newWebhookSecret } from '../src/adapters/webhook/webhook-settings.js';
import { FAKE_ACCOUNT, TwilioFake } from '../tests/support/twilio-fake.js';
import { FcmFake } from '../tests/support/fcm-fake.js';
import { WebhookReceiver } from '../tests/support/webhook-receiver.js';

const [envFile, ...faked] = process.argv.slice(2);
if (!envFile) {
  console.error('dev-provider-fakes: give the env file to write');
  process.exit(2);
}
const port = (name: string, fallback: number) => Number(process.env[name] || fallback);
const secret = newWebhookSecret();
const twilio = await TwilioFake.start(FAKE_ACCOUNT, port('DEV_SMS_PORT', 8026));
const fcm = await FcmFake.start({ port: port('DEV_PUSH_PORT', 8027) });
const receiver = await WebhookReceiver.start([secret], port('DEV_WEBHOOK_PORT', 8028));
const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
const sms = { SMS_ACCOUNT_SID: twilio.account.sid, SMS_AUTH_TOKEN: twilio.account.token, SMS_FROM: '+15005550006', SMS_API_BASE_URL: twilio.baseUrl };
const push = { PUSH_SERVICE_ACCOUNT_JSON: fcm.serviceAccount.text, PUSH_API_BASE_URL: fcm.baseUrl };
const vars = {
  ...(faked.includes('sms') ? sms : {}),
  ...(faked.includes('push') ? push : {}),
  WEBHOOK_SIGNING_SECRET: process.env.WEBHOOK_SIGNING_SECRET || secret,
  // The local receiver listens on 127.0.0.1; an operator's own choice stands.
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: process.env.WEBHOOK_ALLOW_PRIVATE_NETWORKS || 'true',
  DEV_SMS_RECEIVED: `${twilio.baseUrl}/_fake/received`,
  DEV_PUSH_RECEIVED: `${fcm.baseUrl}/_fake/received`,
  DEV_WEBHOOK_URL: receiver.url(),
  DEV_WEBHOOK_RECEIVED: `http://127.0.0.1:${receiver.port}/_fake/received`,
};
await writeFile(envFile, Object.entries(vars).map(([name, value]) => `export ${name}=${quote(value)}\n`).join(''), { mode: 0o600 });
console.log(`dev-provider-fakes: Twilio ${twilio.baseUrl}, FCM ${fcm.baseUrl}, webhook receiver ${receiver.url()}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void Promise.allSettled([twilio.close(), fcm.close(), receiver.close()]).then(() => process.exit(0)));
}
