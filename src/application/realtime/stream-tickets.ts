import type { StreamTicketSecrets, StreamTicketStore } from '../ports/stream-access.js';

/** How long a ticket opens a stream: long enough to open one right away, too short to be worth stealing. */
export const STREAM_TICKET_TTL_MS = 30_000;

export interface IssuedTicket {
  readonly ticket: string;
  readonly expiresAt: Date;
}

/**
 * Single-use tickets for admin streams. A browser cannot set headers on a WebSocket, and an API
 * key must never go in a URL (logs, history, referrers keep URLs): the page trades its key for a
 * ticket over REST, then opens `/ws?ticket=...`. A ticket works once, on any instance, for 30 s,
 * and opens a stream on behalf of the key that issued it (counted against that key's streams,
 * closed when it is revoked).
 */
export class StreamTickets {
  constructor(
    private readonly store: StreamTicketStore,
    private readonly secrets: StreamTicketSecrets,
  ) {}

  /** A ticket for the key `keyId`; its expiry is the store's clock plus 30 s. */
  async issue(keyId: string): Promise<IssuedTicket> {
    const ticket = this.secrets.generate();
    const expiresAt = await this.store.save(this.secrets.hash(ticket), keyId, STREAM_TICKET_TTL_MS);
    return { ticket, expiresAt };
  }

  /**
   * The id of the key that issued the ticket, once, for a ticket issued less than 30 s ago; null
   * for any other string. A string of another shape is refused without a query: an anonymous
   * upgrade costs the primary nothing.
   */
  async redeem(ticket: string): Promise<string | null> {
    if (!this.secrets.isWellFormed(ticket)) return null;
    return this.store.consume(this.secrets.hash(ticket));
  }
}
