import type { SendFields } from '../../domain/commands.js';
import type { NotificationRequest } from '../../domain/notification-request.js';
import type { Channel } from '../../domain/notification-type.js';
import { UserId } from '../../domain/user-id.js';
import type { TemplateRelease } from '../ports/template-catalogue.js';
import type { UnitOfWork } from '../ports/unit-of-work.js';
import { type Route, fallbackRoute, routeOf } from '../routing/routed-channels.js';
import { channelChecked, releaseFor, variablesChecked } from '../templates/release-for.js';
import type { NotificationAsk, RequestDeps } from './notification-ask.js';
import { type Asked, recordOn } from './record-on-channel.js';

export type { NotificationAsk, RequestDeps } from './notification-ask.js';

/**
 * Records, in the caller's transaction, the notifications a request asks for: one on the channel
 * it names, or, for a user and no channel, one per channel of the type's route (ADR 22): `all`
 * records one on every channel, `first` walks them in order and stops at the first that can be
 * sent. Each is `pending`, `scheduled` (the recipient's quiet hours) or `suppressed` with why
 * (record-on-channel.ts). The template's live version is checked first (its variables: an
 * InvalidValueError naming each that does not fit). The profile is read inside the transaction,
 * on the primary, so an opt-out written just before is honoured.
 */
export async function requestNotifications(uow: UnitOfWork, deps: RequestDeps, ask: NotificationAsk): Promise<readonly NotificationRequest[]> {
  const release = ask.fallback ? await fallbackRelease(deps, ask.type, ask.fallback.templateVersion) : variablesChecked(await releaseFor(deps.templates, ask.type), ask, deps.checkVariables);
  const userId = ask.userId === null ? null : UserId.of(ask.userId);
  const profile = userId && ask.routing !== 'exact' ? await uow.preferences.get(userId) : null;
  const asked: Asked = { ask, release, userId, profile };
  if (ask.channel !== null || userId === null) {
    const channel = ask.channel ?? 'email';
    return [await recordOn(uow, deps, asked, { channel, strict: true, fallback: [] }, channelChecked(release, { ...ask, channel }))];
  }
  return routed(uow, deps, asked, ask.fallback ? fallbackRoute(ask.fallback.channels) : routeOf(release.definition));
}

/** The version the failed notification was checked against: its variables fit it already. */
async function fallbackRelease(deps: RequestDeps, type: string, version: number | null): Promise<TemplateRelease> {
  return (version === null ? null : await deps.templates.version(type, version)) ?? releaseFor(deps.templates, type);
}

/** The one notification of a request on a channel it names (a reaction's email, a retry's channel). */
export async function requestNotification(uow: UnitOfWork, deps: RequestDeps, ask: NotificationAsk & { readonly channel: Channel }): Promise<NotificationRequest> {
  const [notification] = await requestNotifications(uow, deps, ask);
  return notification as NotificationRequest;
}

async function routed(uow: UnitOfWork, deps: RequestDeps, asked: Asked, route: Route): Promise<readonly NotificationRequest[]> {
  const recorded: NotificationRequest[] = [];
  for (const [i, channel] of route.channels.entries()) {
    const fallback = route.mode === 'first' ? route.channels.slice(i + 1) : [];
    const notification = await recordOn(uow, deps, asked, { channel, strict: false, fallback }, channelChecked(asked.release, { ...asked.ask, channel }));
    recorded.push(notification);
    if (route.mode === 'first' && notification.status !== 'suppressed') break;
  }
  return recorded;
}

/** What a send asked over REST asks of requestNotifications. */
export function askOf(fields: SendFields, correlationId: string | null): NotificationAsk {
  return {
    type: fields.notificationType,
    userId: fields.userId,
    channel: fields.channel,
    recipient: fields.recipient,
    templateVars: fields.templateVars,
    variablesField: fields.variablesField,
    subject: fields.subject,
    content: fields.content,
    priority: fields.priority,
    locale: fields.locale,
    expiresAt: fields.expiresAt,
    correlationId,
    sourceEventId: null,
  };
}
