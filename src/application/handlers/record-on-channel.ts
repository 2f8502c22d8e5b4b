import { DeviceTokens } from '../../domain/device-tokens.js';
import type { NotificationPreferences } from '../../domain/notification-preferences.js';
import { NotificationRequest } from '../../domain/notification-request.js';
import type { SuppressionReason } from '../../domain/notification-status.js';
import type { Channel } from '../../domain/notification-type.js';
import type { UserId } from '../../domain/user-id.js';
import type { TemplateRelease } from '../ports/template-catalogue.js';
import type { UnitOfWork } from '../ports/unit-of-work.js';
import { quietUntil } from '../routing/quiet-hours.js';
import { addressOf, routedAddressOf } from './contact-point.js';
import { newNotification } from './new-notification.js';
import type { NotificationAsk, RequestDeps } from './notification-ask.js';

/** A request once its template and the recipient's profile are known. */
export interface Asked {
  readonly ask: NotificationAsk;
  readonly release: TemplateRelease;
  readonly userId: UserId | null;
  readonly profile: NotificationPreferences | null;
}

/** One channel of a request: `strict` when the request named it (a missing address is the caller's error). */
export interface ChannelTarget {
  readonly channel: Channel;
  readonly strict: boolean;
  readonly fallback: readonly Channel[];
}

/**
 * Records the request's notification on one channel: `suppressed` with why it will not be sent
 * (suppressionOf), `scheduled` until the recipient's quiet hours end, or `pending`.
 */
export async function recordOn(uow: UnitOfWork, deps: RequestDeps, asked: Asked, target: ChannelTarget, release: TemplateRelease): Promise<NotificationRequest> {
  const { ask, userId, profile } = asked;
  const { channel } = target;
  const addressing = { channel, type: ask.type, recipient: target.strict || channel === 'email' ? ask.recipient : null, userId };
  const address = target.strict ? addressOf(addressing, profile) : routedAddressOf(addressing, profile);
  const sendable = address === null ? null : await unsuppressed(uow, channel, address);
  const now = deps.clock.now();
  const fields = newNotification(deps.ids.newId(), { ...asked, release, channel, recipient: sendable ?? address ?? '', fallback: target.fallback }, now);
  const reason = suppressionOf(deps, asked, channel, address, sendable);
  const until = reason ? null : earlier(quietUntil(profile, fields.priority, channel, now), fields.expiresAt);
  const notification = reason ? NotificationRequest.suppress(fields, reason, now) : until ? NotificationRequest.hold(fields, until, now) : NotificationRequest.request(fields, now);
  await uow.notifications.add(notification);
  return notification;
}

/** Held no later than its expiry: it fails `expired` then, not hours later when quiet hours end. */
function earlier(until: Date | null, expiresAt: Date | null): Date | null {
  return until !== null && expiresAt !== null && expiresAt < until ? expiresAt : until;
}

/**
 * Why the notification will not be sent, in the order on-call reads it; null: it goes. The
 * profile's choice for the type on the channel (its override, else the type's and the channel's
 * flags), an address, a provider for the channel, an address not suppressed.
 */
function suppressionOf(deps: RequestDeps, { ask, profile }: Asked, channel: Channel, address: string | null, sendable: string | null): SuppressionReason | null {
  if (profile !== null && !profile.channelDecision(ask.type, channel)) return 'preference_opt_out';
  if (address === null) return 'no_contact_point';
  if (!deps.configuredChannels.has(channel)) return 'channel_not_configured';
  return sendable === null ? 'recipient_suppressed' : null;
}

/** The address without what the suppressions hold (a push goes to the device tokens left); null when nothing is left. */
export async function unsuppressed(uow: UnitOfWork, channel: Channel, address: string): Promise<string | null> {
  const each = channel === 'push' ? DeviceTokens.parse(address) : [address];
  const left: string[] = [];
  for (const one of each) if (!(await uow.suppressions.isSuppressed(channel, one))) left.push(one);
  if (left.length === 0) return null;
  return channel === 'push' ? DeviceTokens.format(left) : address;
}
