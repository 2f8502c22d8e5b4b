import type { Clock } from '../ports/clock.js';
import type { StreamTicketSecrets, StreamTicketStore } from '../ports/stream-access.js';

/** How long a ticket opens a stream: long enough to open one right away, too short to be worth stealing. */
export const STREAM_TICKET_TTL_MS = 30_000;
/** Longer than any ticket the secrets make: a longer string is not looked up at all. */
const MAX_TICKET_LENGTH = 128;

export interface IssuedTicket {
  readonly ticket: string;
  readonly expiresAt: Date;
}

/**
 * Single-use tickets for admin streams. A browser cannot set headers on a WebSocket, and an API
 * key must never go in a URL (logs, history, referrers keep URLs): the page trades its key for a
 * ticket over REST, then opens `/ws?ticket=...`. A ticket works once, on any instance, for 30 s.
 */
export class StreamTickets {
  constructor(
    private readonly store: StreamTicketStore,
    private readonly secrets: StreamTicketSecrets,
    private readonly clock: Clock,
  ) {}

  async issue(): Promise<IssuedTicket> {
    const ticket = this.secrets.generate();
    const expiresAt = new Date(this.clock.now().getTime() + STREAM_TICKET_TTL_MS);
    await this.store.save(this.secrets.hash(ticket), expiresAt);
    return { ticket, expiresAt };
  }

  /** True once for a ticket issued less than 30 s ago; false for any other string. */
  async redeem(ticket: string): Promise<boolean> {
    if (ticket.length === 0 || ticket.length > MAX_TICKET_LENGTH) return false;
    return this.store.consume(this.secrets.hash(ticket));
  }
}
