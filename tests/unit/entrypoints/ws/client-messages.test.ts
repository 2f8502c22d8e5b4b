import { expect } from 'chai';
import { answerTo } from '../../../../src/entrypoints/ws/client-messages.js';

const answer = (text: string, binary = false) => JSON.parse(answerTo(Buffer.from(text), binary)) as Record<string, unknown>;

describe('answerTo (a client message)', () => {
  it('answers a ping with a pong', () => {
    expect(answer('{"type":"ping"}')).to.deep.equal({ type: 'pong' });
    expect(answer(' {"type":"ping","at":1} ')).to.deep.equal({ type: 'pong' });
  });

  it('answers what is not JSON with an error saying so', () => {
    expect(answer('ping')).to.deep.equal({ type: 'error', message: 'not JSON: send JSON text such as {"type":"ping"}' });
  });

  it('names an unknown type, cut to 64 characters', () => {
    expect(answer('{"type":"subscribe"}')).to.deep.equal({ type: 'error', message: 'unknown message type "subscribe": the only one is "ping"' });
    expect((answer(JSON.stringify({ type: 'x'.repeat(500) })).message as string).length).to.be.below(120);
  });

  it('asks for a type when there is none, or the message is not an object', () => {
    for (const text of ['{}', '[{"type":"ping"}]', '"ping"', 'null', '{"type":1}']) {
      expect(answer(text), text).to.deep.equal({ type: 'error', message: 'a message is a JSON object with a "type"; the only one is "ping"' });
    }
  });

  it('refuses binary messages', () => {
    expect(answer('{"type":"ping"}', true).type).to.equal('error');
  });
});
