import { expect } from 'chai';
import type { Delivery } from '../../../src/adapters/rabbitmq/amqp-delivery.js';
import { DEAD_LETTER_BODY_MAX, deadLetterMessage } from '../../../src/adapters/rabbitmq/dead-letter-message.js';
import { STORED_HEADERS_MAX } from '../../../src/adapters/rabbitmq/stored-headers.js';

const RECEIVED = new Date('2026-11-29T12:00:00.000Z');
const REPLAYED = '0b8a4f3c-5a9e-4f5e-9d0c-1f2e3d4c5b6a';

function delivery(headers: Record<string, unknown>, fields: Partial<Delivery> = {}): Delivery {
  return {
    body: Buffer.from('{"broken":'),
    routingKey: 'user.registered',
    exchange: 'notification-service.events.dlx',
    type: undefined,
    messageId: 'm-1',
    correlationId: undefined,
    headers,
    redelivered: false,
    ...fields,
  };
}

const SERVICE = {
  'x-dead-letter-id': '9f1c2a44-1111-4222-8333-944455556666',
  'x-dead-letter-at': '2026-11-29T11:59:58.000Z',
  'x-dead-letter-reason': 'unparseable',
  'x-dead-letter-detail': 'body is not JSON: Unexpected end of JSON input',
  'x-dead-letter-delivery-count': 0,
  'x-original-exchange': 'notification.events',
  'x-original-routing-key': 'user.registered',
  'x-original-queue': 'notification-service.events',
};

const seconds = (iso: string) => ({ '!': 'timestamp', value: Date.parse(iso) / 1000 });

const BROKER = {
  'x-death': [
    { count: 2, reason: 'delivery_limit', queue: 'notification-service.events', exchange: 'notification.events', 'routing-keys': ['order.placed'], time: seconds('2026-11-29T11:00:00Z') },
    { count: 1, reason: 'rejected', queue: 'other.queue', exchange: 'other', 'routing-keys': ['x'], time: seconds('2026-11-29T10:00:00Z') },
  ],
  'x-first-death-reason': 'rejected',
};

