import { expect } from 'chai';
import type { OutgoingMessage } from './support/fault-broker.js';
import { checkInvariants } from './support/invariants.js';
import { type FaultWorld, faultWorld, isRunning, pidOf, report, welcomes } from './support/scenario.js';
import { storedDeadLetters } from '../support/stored-dead-letters.js';

const EVENTS = 100;

describe('S17 malformed input (bad JSON, failed validation, unknown type)', function () {
  let f: FaultWorld;
  before(async () => {
    f = await faultWorld('flt_s17');
  });
  after(() => f.world.stop());

  it('dead-letters each with its reason, delivers everything else, and the service never restarts', async () => {
    const started = Date.now();
    await f.world.startService();
    const pid = pidOf(f.world.service);
    const poison: Array<OutgoingMessage & { reason: string }> = [];
    for (let i = 0; i < 5; i++) {
      poison.push({ routingKey: 'user.welcome_requested', raw: Buffer.from(`{not json ${i}`), messageId: `bad-json-${i}`, reason: 'unparseable' });
      poison.push({ routingKey: 'user.welcome_requested', body: { userid: `v-${i}`, email: 'not-an-email' }, messageId: `invalid-${i}`, reason: 'invalid_payload' });
      poison.push({ routingKey: 'user.something_else', body: { userid: `t-${i}`, email: `t-${i}@example.com` }, messageId: `unknown-${i}`, reason: 'unknown_event_type' });
    }
    const good = welcomes(EVENTS, 's17').map((e) => e.message);
    // Poison interleaved with the good events.
    const mixed = good.flatMap((m, i) => (i % 6 === 0 && poison[i / 6] ? [poison[i / 6]!, m] : [m]));
    await f.broker.publishAll(mixed);
    const reasonsWanted = Object.fromEntries(poison.map((p) => [p.messageId, p.reason]));
    const dead = await (async () => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const messages = await storedDeadLetters(f.world.db.name);
        if (messages.length >= poison.length || Date.now() > deadline) return messages;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    expect(Object.fromEntries(dead.map((m) => [m.messageId, m.headers['x-dead-letter-reason']]))).to.deep.equal(reasonsWanted);
    expect(isRunning(f.world.service), 'the service is still running').to.equal(true);
    expect(pidOf(f.world.service)).to.equal(pid);
    const counts = await checkInvariants(f.world, f.broker, { accepted: EVENTS, poison: poison.map((p) => p.messageId!), allowAmbiguous: false });
    expect(counts).to.include({ sent: EVENTS, deadLettered: poison.length });
    expect(f.world.service.output.filter((l) => /uncaught|unhandled|fatal/i.test(l)), 'no crash in the logs').to.deep.equal([]);
    report('S17', counts, started);
  });
});
