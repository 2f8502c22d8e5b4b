import type { Claim, DeliveryQueue } from '../ports/delivery-queue.js';

/**
 * Holds this worker's claims while their sends are in flight and renews their leases together
 * (one statement for all of them), so a slow provider, time queued in a client's connection pool
 * or a slow outcome write never lets a live worker's claim expire. A claim is held from before its
 * send starts until its outcome is recorded; a worker that dies stops renewing, and its claims
 * expire one lease later.
 */
export class LeaseKeeper {
  private readonly held = new Map<string, string>();

  constructor(
    private readonly queue: DeliveryQueue,
    readonly leaseMs: number,
  ) {}

  hold({ notificationId, claimToken }: Claim): void {
    this.held.set(notificationId, claimToken);
  }

  /** Lets this claim go, and only this one: a later claim of the same notification stays held. */
  release({ notificationId, claimToken }: Claim): void {
    if (this.held.get(notificationId) === claimToken) this.held.delete(notificationId);
  }

  get size(): number {
    return this.held.size;
  }

  /** Extends every held lease by a full lease from now; answers how many the database extended. */
  async renew(): Promise<number> {
    if (this.held.size === 0) return 0;
    const claims = [...this.held].map(([notificationId, claimToken]) => ({ notificationId, claimToken }));
    return this.queue.renewLeases(claims, this.leaseMs);
  }
}
