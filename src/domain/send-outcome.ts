/**
 * What a channel's sender answered for one message (the delivery core's vocabulary, the same for
 * every channel):
 * - `accepted`: the provider took it; `providerMessageId` when the provider names it.
 * - `transient`: this message failed for now; retried on its priority's plan (`retryAfterMs` when
 *   the provider said how long to wait).
 * - `permanent`: this message will never succeed; failed at once.
 * - `ambiguous`: the provider may have it (the connection died after the message was handed
 *   over); resent later with the same id, so the receiver can de-duplicate. `unanswered`: no
 *   answer came within the timeout (rather than the connection dropping): a provider that hangs,
 *   which its breaker counts like provider_down while the attempt is still recorded ambiguous.
 * - `providerDown`: the provider as a whole (for webhooks, the receiving endpoint) is failing,
 *   not this message. It never uses an attempt. `attempted` is false when nothing was sent (the
 *   circuit was open); `configurationFault` marks a fault only the operator can fix (SMTP 535,
 *   an HTTP provider refusing our credentials), shown in the health report.
 */
export type SendOutcome =
  | { readonly kind: 'accepted'; readonly response: string; readonly providerMessageId: string | null; readonly rejected?: readonly RejectedAddress[] }
  | { readonly kind: 'transient'; readonly error: string; readonly response: string | null; readonly retryAfterMs?: number; readonly rejected?: readonly RejectedAddress[] }
  | { readonly kind: 'permanent'; readonly error: string; readonly response: string | null; readonly rejected?: readonly RejectedAddress[] }
  | { readonly kind: 'ambiguous'; readonly error: string; readonly response: string | null; readonly unanswered?: boolean; readonly rejected?: readonly RejectedAddress[] }
  | {
      readonly kind: 'provider_down';
      readonly error: string;
      readonly response: string | null;
      readonly attempted: boolean;
      readonly configurationFault: boolean;
      readonly retryAfterMs?: number;
      /**
       * Not sent because our own room for the receiver is full (webhooks in flight to one
       * endpoint): tried again after `retryAfterMs`, whatever the deferrals before it; it is no
       * sign of an outage, so it neither lengthens the backoff nor counts as a deferral.
       */
      readonly busy?: boolean;
    };

/**
 * An address the provider said is dead, whatever the outcome of the rest of the send:
 * - `unregistered`: a push token the provider no longer knows (removed from the profiles holding it);
 * - `opted_out`: the recipient asked not to be sent to (SMS STOP: added to the suppressions);
 * - `gone`: a webhook endpoint answered 410 (disabled until its URL is set again).
 */
export interface RejectedAddress {
  readonly address: string;
  readonly reason: 'unregistered' | 'opted_out' | 'gone';
}

export type SendOutcomeKind = SendOutcome['kind'];
