import { Counter, Gauge, type Registry } from 'prom-client';

const KIND = ['kind'] as const;

/** The WebSocket stream's metrics, on the container's registry; `kind` is `user` or `admin`. */
export class StreamMetrics {
  readonly connections: Gauge<'kind'>;
  readonly messagesSent: Counter<'kind'>;
  readonly slowClientsDropped: Counter<'kind'>;
  readonly idleClientsDropped: Counter<'kind'>;
  readonly upgradesRefused: Counter<'status'>;
  readonly relayPublishFailures: Counter<'reason'>;
  readonly relayed: Counter<'source'>;
  readonly revokedKeyStreamsClosed: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.connections = new Gauge({ name: 'notification_ws_connections', help: 'Open WebSocket stream connections on this instance, by kind (user, admin).', labelNames: KIND, registers });
    this.messagesSent = new Counter({ name: 'notification_ws_messages_sent_total', help: 'Messages written to WebSocket stream clients, by kind of client.', labelNames: KIND, registers });
    this.slowClientsDropped = new Counter({
      name: 'notification_ws_slow_clients_dropped_total',
      help: 'Stream clients dropped because more than WS_MAX_BUFFERED_BYTES waited to be written to them, by kind.',
      labelNames: KIND,
      registers,
    });
    this.idleClientsDropped = new Counter({ name: 'notification_ws_idle_clients_dropped_total', help: 'Stream clients dropped after WS_IDLE_TIMEOUT_SECONDS without a message or a pong, by kind.', labelNames: KIND, registers });
    this.upgradesRefused = new Counter({ name: 'notification_ws_upgrades_refused_total', help: 'WebSocket upgrades refused before accepting, by HTTP status (400, 401, 403, 404, 405, 429, 503).', labelNames: ['status'] as const, registers });
    this.relayPublishFailures = new Counter({
      name: 'notification_ws_relay_publish_failures_total',
      help: 'Stream messages (feed changes, outcome copies) not handed to the broker for the other instances, by reason (no_connection, blocked, backpressure, refused); this instance\'s own streams still get them.',
      labelNames: ['reason'] as const,
      registers,
    });
    this.relayed = new Counter({ name: 'notification_ws_relayed_messages_total', help: 'Messages this instance received from the broker for its streams, by source (feed, outcome).', labelNames: ['source'] as const, registers });
    this.revokedKeyStreamsClosed = new Counter({ name: 'notification_ws_revoked_key_streams_closed_total', help: 'Admin streams closed (1008) because the API key that opened them was revoked.', registers });
  }
}
