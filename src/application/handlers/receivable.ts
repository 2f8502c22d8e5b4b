import { UserId } from '../../domain/user-id.js';
import { routeOf } from '../routing/routed-channels.js';
import { channelChecked, checkSendable, releaseFor, variablesChecked } from '../templates/release-for.js';
import type { UnitOfWork } from '../ports/unit-of-work.js';
import { addressOf, routedAddressOf } from './contact-point.js';
import type { RequestDeps } from './notification-ask.js';
import { type Requested, sendOf } from './receive-event.handler.js';
import { askOf } from './request-notification.js';

/**
 * Throws what receiving the event now would throw (an InvalidValueError naming the field: an
 * unknown template, variables that do not fit, an SMS text over the limit, an address that is not
 * one, a user without the profile a named channel needs), recording nothing: the checks of
 * receiveEvent and requestNotifications, in their order, on the primary. A routed request is
 * checked on every channel of its route, also those a `first` route reaches only when the earlier
 * ones are suppressed (docs/adr/0028-publishing-and-bulk-retry.md).
 */
export async function checkReceivable(uow: UnitOfWork, deps: RequestDeps, event: Requested): Promise<void> {
  const send = sendOf(event);
  if (event.sendAt !== null && event.sendAt > deps.clock.now()) {
    await checkSendable(deps.templates, deps.checkVariables, send);
    return;
  }
  const ask = askOf(send, null);
  const release = variablesChecked(await releaseFor(deps.templates, ask.type), ask, deps.checkVariables);
  const userId = ask.userId === null ? null : UserId.of(ask.userId);
  const profile = userId ? await uow.preferences.get(userId) : null;
  if (ask.channel !== null || userId === null) {
    const channel = ask.channel ?? 'email';
    channelChecked(release, { ...ask, channel });
    addressOf({ channel, type: ask.type, recipient: ask.recipient, userId }, profile);
    return;
  }
  for (const channel of routeOf(release.definition).channels) {
    channelChecked(release, { ...ask, channel });
    routedAddressOf({ channel, type: ask.type, recipient: channel === 'email' ? ask.recipient : null, userId }, profile);
  }
}
