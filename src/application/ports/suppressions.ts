import type { Channel } from '../../domain/notification-type.js';
import type { Suppression } from '../../domain/suppression.js';

/**
 * Addresses that must not be sent to, inside a unit of work's transaction. Addresses are compared
 * as stored: in the channel's form (Suppression.address).
 */
export interface Suppressions {
  /** Stores it unless its channel and address are suppressed already; answers the one stored (the first one). */
  add(suppression: Suppression): Promise<Suppression>;
  isSuppressed(channel: Channel, address: string): Promise<boolean>;
  /** False when no suppression has the id. */
  lift(id: string): Promise<boolean>;
}

export interface SuppressionFilter {
  readonly channel: Channel | null;
  readonly address: string | null;
}

export interface SuppressionPage {
  readonly suppressions: readonly Suppression[];
  /** How many match the filter, on every page. */
  readonly total: number;
}

/** Read side (may be served by the standby). */
export interface SuppressionReadModel {
  /** Newest first (created_at, then id); `page` counts from 1. */
  page(filter: SuppressionFilter, page: number, size: number): Promise<SuppressionPage>;
}
