import type { ComponentCheck } from './health.js';

/** What the check reads of a sender with a breaker per endpoint (PerEndpointCircuits). */
export interface EndpointCircuits {
  readonly openEndpoints: number;
}

/**
 * A channel with a breaker per endpoint (webhooks) says `closed` as a whole, whatever its
 * endpoints, so its channel check alone never shows a receiver that is down. This adds how many
 * endpoints' circuits are open (or due a probe) as `open_endpoints`, and turns an `up` channel
 * `degraded` while any is: worth a look, never an outage of the service (one user's receiver
 * being down is not ours), so a channel already degraded or down stays as it was.
 */
export function withOpenEndpoints(check: ComponentCheck, circuits: EndpointCircuits): ComponentCheck {
  return {
    ...check,
    check: async () => {
      const health = await check.check();
      const open = circuits.openEndpoints;
      return { ...health, status: open > 0 && health.status === 'up' ? 'degraded' : health.status, open_endpoints: open };
    },
  };
}
