import type { ConfirmChannel, ConsumeMessage, Options } from 'amqplib';
import { expect } from 'chai';
import type { Delivery } from '../../../src/adapters/rabbitmq/amqp-delivery.js';
import { deadLetterMessage } from '../../../src/adapters/rabbitmq/dead-letter-message.js';
import { publishDeadLetter } from '../../../src/adapters/rabbitmq/dead-letters.js';
import { tableSize, withinBudget } from '../../../src/adapters/rabbitmq/header-budget.js';
import { rejection } from '../rejection.js';

type Publish = (options: Options.Publish, confirm: (error: unknown) => void) => void;

/** A confirm channel that records what is published and answers as `answer` says. */
function channel(answer: Publish) {
  const published: Options.Publish[] = [];
  const fake = {
    publish: (_exchange: string, _key: string, _content: Buffer, options: Options.Publish, confirm: (error: unknown) => void) => {
      published.push(options);
      answer(options, confirm);
      return true;
    },
  };
  return { published, channel: fake as unknown as ConfirmChannel };
}

const confirmed: Publish = (_options, confirm) => confirm(null);

function message(headers: Record<string, unknown>): ConsumeMessage {
  return {
    content: Buffer.from('{}'),
    fields: { exchange: 'notification.events', routingKey: 'user.registered', redelivered: true },
    properties: { headers, messageId: 'm-1' },
  } as unknown as ConsumeMessage;
}

const LETTER = { exchange: 'dlx', queue: 'q', reason: 'invalid_payload', detail: 'userid: is required', deliveryCount: 3 };

describe('publishDeadLetter', () => {
  it('stamps every delivery of one message with the same dead-letter id, and another message with another', async () => {
    const { published, channel: c } = channel(confirmed);
    await publishDeadLetter(c, message({ trace: 'abc' }), LETTER);
    await publishDeadLetter(c, message({ trace: 'abc', 'x-delivery-count': 4 }), { ...LETTER, deliveryCount: 4 });
    await publishDeadLetter(c, message({ trace: 'abd' }), LETTER);
    const ids = published.map((p) => p.headers?.['x-dead-letter-id'] as string);
    expect(ids[0]).to.match(/^[0-9a-f]{32}$/);
    expect(ids[1]).to.equal(ids[0]);
    expect(ids[2]).to.not.equal(ids[0]);
  });

  it('copies the headers but the broker delivery count, which x-dead-letter-delivery-count carries', async () => {
    const { published, channel: c } = channel(confirmed);
    await publishDeadLetter(c, message({ trace: 'abc', 'x-delivery-count': 3 }), LETTER);
    expect(published[0]?.headers).to.deep.include({ trace: 'abc', 'x-dead-letter-delivery-count': 3, 'x-dead-letter-reason': 'invalid_payload' });
    expect(published[0]?.headers).to.not.have.property('x-delivery-count');
  });

  it("leaves out an x-death the message came with (its publisher's), and names it: the mover stores the service's reason and the original routing key", async () => {
    const { published, channel: c } = channel(confirmed);
    const forged = [{ count: 1, reason: 'expired', queue: 'elsewhere', exchange: 'other', 'routing-keys': ['notification.sent'] }];
    await publishDeadLetter(c, message({ trace: 'abc', 'x-death': forged }), LETTER);
    const headers = published[0]?.headers ?? {};
    expect(headers).to.not.have.property('x-death');
    expect(headers).to.deep.include({ trace: 'abc', 'x-dead-letter-dropped-headers': 'x-death' });
    const copy: Delivery = { body: Buffer.from('{}'), routingKey: 'user.registered', exchange: 'dlx', type: undefined, messageId: 'm-1', correlationId: undefined, headers, redelivered: false };
    const stored = deadLetterMessage(copy, new Date());
    expect(stored).to.deep.include({ reason: 'invalid_payload', detail: 'userid: is required', routingKey: 'user.registered', exchange: 'notification.events', queue: 'q', deathCount: 1 });
    expect(stored.messageKey).to.equal(`id:${String(headers['x-dead-letter-id'])}`);
  });

  it('bounds and escapes the detail', async () => {
    const { published, channel: c } = channel(confirmed);
    await publishDeadLetter(c, message({}), { ...LETTER, detail: `\u202e\n${'k'.repeat(200_000)}` });
    const detail = String(published[0]?.headers?.['x-dead-letter-detail']);
    expect(detail.length).to.be.at.most(1_000);
    expect(detail).to.match(/^\\u202e\\u000akkk/).and.match(/^[\x20-\x7e]*$/);
  });

  it('keeps the copied headers within the budget, leaving out the largest first and naming them', async () => {
    const { published, channel: c } = channel(confirmed);
    await publishDeadLetter(c, message({ small: 'a', big: 'x'.repeat(40_000), bigger: 'y'.repeat(50_000) }), LETTER);
    const headers = published[0]?.headers ?? {};
    expect(headers).to.deep.include({ small: 'a', big: 'x'.repeat(40_000), 'x-dead-letter-dropped-headers': 'bigger' });
    expect(tableSize(headers)).to.be.below(65_536);
  });

  it('sends the copy with its own headers alone when amqplib cannot encode it, instead of failing the dead letter', async () => {
    const { published, channel: c } = channel((options, confirm) => {
      if (options.headers?.odd !== undefined) throw new RangeError('Encoded field table (headers or arguments) exceeds the 65536 byte encoding buffer');
      confirm(null);
    });
    await publishDeadLetter(c, message({ odd: 'value' }), LETTER);
    expect(published).to.have.length(2);
    expect(published[1]?.headers).to.deep.include({ 'x-dead-letter-reason': 'invalid_payload', 'x-dead-letter-delivery-count': 3 });
    expect(String(published[1]?.headers?.['x-dead-letter-dropped-headers'])).to.match(/^all: /);
  });

  it('rejects when the broker refuses the dead letter, without trying again', async () => {
    const { published, channel: c } = channel((_options, confirm) => confirm(new Error('message nacked')));
    expect((await rejection(publishDeadLetter(c, message({}), LETTER))).message).to.equal('message nacked');
    expect(published).to.have.length(1);
  });
});

describe('withinBudget', () => {
  it('keeps headers that fit, and otherwise drops the largest until they fit', () => {
    expect(withinBudget({ a: '1', b: 2 }, 1_000)).to.deep.equal({ headers: { a: '1', b: 2 }, dropped: [] });
    const nested = { list: ['x'.repeat(3_000)], table: { inner: Buffer.alloc(2_000) }, keep: 'k' };
    expect(withinBudget(nested, 3_000)).to.deep.equal({ headers: { table: nested.table, keep: 'k' }, dropped: ['list'] });
    expect(withinBudget(nested, 1_000)).to.deep.equal({ headers: { keep: 'k' }, dropped: ['list', 'table'] });
  });
});
