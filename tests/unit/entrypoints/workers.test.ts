import { expect } from 'chai';
import type { MessageBus } from '../../../src/application/message-bus.js';
import type { DeliveryOutcome } from '../../../src/domain/commands.js';
import { OutcomeRecorder } from '../../../src/entrypoints/workers/delivery-worker.js';
import { PollLoop } from '../../../src/entrypoints/workers/poll-loop.js';
import { T0 } from '../mothers.js';

const outcome = (id: string): DeliveryOutcome => ({ notificationId: id, claimToken: `claim-${id}`, result: { kind: 'accepted', response: '250 OK' }, attemptedAt: T0, latencyMs: 3 });

/** A bus that records each batch it is given and answers through `answer`. */
function recordingBus(answer: (ids: string[]) => Promise<string[]>) {
  const batches: string[][] = [];
  const bus = {
    handle: async (command: { type: string; outcomes: DeliveryOutcome[] }) => {
      const ids = command.outcomes.map((o) => o.notificationId);
      batches.push(ids);
      await new Promise((resolve) => setImmediate(resolve));
      return answer(ids);
    },
  };
  return { batches, bus: bus as unknown as MessageBus };
}

describe('OutcomeRecorder', () => {
  it('writes the outcomes that arrive while a batch is being written together, in the next batch', async () => {
    const { batches, bus } = recordingBus(async (ids) => ids.map((id) => (id === 'c' ? 'claim_lost' : 'sent')));
    const recorder = new OutcomeRecorder(bus);
    const statuses = await Promise.all(['a', 'b', 'c', 'd'].map((id) => recorder.record(outcome(id))));
    expect(batches).to.deep.equal([['a'], ['b', 'c', 'd']]);
    expect(statuses).to.deep.equal(['sent', 'sent', 'claim_lost', 'sent']);
  });

  it('tries each outcome of a failed batch alone, so one bad outcome fails only its own send', async () => {
    const { batches, bus } = recordingBus(async (ids) => {
      if (ids.includes('bad')) throw new Error('notification not found: bad');
      return ids.map(() => 'sent');
    });
    const recorder = new OutcomeRecorder(bus);
    const first = recorder.record(outcome('a'));
    const rest = ['b', 'bad', 'c'].map((id) => recorder.record(outcome(id)).then((s) => s, (e: Error) => e.message));
    expect(await first).to.equal('sent');
    expect(await Promise.all(rest)).to.deep.equal(['sent', 'notification not found: bad', 'sent']);
    expect(batches).to.deep.equal([['a'], ['b', 'bad', 'c'], ['b'], ['bad'], ['c']]);
  });

  it('waits out a database outage and records the batch once the database is back', async () => {
    let failures = 2;
    const { batches, bus } = recordingBus(async (ids) => {
      if (failures-- > 0) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      return ids.map(() => 'retrying');
    });
    expect(await new OutcomeRecorder(bus).record(outcome('a'))).to.equal('retrying');
    expect(batches).to.deep.equal([['a'], ['a'], ['a']]);
  });
});

describe('PollLoop', () => {
  it('runs again at once when poked during a tick that found nothing, instead of waiting for the poll', async () => {
    const ticks: number[] = [];
    const started = Date.now();
    const loop: PollLoop = new PollLoop(
      async () => {
        ticks.push(Date.now() - started);
        if (ticks.length === 1) loop.poke(); // work committed while this tick was looking
        return false;
      },
      60_000,
      () => undefined,
    );
    loop.start();
    for (let i = 0; i < 50 && ticks.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    await loop.stop();
    expect(ticks).to.have.length(2);
    expect(ticks[1]).to.be.below(1_000);
  });

  it('waits for the poll interval when nothing pokes it', async () => {
    let ticks = 0;
    const loop = new PollLoop(async () => (ticks++, false), 60_000, () => undefined);
    loop.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await loop.stop();
    expect(ticks).to.equal(1);
  });
});
