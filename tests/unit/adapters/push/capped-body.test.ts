import { PassThrough, Readable } from 'node:stream';
import { expect } from 'chai';
import { MAX_ANSWER_BYTES, readCappedBody } from '../../../../src/adapters/push/capped-body.js';

describe('readCappedBody: an answer read within a size and a time', () => {
  it('reads a small body whole', async () => {
    expect(await readCappedBody(Readable.from([Buffer.from('{"name":'), Buffer.from('"x"}')]), 1_000)).to.deep.equal({ text: '{"name":"x"}' });
  });

  it('stops at 64 KiB and destroys a body without end', async () => {
    const body = new Readable({ read() { this.push(Buffer.alloc(16 * 1024, 'a')); } });
    const read = await readCappedBody(body, 1_000);
    expect(MAX_ANSWER_BYTES).to.equal(65_536);
    expect(read.text).to.have.lengthOf(MAX_ANSWER_BYTES);
    expect(read.error).to.equal('the answer is over 65536 bytes, the rest was not read');
    expect(body.destroyed).to.equal(true);
  });

  it('gives up on a body still trickling after the timeout, keeping what arrived', async () => {
    const body = new PassThrough();
    const trickle = setInterval(() => body.write('x'), 10);
    const started = performance.now();
    try {
      const read = await readCappedBody(body, 150);
      expect(performance.now() - started).to.be.within(140, 400);
      expect(read.text).to.match(/^x+$/);
      expect(read.error).to.equal('the answer broke off: not read to its end within 150 ms');
      expect(body.destroyed).to.equal(true);
    } finally {
      clearInterval(trickle);
    }
  });

  it('a body that breaks off: what arrived, and why', async () => {
    const body = new PassThrough();
    body.write('{"na');
    setTimeout(() => body.destroy(new Error('other side closed')), 10);
    expect(await readCappedBody(body, 1_000)).to.deep.equal({ text: '{"na', error: 'the answer broke off: other side closed' });
  });
});
