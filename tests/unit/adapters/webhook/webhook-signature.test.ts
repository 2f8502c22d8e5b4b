import { expect } from 'chai';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { signatureHeaders } from '../../../../src/adapters/webhook/webhook-signature.js';
import { newWebhookSecret } from '../../../../src/adapters/webhook/webhook-settings.js';

/** The reference library's own test vector (standard-webhooks, libraries/javascript, "sign function works"). */
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: new Date(1614265330 * 1000),
  payload: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('signatureHeaders: Standard Webhooks', () => {
  it('signs the reference test vector byte for byte', () => {
    expect(signatureHeaders(VECTOR.id, VECTOR.timestamp, VECTOR.payload, [VECTOR.secret])).to.deep.equal({
      'webhook-id': VECTOR.id,
      'webhook-timestamp': '1614265330',
      'webhook-signature': VECTOR.signature,
    });
  });

  it('gives headers the library verifies, for a notification id, a JSON body with non-ASCII text and a new secret', () => {
    const secret = newWebhookSecret();
    const body = JSON.stringify({ notification_id: '0193a7c2-5b1e-7f00-8d2a-1c2b3c4d5e6f', subject: 'Commande expédiée ✓' });
    const headers = signatureHeaders('0193a7c2-5b1e-7f00-8d2a-1c2b3c4d5e6f', new Date(), body, [secret]);
    expect(new Webhook(secret).verify(body, { ...headers })).to.deep.equal(JSON.parse(body));
  });

  it('signs with two secrets during a rotation: two signatures, and either secret alone verifies', () => {
    const [previous, current] = [newWebhookSecret(), newWebhookSecret()];
    const body = '{"n":1}';
    const headers = signatureHeaders('n-1', new Date(), body, [current, previous]);
    expect(headers['webhook-signature'].split(' ')).to.have.length(2).and.to.satisfy((sigs: string[]) => sigs.every((s) => s.startsWith('v1,')));
    expect(() => new Webhook(previous).verify(body, { ...headers })).not.to.throw();
    expect(() => new Webhook(current).verify(body, { ...headers })).not.to.throw();
    expect(() => new Webhook(newWebhookSecret()).verify(body, { ...headers })).to.throw(WebhookVerificationError);
  });

  it('does not verify when the body or the id was changed on the way', () => {
    const secret = newWebhookSecret();
    const headers = signatureHeaders('n-1', new Date(), '{"amount":10}', [secret]);
    expect(() => new Webhook(secret).verify('{"amount":1000}', { ...headers })).to.throw(WebhookVerificationError);
    expect(() => new Webhook(secret).verify('{"amount":10}', { ...headers, 'webhook-id': 'n-2' })).to.throw(WebhookVerificationError);
  });

  it('uses unix seconds for the timestamp', () => {
    expect(signatureHeaders('n-1', new Date('2026-03-01T12:00:00.999Z'), '{}', [VECTOR.secret])['webhook-timestamp']).to.equal('1772366400');
  });
});
