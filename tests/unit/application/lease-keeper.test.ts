import { expect } from 'chai';
import { LeaseKeeper } from '../../../src/application/delivery/lease-keeper.js';
import type { Claim, DeliveryQueue } from '../../../src/application/ports/delivery-queue.js';

function keeper() {
  const renewed: Claim[][] = [];
  const queue: DeliveryQueue = { claimDue: async () => [], renewLeases: async (claims) => (renewed.push([...claims]), claims.length), releaseDeferred: async () => 0 };
  return { renewed, leases: new LeaseKeeper(queue, 30_000) };
}

describe('LeaseKeeper', () => {
  it('renews every held claim in one call, and none once they are released', async () => {
    const { renewed, leases } = keeper();
    leases.hold({ notificationId: 'a', claimToken: 't1' });
    leases.hold({ notificationId: 'b', claimToken: 't2' });
    expect(await leases.renew()).to.equal(2);
    leases.release({ notificationId: 'a', claimToken: 't1' });
    leases.release({ notificationId: 'b', claimToken: 't2' });
    expect(await leases.renew()).to.equal(0);
    expect(renewed).to.deep.equal([[{ notificationId: 'a', claimToken: 't1' }, { notificationId: 'b', claimToken: 't2' }]]);
  });

  it('keeps a newer claim of the same notification when a stale one is released', async () => {
    const { renewed, leases } = keeper();
    leases.hold({ notificationId: 'a', claimToken: 'old' });
    leases.hold({ notificationId: 'a', claimToken: 'new' });
    leases.release({ notificationId: 'a', claimToken: 'old' });
    await leases.renew();
    expect(renewed).to.deep.equal([[{ notificationId: 'a', claimToken: 'new' }]]);
  });
});
