import { expect } from 'chai';
import { RandomStreamTicketSecrets } from '../../../src/adapters/system/stream-ticket-secrets.js';

describe('RandomStreamTicketSecrets', () => {
  const secrets = new RandomStreamTicketSecrets();

  it('makes tickets of one exact shape, wst_ and 43 base64url characters, which it recognises', () => {
    const tickets = Array.from({ length: 500 }, () => secrets.generate());
    expect(tickets.filter((t) => !/^wst_[A-Za-z0-9_-]{43}$/.test(t) || !secrets.isWellFormed(t))).to.deep.equal([]);
    expect(new Set(tickets).size).to.equal(500);
  });

  it('recognises nothing else: another prefix, length or alphabet, padding, whitespace', () => {
    const ticket = secrets.generate();
    const lookalikes = [`${ticket}=`, ticket.slice(0, -1), `${ticket}A`, `wsk_${ticket.slice(4)}`, ` ${ticket}`, `${ticket.slice(0, -1)}+`, `${ticket.slice(0, -1)}/`, `nsk_${'a'.repeat(43)}`, ''];
    expect(lookalikes.map((t) => secrets.isWellFormed(t))).to.deep.equal(lookalikes.map(() => false));
  });
});
