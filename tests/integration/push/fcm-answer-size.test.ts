import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { throwawayServiceAccount } from '../../support/service-account-fixture.js';
import { aPush, deviceToken, senderOnFake } from './push-fixtures.js';

/** A server answering every request 200, then writing `chunk` every `everyMs` for as long as the client reads. */
async function endlessAnswers(chunk: string, everyMs: number) {
  const closed: boolean[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    const timer = setInterval(() => res.write(chunk), everyMs);
    res.on('close', () => {
      clearInterval(timer);
      closed.push(true);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return { url, closed, close };
}

describe('FcmPushSender: answers without end, from FCM or the token endpoint, are cut', () => {
  const { open, fake } = senderOnFake();
  let endless: Awaited<ReturnType<typeof endlessAnswers>> | undefined;
  afterEach(async () => endless?.close());

  it('an FCM answer without end is read to 64 KiB, then dropped: its status decides', async function () {
    this.timeout(5_000);
    endless = await endlessAnswers(`{"name": "${'x'.repeat(16 * 1024)}`, 1);
    const outcome = await open({ baseUrl: endless.url, timeoutMs: 2_000 }).send(aPush([deviceToken()]));

    expect(outcome).to.deep.include({ kind: 'accepted', providerMessageId: null });
    expect(outcome).to.have.property('response').that.contains('200 (the answer is over 65536 bytes, the rest was not read)');
    for (let waited = 0; endless.closed.length === 0 && waited < 1_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(endless.closed, 'the server saw the connection go').to.deep.equal([true]);
  });

  it('an FCM answer trickling a byte at a time is read for PUSH_TIMEOUT_MS at most', async function () {
    this.timeout(5_000);
    endless = await endlessAnswers(' ', 20);
    const started = performance.now();
    const outcome = await open({ baseUrl: endless.url, timeoutMs: 500 }).send(aPush([deviceToken()]));

    expect(outcome).to.have.property('response').that.matches(/ 200 \(the answer broke off: /);
    expect(performance.now() - started).to.be.below(1_500);
  });

  it('a token endpoint answer without end: cut, no access token, provider_down', async function () {
    this.timeout(5_000);
    endless = await endlessAnswers(`{"access_token": "${'y'.repeat(16 * 1024)}`, 1);
    const account = throwawayServiceAccount({ tokenUri: `${endless.url}/token`, projectId: fake().projectId });
    const outcome = await open({ timeoutMs: 2_000 }, account.text).send(aPush([deviceToken()]));

    expect(outcome).to.deep.include({ kind: 'provider_down', attempted: true, configurationFault: false, error: 'token endpoint answered 200 without access_token and expires_in' });
    expect(fake().sendRequests).to.have.lengthOf(0);
  });
});
