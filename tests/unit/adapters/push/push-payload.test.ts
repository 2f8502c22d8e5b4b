import { expect } from 'chai';
import { fcmMessageJson, MAX_PAYLOAD_BYTES, pushOf } from '../../../../src/adapters/push/push-payload.js';
import type { OutgoingMessage, RenderedContent } from '../../../../src/application/ports/channel-sender.js';

function message(recipient: string, content: RenderedContent): OutgoingMessage {
  return { notificationId: 'n-1', notificationType: 'order_status_update', userId: null, recipient, correlationId: null, content };
}

const PUSH: RenderedContent = { channel: 'push', title: 'Shipped', body: 'Order 42 is on its way', data: { order_id: '42' } };

describe('push payload', () => {
  it('the tokens of the recipient, once each', () => {
    expect(pushOf(message('a b a', PUSH))).to.deep.equal({ tokens: ['a', 'b'], content: PUSH });
  });

  it('data keys FCM does not reserve go out, "notification" and near misses of the reserved ones too', () => {
    const data = { notification: 'n', from_user: 'u', message_types: 'm', googler: 'g', 'gcm-id': 'i', 'x.google.y': 'z' };
    expect(pushOf(message('a', { ...PUSH, data }))).to.deep.equal({ tokens: ['a'], content: { ...PUSH, data } });
  });

  it('the FCM v1 body: token, notification and string data only', () => {
    expect(JSON.parse(fcmMessageJson('tok', PUSH))).to.deep.equal({ message: { token: 'tok', notification: { title: 'Shipped', body: 'Order 42 is on its way' }, data: { order_id: '42' } } });
  });

  const refusals: ReadonlyArray<[string, OutgoingMessage, RegExp]> = [
    ['content of another channel', message('a', { channel: 'sms', body: 'hi' }), /^no push content \(got sms\)$/],
    ['no token', message('  ', PUSH), /^the recipient holds no device token$/],
    ['a payload over 4,096 bytes (FCM would answer a bare INVALID_ARGUMENT, read as a dead token)', message('a', { ...PUSH, data: { big: 'é'.repeat(MAX_PAYLOAD_BYTES / 2) } }), /^the push payload is 4\d{3} bytes, over FCM's 4096-byte limit$/],
    ...['from', 'message_type', 'google.c.a.e', 'gcm.notification.title', 'GCM.n.e', 'From'].map((key): [string, OutgoingMessage, RegExp] => [
      `the FCM-reserved data key ${key} (FCM would answer a bare INVALID_ARGUMENT, read as a dead token)`,
      message('a', { ...PUSH, data: { order_id: '42', [key]: 'x' } }),
      new RegExp(`^the push data key "${key}" is reserved by FCM \\(from, message_type, google\\.\\*, gcm\\.\\*\\)$`),
    ]),
  ];
  for (const [name, refused, reason] of refusals) {
    it(`refuses ${name}`, () => {
      const push = pushOf(refused);
      expect(push).to.have.property('refusal').that.matches(reason);
    });
  }
});
