import { expect } from 'chai';
import { refusedPort } from '../email/email-fixtures.js';
import { throwawayServiceAccount } from '../../support/service-account-fixture.js';
import { aPush, deviceToken, senderOnFake } from './push-fixtures.js';

describe('FcmPushSender against the fake FCM', () => {
  const world = senderOnFake();
  const { open, fake } = world;

  it('is the push channel, and contacts nobody before the first send', async () => {
    expect(open().channel).to.equal('push');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake().requests).to.deep.equal([]);
  });

  it('one token: accepted with the message name; the exact FCM v1 request, authorised by a Bearer token', async () => {
    const token = deviceToken();
    const outcome = await open().send(aPush([token]));

    const [accepted] = fake().accepted;
    expect(outcome).to.deep.equal({ kind: 'accepted', providerMessageId: accepted?.name, response: `1 of 1 device tokens accepted: …${token.slice(-8)} ${accepted?.name}` });
    expect(accepted?.name).to.match(/^projects\/acme-app\/messages\/0:\d+$/);
    const [request] = fake().sendRequests;
    expect(request?.path).to.equal('/v1/projects/acme-app/messages:send');
    expect(request?.headers.authorization).to.match(/^Bearer ya29\.fake-/);
    expect(JSON.parse(request?.body ?? '')).to.deep.equal({
      message: { token, notification: { title: 'Your order shipped', body: 'Order 1042 is on its way 🚚' }, data: { order_id: '1042', status: 'shipped' } },
    });
  });

  it('three tokens, one unregistered: accepted, and the dead token listed in rejected', async () => {
    const [a, dead, c] = [deviceToken(), deviceToken(), deviceToken()] as [string, string, string];
    fake().markUnregistered(dead);

    const outcome = await open().send(aPush([a, dead, c]));

    expect(outcome).to.deep.include({ kind: 'accepted', providerMessageId: fake().accepted[0]?.name, rejected: [{ address: dead, reason: 'unregistered' }] });
    expect(fake().accepted.map((p) => p.token).sort()).to.deep.equal([a, c].sort());
    expect(outcome).to.have.property('response').that.contains(`…${dead.slice(-8)} unregistered (404 UNREGISTERED: Requested entity was not found.)`);
  });

  it('every token dead (unregistered, sender mismatch): permanent, both listed', async () => {
    const [gone, foreign] = [deviceToken(), deviceToken()];
    fake().markUnregistered(gone);
    fake().markSenderMismatch(foreign);

    const outcome = await open().send(aPush([gone, foreign]));

    expect(outcome).to.deep.include({ kind: 'permanent', error: 'FCM: every device token is unregistered' });
    expect(outcome).to.have.deep.property('rejected', [
      { address: gone, reason: 'unregistered' },
      { address: foreign, reason: 'unregistered' },
    ]);
  });

  it('429 QUOTA_EXCEEDED with Retry-After: provider_down with retryAfterMs', async () => {
    fake().respondWith({ status: 429, errorCode: 'QUOTA_EXCEEDED', retryAfterS: 42 });
    const outcome = await open().send(aPush([deviceToken()]));
    expect(outcome).to.deep.include({ kind: 'provider_down', attempted: true, configurationFault: false, retryAfterMs: 42_000 });
    expect(outcome).to.have.property('error').that.matches(/^FCM: 429 QUOTA_EXCEEDED/);
  });

  it('503 UNAVAILABLE for every token: provider_down, not a configuration fault', async () => {
    fake().setFault({ status: 503, errorCode: 'UNAVAILABLE', message: 'The service is currently unavailable.' });
    const outcome = await open().send(aPush([deviceToken(), deviceToken()]));
    expect(outcome).to.deep.include({ kind: 'provider_down', configurationFault: false, error: 'FCM: 503 UNAVAILABLE: The service is currently unavailable.' });
    expect(outcome).to.not.have.property('retryAfterMs');
  });

  it('a key the token endpoint does not know: provider_down, configuration fault, no push sent, no key in the error', async () => {
    const impostor = throwawayServiceAccount({ tokenUri: fake().tokenUri, projectId: 'acme-app', clientEmail: fake().serviceAccount.json.client_email });
    const sender = open({}, impostor.text);

    const outcome = await sender.send(aPush([deviceToken()]));

    expect(outcome).to.deep.equal({
      kind: 'provider_down',
      error: 'token endpoint refused the service account: 400 invalid_grant: Invalid JWT Signature.',
      response: null,
      attempted: true,
      configurationFault: true,
    });
    expect(fake().sendRequests).to.have.lengthOf(0);
    expect(await sender.verify()).to.deep.equal({ ok: false, error: 'token endpoint refused the service account: 400 invalid_grant: Invalid JWT Signature.' });
  });

  it('the token endpoint down: provider_down, not a configuration fault; the next send tries again', async () => {
    fake().setFault({ status: 503, at: ['token'] });
    const sender = open();
    expect(await sender.send(aPush([deviceToken()]))).to.deep.include({ kind: 'provider_down', configurationFault: false });
    fake().setFault(null);
    expect(await sender.send(aPush([deviceToken()]))).to.have.property('kind', 'accepted');
    expect(fake().tokenRequests).to.equal(2);
  });

  it('the connection dropped after FCM read the request: ambiguous, sent once (no silent resend)', async () => {
    fake().respondWith({ dropAfterReceive: true });
    const outcome = await open().send(aPush([deviceToken()]));
    expect(outcome).to.deep.include({ kind: 'ambiguous' });
    expect(outcome).to.have.property('error').that.matches(/^FCM may have the push: .*other side closed/);
    expect(fake().sendRequests).to.have.lengthOf(1);
  });

  it('no answer within the timeout: ambiguous', async () => {
    fake().respondWith({ delayMs: 1_500 });
    const outcome = await open({ timeoutMs: 300 }).send(aPush([deviceToken()]));
    expect(outcome).to.have.property('kind', 'ambiguous');
  });

  it('FCM refusing connections: provider_down', async () => {
    const outcome = await open({ baseUrl: `http://127.0.0.1:${await refusedPort()}` }).send(aPush([deviceToken()]));
    expect(outcome).to.deep.include({ kind: 'provider_down', attempted: true, configurationFault: false });
    expect(outcome).to.have.property('error').that.contains('ECONNREFUSED');
  });

  it('the token endpoint is asked once for 20 concurrent sends', async () => {
    const sender = open();
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => sender.send(aPush([deviceToken(), deviceToken()]))));
    expect(outcomes.map((o) => o.kind)).to.deep.equal(Array(20).fill('accepted'));
    expect(fake().tokenRequests).to.equal(1);
    expect(fake().accepted).to.have.lengthOf(40);
  });

  it('a revoked access token: refreshed once for all the tokens that met the 401, and the push sent', async () => {
    const sender = open();
    await sender.send(aPush([deviceToken()]));
    fake().revokeAccessTokens();

    const outcome = await sender.send(aPush([deviceToken(), deviceToken(), deviceToken()]));

    expect(outcome).to.have.property('kind', 'accepted');
    expect(fake().tokenRequests).to.equal(2);
    expect(fake().sendRequests).to.have.lengthOf(1 + 3 + 3);
  });

  it('401 even with a fresh access token: provider_down, configuration fault; neither token in the outcome', async () => {
    fake().setFault({ status: 401 });
    const outcome = await open().send(aPush([deviceToken()]));
    expect(outcome).to.deep.include({ kind: 'provider_down', configurationFault: true });
    expect(fake().tokenRequests).to.equal(2);
    expect(JSON.stringify(outcome)).to.not.contain('ya29.');
  });

  it('a project the service account may not send for: provider_down, configuration fault', async () => {
    const other = throwawayServiceAccount({ tokenUri: fake().tokenUri, projectId: 'someone-else' });
    const sender = open({}, JSON.stringify({ ...JSON.parse(fake().serviceAccount.text), project_id: other.json.project_id }));
    const outcome = await sender.send(aPush([deviceToken()]));
    expect(outcome).to.deep.include({ kind: 'provider_down', configurationFault: true });
    expect(outcome).to.have.property('error').that.matches(/^FCM: 403 PERMISSION_DENIED/);
  });

  it('verify: ok with good credentials; close: later sends are provider_down, not attempted, without a request', async () => {
    const sender = open();
    expect(await sender.verify()).to.deep.equal({ ok: true });
    await sender.close();
    const requests = fake().requests.length;
    expect(await sender.send(aPush([deviceToken()]))).to.deep.equal({ kind: 'provider_down', error: 'push sender is closed', response: null, attempted: false, configurationFault: false });
    expect(fake().requests).to.have.lengthOf(requests);
  });
});
