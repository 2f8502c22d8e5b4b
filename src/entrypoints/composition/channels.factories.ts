import type { ChannelSender, GuardedChannelSender } from '../../application/ports/channel-sender.js';
import type { Channel } from '../../domain/notification-type.js';
import { CircuitBreakingSender } from '../../adapters/delivery/circuit-breaking-sender.js';
import { FeedItemSender } from '../../adapters/in-app/feed-item-sender.js';
import { FcmPushSender } from '../../adapters/push/fcm-push-sender.js';
import { TwilioSmsSender } from '../../adapters/sms/twilio-sms-sender.js';
import { PerEndpointCircuits, recipientPrefixOf } from '../../adapters/webhook/per-endpoint-circuits.js';
import type { SigningSecrets } from '../../adapters/webhook/signing-secrets.js';
import { WebhookSender } from '../../adapters/webhook/webhook-sender.js';
import type { WebhookEndpoints } from '../../application/ports/webhook-endpoints.js';
import type { CircuitConfig } from '../delivery-config.js';
import type { Factories, Resolve } from './factory-types.js';

const CIRCUIT_GAUGE = { closed: 0, half_open: 1, open: 2 } as const;

/**
 * A circuit closed after its probe got an answer: what it held back is due now, not when each
 * notification's backoff, grown while it was open, runs out (a webhook endpoint's notifications are
 * claimed and deferred again all the while, up to 5 minutes apart).
 */
function releaseDeferred(get: Resolve, channel: Channel, endpoint?: string): void {
  const logger = get('logger');
  get('deliveryQueue')
    .releaseDeferred(channel, endpoint === undefined ? undefined : recipientPrefixOf(endpoint))
    .then(
      (released) => released > 0 && logger.info({ channel, released }, 'notifications deferred while the circuit was open are due now'),
      (error: unknown) => logger.warn({ err: error, channel }, 'could not release the notifications deferred while the circuit was open: they wait out their backoff'),
    );
}

/** What a breaker reports: its state as a gauge and a log line, a configuration fault as an error. */
export function circuitListener(get: Resolve) {
  const metrics = get('metrics');
  const logger = get('logger');
  return {
    stateChanged: (channel: Channel, state: keyof typeof CIRCUIT_GAUGE) => {
      metrics.circuitState.set({ channel }, CIRCUIT_GAUGE[state]);
      logger.warn({ channel, circuit: state }, 'circuit breaker changed state');
      if (state === 'closed') releaseDeferred(get, channel);
    },
    configurationFault: (channel: Channel, error: string) => {
      metrics.providerConfigurationFaults.inc({ channel });
      logger.error({ channel, error }, 'the provider refused our configuration (credentials?): only an operator can fix this');
    },
  };
}

function guarded(get: Resolve, transport: ChannelSender | null, circuit: CircuitConfig): CircuitBreakingSender | null {
  return transport ? new CircuitBreakingSender(transport, circuit, circuitListener(get)) : null;
}

/**
 * A webhook to the profile's endpoint is signed with that endpoint's secrets only (the previous one
 * too during a rotation): none once the user changed, removed or disabled it, so nothing is posted
 * to a URL they gave up. A URL the send named is signed with WEBHOOK_SIGNING_SECRET.
 */
export function signingSecrets(endpoints: WebhookEndpoints, shared: string | undefined): SigningSecrets {
  return async ({ userId, recipient, fromProfile }) => {
    if (fromProfile) return userId === null ? [] : endpoints.signingSecrets(userId, recipient);
    return shared === undefined ? [] : [shared];
  };
}

type ChannelSenders = 'webhookTransport' | 'webhookSender' | 'smsTransport' | 'smsSender' | 'pushTransport' | 'pushSender' | 'inAppSender' | 'senders' | 'configuredChannels';

/** One sender per channel, each behind its own breaker; a channel without its settings has none. */
export const channelFactories: Pick<Factories, ChannelSenders> = {
  smsTransport: (get) => {
    const sms = get('config').sms;
    return sms ? new TwilioSmsSender(sms) : null;
  },
  smsSender: (get) => guarded(get, get('smsTransport'), get('config').delivery.circuits.sms),
  pushTransport: (get) => {
    const push = get('config').push;
    return push ? new FcmPushSender(push) : null;
  },
  pushSender: (get) => guarded(get, get('pushTransport'), get('config').delivery.circuits.push),
  webhookTransport: (get) => new WebhookSender(get('config').webhook, signingSecrets(get('webhookEndpoints'), get('config').webhook.signingSecret)),
  // Webhooks need no provider account: the channel is always configured, each endpoint behind its own breaker.
  webhookSender: (get) => {
    const logger = get('logger');
    const stateChanged = (endpoint: string, state: string, key: string) => {
      logger.warn({ channel: 'webhook', endpoint, circuit: state }, "a webhook endpoint's circuit changed state");
      if (state === 'closed') releaseDeferred(get, 'webhook', key);
    };
    const { maxInFlightPerEndpoint, maxConnections } = get('config').webhook;
    const limits = { maxInFlightPerEndpoint, maxInFlightPerOrigin: maxConnections };
    return new PerEndpointCircuits(get('webhookTransport'), { ...get('config').delivery.circuits.webhook, ...limits }, { stateChanged });
  },
  // The feed lives in the service's own database: in-app is always configured.
  inAppSender: (get) => new CircuitBreakingSender(new FeedItemSender(get('workerDb'), get('feedStream'), get('logger')), get('config').delivery.circuits.in_app, circuitListener(get)),
  senders: (get) => [get('emailSender'), get('smsSender'), get('pushSender'), get('webhookSender'), get('inAppSender')].filter((sender): sender is GuardedChannelSender => sender !== null),
  configuredChannels: (get) => new Set(get('senders').map((sender) => sender.channel)),
};
