import { newWebhookSecret } from '../../src/adapters/webhook/webhook-settings.js';
import { FcmFake } from './fcm-fake.js';
import type { Env } from './service-process.js';
import { TwilioFake } from './twilio-fake.js';
import { WebhookReceiver } from './webhook-receiver.js';

/** Where Twilio is told to post status callbacks: what the fake signs over, whatever port the service has. */
export const STATUS_CALLBACK_URL = 'https://notify.example.com/providers/sms/status';
export const SMS_FROM = '+15005550006';

/**
 * A fake of each HTTP provider (Twilio, FCM, a webhook receiver), and the environment that points
 * the built service at them: what `make run` does when no provider is configured, for a test.
 */
export class ProviderFakes {
  private constructor(
    readonly twilio: TwilioFake,
    readonly fcm: FcmFake,
    readonly receiver: WebhookReceiver,
    readonly webhookSecret: string,
  ) {}

  static async start(): Promise<ProviderFakes> {
    const webhookSecret = newWebhookSecret();
    const [twilio, fcm, receiver] = await Promise.all([TwilioFake.start(), FcmFake.start(), WebhookReceiver.start([webhookSecret])]);
    return new ProviderFakes(twilio, fcm, receiver, webhookSecret);
  }

  env(): Env {
    return {
      SMS_ACCOUNT_SID: this.twilio.account.sid,
      SMS_AUTH_TOKEN: this.twilio.account.token,
      SMS_FROM,
      SMS_API_BASE_URL: this.twilio.baseUrl,
      SMS_STATUS_CALLBACK_URL: STATUS_CALLBACK_URL,
      SMS_TIMEOUT_MS: '2000',
      PUSH_SERVICE_ACCOUNT_JSON: this.fcm.serviceAccount.text,
      PUSH_API_BASE_URL: this.fcm.baseUrl,
      PUSH_TIMEOUT_MS: '2000',
      WEBHOOK_SIGNING_SECRET: this.webhookSecret,
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOK_TIMEOUT_MS: '2000',
    };
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.twilio.close(), this.fcm.close(), this.receiver.close()]);
  }
}
