import { expect } from 'chai';
import type { SendOutcome } from '../../../src/domain/send-outcome.js';
import { aPush, deviceToken, senderOnFake } from './push-fixtures.js';

// Well past PUSH_TIMEOUT_MS, whichever timer (undici's, or the send's deadline) cuts the request.
const HANG = { delayMs: 2_500 };

function flags(outcome: SendOutcome): Record<string, unknown> {
  return outcome.kind === 'provider_down' ? { kind: outcome.kind, attempted: outcome.attempted, configurationFault: outcome.configurationFault } : { kind: outcome.kind };
}

describe('FcmPushSender: an FCM that takes requests and stops answering (fake FCM)', () => {
  const { open, fake } = senderOnFake();

  it('the first two timeouts in a row are ambiguous, later ones provider_down, until FCM answers again', async () => {
    const sender = open({ timeoutMs: 200 });
    fake().respondWith(HANG, HANG, HANG, HANG);
    const outcomes: SendOutcome[] = [];
    for (let n = 0; n < 4; n += 1) outcomes.push(await sender.send(aPush([deviceToken()])));

    const down = { kind: 'provider_down', attempted: true, configurationFault: false };
    expect(outcomes.map(flags)).to.deep.equal([{ kind: 'ambiguous' }, { kind: 'ambiguous' }, down, down]);
    expect(outcomes[2]).to.have.property('error').that.matches(/^FCM: no answer to the last 3 requests in time, so FCM is taken as down \(/);
    expect((await sender.send(aPush([deviceToken()]))).kind).to.equal('accepted');
    fake().respondWith(HANG);
    expect((await sender.send(aPush([deviceToken()]))).kind).to.equal('ambiguous');
  });

  it('a push whose four tokens all hang: provider_down, not an attempt used', async () => {
    fake().respondWith(HANG, HANG, HANG, HANG);
    const outcome = await open({ timeoutMs: 200 }).send(aPush([deviceToken(), deviceToken(), deviceToken(), deviceToken()]));
    expect(flags(outcome)).to.deep.equal({ kind: 'provider_down', attempted: true, configurationFault: false });
  });
});
