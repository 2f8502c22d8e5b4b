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
  hash(ticket: string): string;
}

/**
 * Tickets shared by every instance (a ticket issued by one opens a stream on any other). Only
 * their hashes are stored; expired ones are left to retention.
 */
export interface StreamTicketStore {
  save(hash: string, expiresAt: Date): Promise<void>;
  /** Removes the ticket and answers true when it was there and not expired: one use, by one caller. */
  consume(hash: string): Promise<boolean>;
}
