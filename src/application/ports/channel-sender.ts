import type { Channel, NotificationType } from '../../domain/notification-type.js';
import type { SendOutcome } from '../../domain/send-outcome.js';

/** What the template produced for one channel: each channel's fields. */
export type RenderedContent =
  | {
      readonly channel: 'email';
      /** One line: CR and LF never appear in it. */
      readonly subject: string;
      readonly html: string;
      readonly text: string;
    }
  | { readonly channel: 'sms'; readonly body: string }
  | { readonly channel: 'push'; readonly title: string; readonly body: string; readonly data: Readonly<Record<string, string>> }
  /** `payload`: the JSON text to POST, as rendered (a variant's payload or the default envelope). */
  | { readonly channel: 'webhook'; readonly payload: string }
  | { readonly channel: 'in_app'; readonly title: string; readonly body: string; readonly actionUrl: string | null; readonly data: Readonly<Record<string, string>> };

export type RenderedFor<C extends Channel> = Extract<RenderedContent, { channel: C }>;

/** One rendered notification for one recipient, ready for its channel's sender. */
export interface OutgoingMessage {
  /** The sender derives the provider-side id from it (email: the Message-ID), the same on every attempt. */
  readonly notificationId: string;
  readonly notificationType: NotificationType;
  /** The profile the notification was addressed through, if any (a webhook's own secret, an in-app feed). */
  readonly userId: string | null;
  /** The channel's address: an email address, an E.164 number, device tokens (see device-tokens.ts), a URL, a user id. */
  readonly recipient: string;
  /** The recipient is the profile's contact point (absent: false): a webhook is then signed only with that endpoint's own secrets. */
  readonly fromProfile?: boolean;
  readonly correlationId: string | null;
  readonly content: RenderedContent;
}

/**
 * Hands one message to a channel's provider and classifies the answer (SendOutcome) instead of
 * throwing it. A sender never retries by itself: the delivery core decides what happens next.
 */
export interface ChannelSender {
  readonly channel: Channel;
  send(message: OutgoingMessage): Promise<SendOutcome>;
}

export type CircuitState = 'closed' | 'open' | 'half_open';

/** A sender behind its channel's circuit breaker: workers leave its notifications due while it is open. */
export interface GuardedChannelSender extends ChannelSender {
  readonly circuit: CircuitState;
  /** The operator-fixable fault (refused credentials) the provider last answered with, until a send succeeds. */
  readonly configurationFault: string | null;
}
