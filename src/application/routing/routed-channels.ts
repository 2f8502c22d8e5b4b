import { CHANNELS, type Channel } from '../../domain/notification-type.js';
import type { TemplateDefinition } from '../../domain/template-definition.js';

/** How a routed request walks its channels: every kept one, or the first that can be sent on. */
export interface Route {
  readonly mode: 'all' | 'first';
  readonly channels: readonly Channel[];
}

/**
 * The type's channels (those its template has a variant for), in the order they are tried: the
 * template's `first` order, else the order of CHANNELS.
 */
export function routeOf(definition: TemplateDefinition): Route {
  const variants = new Set(definition.variants.map((v) => v.channel));
  // Each channel once, whatever a version stored before orders were checked for repeats says.
  if (definition.routing.mode === 'first') return { mode: 'first', channels: [...new Set(definition.routing.order)].filter((c) => variants.has(c)) };
  return { mode: 'all', channels: CHANNELS.filter((c) => variants.has(c)) };
}

/** A fallback goes on with the channels the failed notification had left, in their order. */
export function fallbackRoute(channels: readonly Channel[]): Route {
  return { mode: 'first', channels };
}
