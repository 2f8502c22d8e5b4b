import { expect } from 'chai';
import { eventually } from '../support/databases.js';
import { untrustedLabels } from './support/broker-checks.js';
import type { OutgoingMessage } from './support/fault-broker.js';
import { checkInvariants } from './support/invariants.js';
import { type FaultWorld, faultWorld, isRunning, pidOf, report, welcomes } from './support/scenario.js';
import { storedDeadLetters } from '../support/stored-dead-letters.js';

const HEALTHY = 100;
const HOSTILE_NAMES = ['constructor', '__proto__', 'toString'];

function nested(levels: number, inner: unknown): unknown {
  let value = inner;
  for (let i = 1; i < levels; i++) value = { data: value };
  return value;
}

/** Each hostile message with the reason it must be dead-lettered for. */
function hostile(): Array<OutgoingMessage & { readonly messageId: string; readonly reason: string }> {
  const valid = { userid: 's27-h', email: 's27-h@example.com', username: 'h' };
  return [
    ...HOSTILE_NAMES.flatMap((name) => [
      { routingKey: 'user.welcome_requested', type: name, body: valid, messageId: `type-${name}`, reason: 'unknown_event_type' },
      { routingKey: 'user.welcome_requested', headers: { event_type: name }, body: valid, messageId: `header-${name}`, reason: 'unknown_event_type' },
      { routingKey: 'user.x', body: { ...valid, event_type: name }, messageId: `body-${name}`, reason: 'unknown_event_type' },
    ]),
    { routingKey: 'user.welcome_requested', body: { ...valid, padding: 'x'.repeat(300 * 1024) }, messageId: 'body-300-kib', reason: 'too_large' },
    { routingKey: 'user.welcome_requested', body: nested(40, valid), messageId: 'json-40-deep', reason: 'too_deep' },
  ];
}

describe('S27 hostile broker input: prototype type names, a 300 KiB body, JSON 40 levels deep', function () {
  let f: FaultWorld;
  before(async () => {
    f = await faultWorld('flt_s27');
  });
  after(() => f.world.stop());

  it('dead-letters each at its first delivery with its reason, goes on consuming, and no metric label takes an untrusted value', async () => {
    const started = Date.now();
    await f.world.startService();
    const pid = pidOf(f.world.service);
    const poison = hostile();
    const good = welcomes(HEALTHY, 's27').map((e) => e.message);
    // The hostile messages among the healthy ones: the consumer must go on after each.
    await f.broker.publishAll(good.flatMap((m, i) => (i < poison.length ? [poison[i]!, m] : [m])));
    const dead = await eventually(async () => {
      const letters = await storedDeadLetters(f.world.db.name);
      return letters.length >= poison.length ? letters : undefined;
    }, 30_000, 'every hostile message dead-lettered');
    expect(Object.fromEntries(dead.map((m) => [m.messageId, m.headers['x-dead-letter-reason']]))).to.deep.equal(Object.fromEntries(poison.map((p) => [p.messageId, p.reason])));
    expect(dead.filter((m) => m.headers['x-dead-letter-delivery-count'] !== 0).map((m) => m.messageId), 'dead-lettered after a redelivery').to.deep.equal([]);
    const exposition = (await f.world.admin.get('/broker/prometheus')).text;
    expect(untrustedLabels(exposition, [...HOSTILE_NAMES, 'user.x']), 'untrusted label values').to.deep.equal([]);
    // Nine unknown types, and the two refused before any type was read, all under `unknown`.
    expect(exposition).to.contain(`notification_events_consumed_total{event_type="unknown",outcome="dead_lettered"} ${poison.length}`);
    expect(isRunning(f.world.service), 'the service is still running').to.equal(true);
    expect(pidOf(f.world.service)).to.equal(pid);
    const counts = await checkInvariants(f.world, f.broker, { accepted: HEALTHY, poison: poison.map((p) => p.messageId), allowAmbiguous: false });
    expect(counts).to.include({ sent: HEALTHY, deadLettered: poison.length });
    report('S27', counts, started);
  });
});
