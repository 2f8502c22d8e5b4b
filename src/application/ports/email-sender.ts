export interface OutgoingEmail {
  readonly to: string;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  /** Derived from the notification id so that a resend carries the same Message-ID. */
  readonly messageId: string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * `transient`: worth another attempt later (4xx, refused, timeout before DATA).
 * `permanent`: never will succeed (5xx, invalid address).
 * `ambiguous`: the connection died after DATA; the message may have arrived.
 * `deferred`: nothing was sent; try again once the provider is back.
 */
export type SendOutcome =
  | { readonly kind: 'accepted'; readonly response: string }
  | { readonly kind: 'transient' | 'permanent' | 'ambiguous'; readonly error: string; readonly response: string | null }
  /** Not attempted: the provider is known to be down (circuit open). Not an attempt, not a failure. */
  | { readonly kind: 'deferred'; readonly error: string; readonly response: null };

/** Hands one email to the provider; classifies failures instead of throwing them. */
export interface EmailSender {
  send(email: OutgoingEmail): Promise<SendOutcome>;
}
