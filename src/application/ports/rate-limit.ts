import type { Channel } from '../../domain/notification-type.js';

/**
 * A channel's send budget, shared by every instance of the service: a provider's rate limit
 * (Twilio's messages per second, FCM's quota) holds however many instances send. Channels without
 * a limit are never asked about.
 */
export interface ChannelRateLimit {
  /** Whether the channel has a limit at all. */
  limits(channel: Channel): boolean;
  /** Takes up to `wanted` sends from the channel's budget now; answers how many may go. */
  take(channel: Channel, wanted: number): Promise<number>;
  /** Puts back sends taken but not used (fewer notifications were due than taken). */
  giveBack(channel: Channel, unused: number): Promise<void>;
}
