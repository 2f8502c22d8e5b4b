import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { eventually } from '../support/databases.js';
import { clearServicePolicies } from './support/broker-checks.js';
import { checkInvariants } from './support/invariants.js';
import { type FaultWorld, faultWorld, report, welcomes } from './support/scenario.js';
import { storedDeadLetters } from '../support/stored-dead-letters.js';

const HEALTHY = 50;
const DELIVERY_LIMIT = 20;
const MARKER = 's29-always-throws';

describe('S29 a vhost without the broker policies', function () {
  let f: FaultWorld;
  before(async () => {
    f = await faultWorld('flt_s29');
    await clearServicePolicies(f.broker);
  });
  after(() => f.world.stop());

  it('still dead-letters a message whose handling fails every time, with its delivery count, and /broker/health says why', async () => {
    const started = Date.now();
    // A test-only failpoint makes the handler throw for this one message, as a bug would (S18).
    await f.world.startService({ FAILPOINT_HANDLER_THROWS_ON: MARKER });
    const poisonId = randomUUID();
    await f.broker.publishAll([
      { routingKey: 'user.welcome_requested', messageId: poisonId, body: { event_id: poisonId, userid: MARKER, email: 'poison@example.com' } },
      ...welcomes(HEALTHY, 's29').map((e) => e.message),
    ]);
    const dead = await eventually(async () => (await storedDeadLetters(f.world.db.name)).find((m) => m.messageId === poisonId), 60_000, 'the poison dead-lettered');
    // Nobody else dead-lettered it: no x-death, since the broker had no policy to act on.
    expect(dead.headers).to.deep.include({ 'x-dead-letter-reason': 'delivery_limit', 'x-dead-letter-delivery-count': DELIVERY_LIMIT + 1 });
    expect(dead.headers['x-death']).to.equal(undefined);
    // The health report is reused for a second: poll until it reflects the dead letter.
    const rabbitmq = await eventually(async () => {
      const component = ((await f.world.admin.get('/broker/health')).body.components as Record<string, Record<string, unknown>>).rabbitmq;
      return component?.policies === 'not_in_effect' ? component : undefined;
    }, 10_000, '/broker/health to say the policies are not in effect');
    expect(rabbitmq).to.deep.include({ status: 'degraded', policies: 'not_in_effect' });
    const counts = await checkInvariants(f.world, f.broker, { accepted: HEALTHY, poison: [poisonId], allowAmbiguous: false });
    expect(counts).to.include({ sent: HEALTHY, failed: 0, deadLettered: 1 });
    expect(f.world.smtp.messages.some((m) => m.to.includes('poison@example.com'))).to.equal(false);
    report('S29', counts, started);
  });
});
