/**
 * Checks the token a user's browser presents to open their stream: the lowercase hex of
 * HMAC-SHA256(FEED_SIGNING_SECRET, userid), computed by the user's own backend. Compared in
 * constant time.
 */
export interface FeedTokens {
  matches(userId: string, token: string): boolean;
}

/** Makes the single-use tickets that open an admin stream, and the one-way hashes they are stored under. */
export interface StreamTicketSecrets {
  /** A new high-entropy ticket, shown to its caller once. */
  generate(): string;
  /** Whether a string has the exact shape of a ticket `generate` makes: anything else is never looked up. */
  isWellFormed(ticket: string): boolean;
  hash(ticket: string): string;
}

/**
 * Tickets shared by every instance (a ticket issued by one opens a stream on any other). Only
 * their hashes are stored, with the id of the API key that issued them; expired ones are left to
 * retention.
 */
export interface StreamTicketStore {
  /** Stores a ticket valid `ttlMs` from now by the store's clock (the same for every instance); answers its expiry. */
  save(hash: string, keyId: string, ttlMs: number): Promise<Date>;
  /**
   * Removes the ticket and answers the id of the key that issued it when it was there and not
   * expired (one use, by one caller); null otherwise.
   */
  consume(hash: string): Promise<string | null>;
}
