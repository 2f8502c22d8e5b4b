import type { ServiceName, Services } from '../services.js';

export type Resolve = <K extends ServiceName>(name: K) => Services[K];

/** Production wiring: one lazy factory per service; the composition root builds each once, on first use. */
export type Factories = { readonly [K in Exclude<ServiceName, 'config'>]: (get: Resolve) => Services[K] };