describe('a message of the dead-letter queue as a dead letter', () => {
  it("takes the service's reason, detail, original routing key and queue, and its stamp as identity", () => {
    const m = deadLetterMessage(delivery(SERVICE, { routingKey: 'user.registered' }), RECEIVED);
    expect(m).to.deep.include({
      messageKey: 'id:9f1c2a44-1111-4222-8333-944455556666',
      reason: 'unparseable',
      detail: 'body is not JSON: Unexpected end of JSON input',
      exchange: 'notification.events',
      routingKey: 'user.registered',
      queue: 'notification-service.events',
      deathCount: 1,
      replayOf: null,
      bodyTruncated: false,
      bodySize: 10,
    });
    expect(m.firstDeathAt.toISOString()).to.equal('2026-11-29T11:59:58.000Z');
    expect(m.lastDeathAt.toISOString()).to.equal('2026-11-29T11:59:58.000Z');
    expect(Buffer.from(m.body).toString()).to.equal('{"broken":');
    expect(m.properties).to.deep.equal({ messageId: 'm-1' });
  });

  it("reads the broker's x-death: the latest reason, the first routing key, deaths summed, first and last times", () => {
    const m = deadLetterMessage(delivery(BROKER, { routingKey: 'order.placed' }), RECEIVED);
    expect(m).to.deep.include({ reason: 'delivery_limit', routingKey: 'order.placed', queue: 'notification-service.events', exchange: 'notification.events', deathCount: 3 });
    expect(m.detail).to.equal('dead-lettered by the broker: delivery_limit from queue notification-service.events (3 times)');
    expect(m.firstDeathAt.toISOString()).to.equal('2026-11-29T10:00:00.000Z');
    expect(m.lastDeathAt.toISOString()).to.equal('2026-11-29T11:00:00.000Z');
    expect(m.messageKey).to.match(/^sha256:[0-9a-f]{64}$/);
  });

  it("trusts none of the service's headers on a message the broker dead-lettered: a publisher may have set them", () => {
    const forged = { ...SERVICE, 'x-original-routing-key': 'notification.sent', 'x-dead-letter-reason': 'too_large', 'x-original-exchange': 'elsewhere', 'x-original-queue': 'q' };
    const m = deadLetterMessage(delivery({ ...BROKER, ...forged }, { routingKey: 'order.placed' }), RECEIVED);
    expect(m).to.deep.include({ reason: 'delivery_limit', routingKey: 'order.placed', exchange: 'notification.events', queue: 'notification-service.events', deathCount: 3 });
    expect(m.detail).to.match(/^dead-lettered by the broker/);
    expect(m.messageKey, 'not the forged x-dead-letter-id').to.match(/^sha256:[0-9a-f]{64}$/);
  });

  it("keeps the default exchange ('') of an event published over REST and dead-lettered by the service: a replay sends it back to the service's queue", () => {
    const rest = { ...SERVICE, 'x-dead-letter-reason': 'invalid_payload', 'x-original-exchange': '', 'x-original-routing-key': 'notification-service.events' };
    const m = deadLetterMessage(delivery(rest, { routingKey: 'notification-service.events' }), RECEIVED);
    expect(m).to.deep.include({ exchange: '', routingKey: 'notification-service.events', reason: 'invalid_payload' });
  });

  it('is one message for two copies of it that differ only in when they were made (x-dead-letter-at), even carrying an x-death', () => {
    const copy = (at: string, extra: Record<string, unknown> = {}) => deadLetterMessage(delivery({ ...SERVICE, ...extra, 'x-dead-letter-at': at }), RECEIVED).messageKey;
    expect(copy('2026-11-29T11:59:59.000Z')).to.equal(copy('2026-11-29T11:59:58.000Z'));
    // A copy made by the release before, which kept the publisher's x-death: taken for the broker's, its key is a hash.
    expect(copy('2026-11-29T11:59:59.000Z', BROKER)).to.equal(copy('2026-11-29T11:59:58.000Z', BROKER));
  });

  it(`stores at most ${STORED_HEADERS_MAX} headers, those a death added first, and counts those past them`, () => {
    const many = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`h${i}`, null]));
    const m = deadLetterMessage(delivery({ ...many, ...SERVICE }), RECEIVED);
    expect(Object.keys(m.headers)).to.have.length(STORED_HEADERS_MAX);
    expect(m.headers).to.deep.include({ ...SERVICE, h0: null, [`h${STORED_HEADERS_MAX - Object.keys(SERVICE).length - 1}`]: null });
    expect(m.headers).to.not.have.property(`h${STORED_HEADERS_MAX - Object.keys(SERVICE).length}`);
    expect(m.droppedHeaders).to.deep.equal([`${20_000 + Object.keys(SERVICE).length - STORED_HEADERS_MAX} more: past the first ${STORED_HEADERS_MAX} headers`]);
    expect(m).to.deep.include({ reason: 'unparseable', messageKey: 'id:9f1c2a44-1111-4222-8333-944455556666' });
  });

  it('cuts a routing key, exchange or queue past 255 bytes at a character end', () => {
    const long = 'é'.repeat(200);
    const m = deadLetterMessage(delivery({ ...SERVICE, 'x-original-routing-key': long, 'x-original-queue': long }), RECEIVED);
    expect(Buffer.byteLength(m.routingKey)).to.equal(254);
    expect(m.routingKey).to.equal('é'.repeat(127));
    expect(Buffer.byteLength(m.queue)).to.equal(254);
  });

  it('holds death counts summed past a PostgreSQL integer at its largest value', () => {
    const huge = { count: 2_147_483_647, reason: 'rejected', queue: 'q', exchange: 'e', 'routing-keys': ['user.x'], time: seconds('2026-11-29T11:00:00Z') };
    expect(deadLetterMessage(delivery({ 'x-death': [huge, { ...huge, queue: 'r' }] }), RECEIVED).deathCount).to.equal(2_147_483_647);
    expect(deadLetterMessage(delivery({ 'x-death': [{ ...huge, count: 1e300 }] }), RECEIVED).deathCount).to.equal(2_147_483_647);
  });

  it('leaves out, and names, a header amqplib could not encode on a replay (a table with a "!" key of no known type)', () => {
    const m = deadLetterMessage(delivery({ ...SERVICE, m: { '!': 'bogus' }, ok: { a: 1 }, at: seconds('2026-11-29T10:00:00Z') }), RECEIVED);
    expect(m.droppedHeaders).to.deep.equal(['m']);
    expect(m.headers).to.not.have.property('m');
    expect(m.headers).to.deep.include({ ok: { a: 1 }, at: { '!': 'timestamp', value: 1_795_946_400 } });
  });

  it('says unknown, and when it was received, when neither gives a reason', () => {
    const m = deadLetterMessage(delivery({}), RECEIVED);
    expect(m).to.deep.include({ reason: 'unknown', routingKey: 'user.registered', exchange: 'notification-service.events.dlx', deathCount: 1 });
    expect(m.detail).to.match(/no reason given/);
    expect(m.firstDeathAt).to.deep.equal(RECEIVED);
  });

  it('links a replay to the dead letter it replays, and ignores an x-replayed-from that is no id', () => {
    expect(deadLetterMessage(delivery({ ...SERVICE, 'x-replayed-from': REPLAYED }), RECEIVED).replayOf).to.equal(REPLAYED);
    expect(deadLetterMessage(delivery({ 'x-replayed-from': "'; drop table" }), RECEIVED).replayOf).to.equal(null);
  });

  it('is the same message when redelivered (another x-delivery-count), and another one with another body', () => {
    const first = deadLetterMessage(delivery(BROKER), RECEIVED);
    const again = deadLetterMessage(delivery({ ...BROKER, 'x-delivery-count': 4 }, { redelivered: true }), new Date());
    const other = deadLetterMessage(delivery(BROKER, { body: Buffer.from('{"other":') }), RECEIVED);
    expect(again.messageKey).to.equal(first.messageKey);
    expect(other.messageKey).to.not.equal(first.messageKey);
    expect(again.headers).to.not.have.property('x-delivery-count');
  });

  it('keeps the first 256 KiB of a larger body and says so', () => {
    const m = deadLetterMessage(delivery(SERVICE, { body: Buffer.alloc(DEAD_LETTER_BODY_MAX + 10, 0x61) }), RECEIVED);
    expect(m).to.deep.include({ bodyTruncated: true, bodySize: DEAD_LETTER_BODY_MAX + 10 });
    expect(m.body.length).to.equal(DEAD_LETTER_BODY_MAX);
  });

  it('stores headers PostgreSQL can hold: NUL replaced, byte arrays as base64, timestamps as amqplib types them', () => {
    const m = deadLetterMessage(delivery({ nul: 'a\u0000b', bytes: Buffer.from('hi'), at: seconds('2026-11-29T10:00:00Z'), n: Number.NaN }), RECEIVED);
    expect(m.headers).to.deep.equal({ nul: 'a\ufffdb', bytes: 'aGk=', at: { '!': 'timestamp', value: 1_795_946_400 }, n: 'NaN' });
  });

  it('stores properties PostgreSQL can hold: a NUL in the message id replaced', () => {
    expect(deadLetterMessage(delivery({}, { messageId: 'msg\u0000x', type: 'T\ud83d' }), RECEIVED).properties).to.deep.equal({ messageId: 'msg\ufffdx', type: 'T\ufffd' });
  });

  it('leaves the largest headers out past the 64 KiB budget and names them', () => {
    const m = deadLetterMessage(delivery({ ...SERVICE, huge: 'h'.repeat(70_000), small: 's' }), RECEIVED);
    expect(m.droppedHeaders).to.deep.equal(['huge']);
    expect(m.headers).to.include({ small: 's', 'x-dead-letter-reason': 'unparseable' });
  });
});
