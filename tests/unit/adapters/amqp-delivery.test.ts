import type { ConsumeMessage } from 'amqplib';
import { expect } from 'chai';
import { deliveryCount } from '../../../src/adapters/rabbitmq/amqp-delivery.js';

function message(redelivered: boolean, headers: Record<string, unknown>): ConsumeMessage {
  return { content: Buffer.from('{}'), fields: { redelivered, routingKey: 'user.registered' }, properties: { headers } } as unknown as ConsumeMessage;
}

describe('deliveryCount', () => {
  it('is the broker count on a redelivery', () => {
    expect(deliveryCount(message(true, { 'x-delivery-count': 3 }))).to.equal(3);
  });

  it('is 0 on a first delivery, whatever x-delivery-count the publisher set', () => {
    expect(deliveryCount(message(false, { 'x-delivery-count': 25 }))).to.equal(0);
    expect(deliveryCount(message(false, {}))).to.equal(0);
  });

  it('is 0 for a count that is not a positive integer', () => {
    for (const count of [-1, 2.5, '25', null, Number.NaN]) expect(deliveryCount(message(true, { 'x-delivery-count': count })), String(count)).to.equal(0);
  });
});
