import { expect } from 'chai';
import { aPush, deviceToken, senderOnFake } from './push-fixtures.js';

describe('FcmPushSender: one push is bounded, however many tokens it has (fake FCM)', () => {
  const { open, fake } = senderOnFake();

  it('ten tokens against a slow FCM: all its requests end within PUSH_TIMEOUT_MS, and the late ones are not sent', async () => {
    const sender = open({ timeoutMs: 600 });
    await sender.verify();
    fake().respondWith(...Array.from({ length: 10 }, () => ({ delayMs: 400 })));
    const tokens = Array.from({ length: 10 }, () => deviceToken());
    const started = performance.now();
    const outcome = await sender.send(aPush(tokens));
    const ms = performance.now() - started;

    expect(ms, 'three rounds of 400 ms, cut at 600 ms').to.be.within(550, 900);
    expect(outcome).to.have.property('kind', 'accepted');
    expect(fake().sendRequests, 'the third round never went out').to.have.lengthOf(8);
    expect(outcome).to.have.property('response').that.matches(/^4 of 10 device tokens accepted: /);
    expect(outcome).to.have.property('response').that.contains(`…${tokens[9]?.slice(-8)} provider_down (DEADLINE_PASSED: no complete answer within PUSH_TIMEOUT_MS)`);
  });

  it('a token endpoint that never answers: provider_down within PUSH_TIMEOUT_MS', async () => {
    fake().setFault({ delayMs: 5_000, at: ['token'] });
    const started = performance.now();
    const outcome = await open({ timeoutMs: 300 }).send(aPush([deviceToken()]));
    expect(outcome).to.deep.include({ kind: 'provider_down', attempted: true, configurationFault: false });
    expect(outcome).to.have.property('error').that.matches(/^token endpoint unreachable: DEADLINE_PASSED/);
    expect(performance.now() - started).to.be.below(700);
  });
});
