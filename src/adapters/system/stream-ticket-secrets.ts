import { createHash, randomBytes } from 'node:crypto';
import type { StreamTicketSecrets } from '../../application/ports/stream-access.js';

/** `wst_` and 32 random bytes in base64url, unpadded: always 43 characters. */
const TICKET = /^wst_[A-Za-z0-9_-]{43}$/;

/** 256 random bits, URL-safe (a ticket travels in a query string); stored as its SHA-256, like API keys (ADR 3). */
export class RandomStreamTicketSecrets implements StreamTicketSecrets {
  generate(): string {
    return `wst_${randomBytes(32).toString('base64url')}`;
  }

  isWellFormed(ticket: string): boolean {
    return TICKET.test(ticket);
  }

  hash(ticket: string): string {
    return createHash('sha256').update(ticket, 'utf8').digest('hex');
  }
}
