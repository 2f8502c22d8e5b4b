import { expect } from 'chai';
import type { SendOutcome } from '../../../src/domain/send-outcome.js';
import { aPush, deviceToken, senderOnFake } from './push-fixtures.js';

const FAULT = { kind: 'provider_down', attempted: true, configurationFault: true };

/** The kind, the configuration fault flag and the rejected tokens of an outcome. */
function shape(outcome: SendOutcome): Record<string, unknown> {
  const fault = outcome.kind === 'provider_down' ? { attempted: outcome.attempted, configurationFault: outcome.configurationFault } : {};
  const rejected = 'rejected' in outcome && outcome.rejected ? { rejected: outcome.rejected.map((r) => r.address) } : {};
  return { kind: outcome.kind, ...fault, ...rejected };
}

describe('FcmPushSender: a wrong sender does not delete the device tokens (fake FCM)', () => {
  const { open, fake } = senderOnFake();

  it('SENDER_ID_MISMATCH for every token: four tokens dead, then a configuration fault removing none, until a token is accepted', async () => {
    const sender = open();
    fake().setFault({ status: 403, errorCode: 'SENDER_ID_MISMATCH', message: 'SenderId mismatch' });
    const tokens = Array.from({ length: 6 }, () => deviceToken());
    const outcomes: SendOutcome[] = [];
    for (const token of tokens) outcomes.push(await sender.send(aPush([token])));

    expect(outcomes.map(shape)).to.deep.equal([
      ...tokens.slice(0, 4).map((token) => ({ kind: 'permanent', rejected: [token] })),
      FAULT,
      FAULT,
    ]);
    expect(outcomes[4]).to.have.property('error').that.matches(/^FCM: 403 SENDER_ID_MISMATCH: SenderId mismatch \(5 such answers/);

    fake().setFault(null);
    const dead = deviceToken();
    fake().markSenderMismatch(dead);
    expect(shape(await sender.send(aPush([deviceToken()])))).to.deep.equal({ kind: 'accepted' });
    expect(shape(await sender.send(aPush([dead])))).to.deep.equal({ kind: 'permanent', rejected: [dead] });
  });

  it('a bare INVALID_ARGUMENT for every token: the same safeguard, within one push of many tokens', async () => {
    fake().setFault({ status: 400, message: 'Request contains an invalid argument.' });
    const outcome = await open().send(aPush(Array.from({ length: 8 }, () => deviceToken())));
    expect(shape(outcome)).to.deep.equal(FAULT);
  });

  it('UNREGISTERED is never taken for a wrong sender: eight dead tokens are all removed', async () => {
    const tokens = Array.from({ length: 8 }, () => deviceToken());
    fake().markUnregistered(...tokens);
    expect(shape(await open().send(aPush(tokens)))).to.deep.equal({ kind: 'permanent', rejected: tokens });
  });

  it('a data key FCM reserves is refused before FCM hears of it, and no token is rejected', async () => {
    const outcome = await open().send(aPush([deviceToken()], { data: { order_id: '1042', 'google.c.a.e': '1' } }));
    expect(outcome).to.deep.equal({ kind: 'permanent', error: 'the push data key "google.c.a.e" is reserved by FCM (from, message_type, google.*, gcm.*)', response: null });
    expect(fake().sendRequests).to.have.lengthOf(0);
  });
});
