import { expect } from 'chai';
import { PollLoop } from '../../../src/entrypoints/workers/poll-loop.js';

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
