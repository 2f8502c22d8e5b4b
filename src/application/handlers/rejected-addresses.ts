import { ConcurrentModificationError } from '../../domain/errors.js';
import type { EventOf } from '../../domain/events.js';
import { Suppression } from '../../domain/suppression.js';
import { disableGoneWebhook, removeDeadPushTokens } from '../contact-points/provider-feedback.js';
import type { EventHandler } from '../handler-types.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { UnitOfWork } from '../ports/unit-of-work.js';

/**
 * What providers said is dead, applied after the outcome commits (in a unit of work of its own, so
 * it can never hold the outcome back): a STOP adds the number to the suppressions, an unknown
 * device token leaves the profile, a 410 disables the webhook endpoint. Losing it to a crash or a
 * concurrent edit of the profile costs one more send, whose answer says it again.
 */
export function applyRejectedAddresses(ids: IdGenerator): EventHandler<'AddressesRejected'> {
  return {
    name: 'applyRejectedAddresses',
    handle: async (event, uow) => {
      try {
        await apply(event, uow, ids);
      } catch (error) {
        if (!(error instanceof ConcurrentModificationError)) throw error;
      }
    },
  };
}

async function apply(event: EventOf<'AddressesRejected'>, uow: UnitOfWork, ids: IdGenerator): Promise<void> {
  const { channel, userId, at } = event;
  const by = (reason: string) => event.addresses.filter((a) => a.reason === reason).map((a) => a.address);
  for (const address of by('opted_out')) {
    await uow.suppressions.add(Suppression.of({ channel, address, reason: 'opted_out', source: `${channel}_stop` }, ids.newId(), at));
  }
  if (userId === null) return;
  const dead = by('unregistered');
  if (dead.length > 0) await removeDeadPushTokens(uow, userId, dead);
  for (const url of by('gone')) await disableGoneWebhook(uow, userId, url, at);
}
