import { randomUUID } from 'node:crypto';
import type { SmsSettings } from '../../../src/adapters/sms/sms-settings.js';
import { TwilioSmsSender } from '../../../src/adapters/sms/twilio-sms-sender.js';
import type { OutgoingMessage } from '../../../src/application/ports/channel-sender.js';
import type { SendOutcome } from '../../../src/domain/send-outcome.js';
import { TwilioFake } from '../../support/twilio-fake.js';

export const FROM = '+15005550006';
export const CALLBACK_URL = 'https://notifications.example.test/providers/sms/status';

export function settingsFor(fake: TwilioFake, overrides: Partial<SmsSettings> = {}): SmsSettings {
  return {
    accountSid: fake.account.sid,
    authToken: fake.account.token,
    from: FROM,
    messagingServiceSid: undefined,
    baseUrl: fake.baseUrl,
    statusCallbackUrl: CALLBACK_URL,
    connectTimeoutMs: 2_000,
    responseTimeoutMs: 2_000,
    maxConnections: 2,
    ...overrides,
  };
}

export function anSms(body = 'Your code is 424242.', overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    notificationId: randomUUID(),
    notificationType: 'email_verification',
    userId: null,
    recipient: '+4915112345678',
    correlationId: null,
    content: { channel: 'sms', body },
    ...overrides,
  };
}

/** The kind and, for provider_down, its flags: what each classification test compares. */
export function flagsOf(outcome: SendOutcome): Record<string, unknown> {
  if (outcome.kind !== 'provider_down') return { kind: outcome.kind };
  return { kind: outcome.kind, attempted: outcome.attempted, configurationFault: outcome.configurationFault };
}

/** One fake for the suite, reset before each test; senders opened by a test are closed after it. */
export function senderOnFake(): { fake: () => TwilioFake; open: (overrides?: Partial<SmsSettings>) => TwilioSmsSender } {
  let fake: TwilioFake | undefined;
  const opened: TwilioSmsSender[] = [];
  before(async () => {
    fake = await TwilioFake.start();
  });
  beforeEach(() => fake?.reset());
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((sender) => sender.close()));
    if (fake && !fake.listening) await fake.restore();
  });
  after(async () => fake?.close());
  const current = (): TwilioFake => {
    if (!fake) throw new Error('the Twilio fake has not started');
    return fake;
  };
  const open = (overrides: Partial<SmsSettings> = {}): TwilioSmsSender => {
    const sender = new TwilioSmsSender(settingsFor(current(), overrides));
    opened.push(sender);
    return sender;
  };
  return { fake: current, open };
}
