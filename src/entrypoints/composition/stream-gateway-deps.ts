import type { AppContainer } from '../bootstrap.js';
import { streamAccess } from '../ws/stream-access-check.js';
import { StreamGateway } from '../ws/stream-gateway.js';

/** A client's message is a ping: 4 KiB is plenty, and bounds what a client can make the server hold. */
const MAX_MESSAGE_BYTES = 4 * 1024;

/** The `/ws` gateway, given what it uses out of the container (the routes' rule: nothing reaches in). */
export function streamGatewayOf(app: AppContainer): StreamGateway {
  const { stream } = app.get('config');
  const accessDeps = { authenticator: app.get('authenticator'), tickets: app.get('streamTickets'), feedTokens: app.get('feedTokens') };
  const authenticator = app.get('authenticator');
  return new StreamGateway({
    access: (credentials) => streamAccess(accessDeps, credentials),
    connections: app.get('streamConnections'),
    liveKeyIds: (ids) => authenticator.liveKeyIds(ids),
    ids: app.get('ids'),
    lifecycle: app.get('lifecycle'),
    settings: { maxConnections: stream.maxConnections, maxStreamsPerSubject: stream.maxStreamsPerSubject, idleTimeoutMs: stream.idleTimeoutMs, maxMessageBytes: MAX_MESSAGE_BYTES },
    metrics: app.get('streamMetrics'),
    logger: app.get('logger'),
  });
}
