import type { ComponentCheck } from './health.js';
import type { StreamBroker } from './services.js';
import type { StreamConnections } from './ws/stream-connections.js';

/**
 * The WebSocket stream: this instance's open streams, and its relay's own broker connection (ADR
 * 19). A relay that is away leaves the streams open but deaf to other instances: degraded (200),
 * never unhealthy. Without a broker the one instance relays to itself.
 */
export function streamHealth(connections: StreamConnections, broker: StreamBroker | null): ComponentCheck {
  return {
    name: 'stream',
    critical: false,
    check: async () => {
      if (!broker) return { status: 'up', relay: 'local', connections: connections.size };
      const { state, error } = broker.session.health();
      const status = state === 'connected' ? 'up' : state === 'blocked' ? 'degraded' : 'down';
      return { status, relay: state, connections: connections.size, ...(error ? { error } : {}) };
    },
  };
}
