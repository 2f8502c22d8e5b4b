import { StreamTickets } from '../../application/realtime/stream-tickets.js';
import { StreamMetrics } from '../../adapters/observability/stream-metrics.js';
import { KyselyStreamTicketStore } from '../../adapters/postgres/stream-ticket.store.js';
import { AmqpSession } from '../../adapters/rabbitmq/amqp-session.js';
import { AmqpStreamRelay, type RelayMonitor } from '../../adapters/rabbitmq/amqp-stream-relay.js';
import { HmacFeedTokens } from '../../adapters/realtime/hmac-feed-tokens.js';
import { LocalFeedStream } from '../../adapters/realtime/local-feed-stream.js';
import { RandomStreamTicketSecrets } from '../../adapters/system/stream-ticket-secrets.js';
import { StreamConnections } from '../ws/stream-connections.js';
import type { Factories } from './factory-types.js';

/** What the broker keeps for one instance's streams while it lags behind (newest kept). */
const RELAY_MAX_QUEUED = 10_000;

type Realtime = 'streamMetrics' | 'streamConnections' | 'streamBroker' | 'feedStream' | 'feedTokens' | 'streamTickets';

/** The WebSocket stream (ADR 19): its connections, the relay through the broker, user tokens and admin tickets. */
export const realtimeFactories: Pick<Factories, Realtime> = {
  streamMetrics: (get) => new StreamMetrics(get('metrics').registry),
  streamConnections: (get) => new StreamConnections(get('config').stream.maxBufferedBytes, get('streamMetrics')),
  // A connection of its own: the relay's traffic and its channel's fate never touch the event consumer's.
  streamBroker: (get) => {
    const amqp = get('config').amqp;
    if (!amqp) return null;
    const logger = get('logger');
    const metrics = get('streamMetrics');
    const settings = { streamExchange: amqp.streamExchange, maxQueued: RELAY_MAX_QUEUED };
    const monitor: RelayMonitor = { publishFailed: (reason) => metrics.relayPublishFailures.inc({ reason }), relayed: (source) => metrics.relayed.inc({ source }) };
    const relay = new AmqpStreamRelay(settings, get('streamConnections'), logger, monitor);
    const session = new AmqpSession(
      { url: amqp.url, heartbeatSeconds: amqp.heartbeatSeconds, connectionName: 'notification-service.stream', reconnectInitialMs: 250, reconnectMaxMs: 15_000 },
      [relay.setup],
      logger,
      (error) => get('lifecycle').onFatal(error),
    );
    return { session, relay };
  },
  feedStream: (get) => get('streamBroker')?.relay ?? new LocalFeedStream(get('streamConnections')),
  feedTokens: (get) => {
    const secret = get('config').stream.feedSigningSecret;
    return secret === undefined ? null : new HmacFeedTokens(secret);
  },
  streamTickets: (get) => new StreamTickets(new KyselyStreamTicketStore(get('primaryDb')), new RandomStreamTicketSecrets()),
};
