import { expect } from 'chai';
import { importPKCS8, SignJWT } from 'jose';
import { FcmFake } from '../../support/fcm-fake.js';

const SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';

/** The fake's own wire checks: a sender test passing against it means the real format was spoken. */
describe('the fake FCM checks the wire format', () => {
  let fake: FcmFake;

  before(async () => {
    fake = await FcmFake.start({ projectId: 'acme-app', tokenLifetimeS: 1 });
  });
  afterEach(() => fake.reset());
  after(() => fake.close());

  async function assertion(claims: { aud?: string; scope?: string; lifetimeS?: number } = {}): Promise<string> {
    const key = await importPKCS8(fake.serviceAccount.json.private_key, 'RS256');
    const iat = Math.floor(Date.now() / 1_000);
    return new SignJWT({ scope: claims.scope ?? SCOPE })
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(fake.serviceAccount.json.client_email)
      .setAudience(claims.aud ?? fake.tokenUri)
      .setIssuedAt(iat)
      .setExpirationTime(iat + (claims.lifetimeS ?? 3_600))
      .sign(key);
  }

  async function exchange(jwt: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const form = new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: jwt });
    const response = await fetch(fake.tokenUri, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function send(accessToken: string, body: unknown): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${fake.baseUrl}/v1/projects/acme-app/messages:send`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  it('refuses assertions for another audience, without the scope, or living over an hour', async () => {
    for (const claims of [{ aud: 'https://elsewhere/token' }, { scope: 'https://www.googleapis.com/auth/cloud-platform' }, { lifetimeS: 7_200 }]) {
      const { status, body } = await exchange(await assertion(claims));
      expect(status).to.equal(400);
      expect(body.error).to.be.oneOf(['invalid_grant', 'invalid_scope']);
    }
  });

  it('refuses unknown fields, non-string data and a missing token like FCM; lists what it accepted', async () => {
    const { body } = await exchange(await assertion());
    const accessToken = String(body.access_token);

    const unknown = await send(accessToken, { message: { token: 't', android: { priority: 'high' } } });
    expect(unknown).to.deep.nested.include({ status: 400, 'body.error.status': 'INVALID_ARGUMENT', 'body.error.details[0].fieldViolations[0].field': 'message' });
    const numeric = await send(accessToken, { message: { token: 't', data: { n: 12 } } });
    expect(numeric).to.deep.nested.include({ 'body.error.message': "Invalid value at 'message.data[0].value' (TYPE_STRING), 12" });
    const anonymous = await send(accessToken, { message: { notification: { title: 'x' } } });
    expect(anonymous).to.deep.nested.include({ 'body.error.message': 'Recipient of the message is not set.' });

    const ok = await send(accessToken, { message: { token: 't', notification: { title: 'Hi', body: 'there' }, data: { a: 'b' } } });
    expect(ok.status).to.equal(200);
    const received = (await (await fetch(`${fake.baseUrl}/_fake/received`)).json()) as unknown[];
    expect(received).to.deep.equal([{ ...(ok.body as object), token: 't', notification: { title: 'Hi', body: 'there' }, data: { a: 'b' } }]);
  });

  it('refuses an access token it never issued, and one that expired', async () => {
    expect((await send('ya29.forged', { message: { token: 't' } })).status).to.equal(401);
    const { body } = await exchange(await assertion());
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await send(String(body.access_token), { message: { token: 't' } })).to.deep.nested.include({ status: 401, 'body.error.status': 'UNAUTHENTICATED' });
  });
});
