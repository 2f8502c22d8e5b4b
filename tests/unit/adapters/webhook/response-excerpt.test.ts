import { expect } from 'chai';
import { bodyExcerpt, MAX_BODY_BYTES } from '../../../../src/adapters/webhook/response-excerpt.js';

/** A body that never ends, counting what was read from it. */
function endlessBody() {
  const state = { read: 0, destroyed: false };
  const body = {
    state,
    destroy: () => (state.destroyed = true),
    async *[Symbol.asyncIterator]() {
      for (;;) {
        state.read += 1_000;
        yield Buffer.alloc(1_000, 'a');
      }
    },
  };
  return body;
}

describe('bodyExcerpt', () => {
  it('reads at most 4 KiB of an endless body, then destroys it', async () => {
    const body = endlessBody();
    const excerpt = await bodyExcerpt(body, 1_000);
    expect(body.state.read).to.be.at.most(MAX_BODY_BYTES + 1_000);
    expect(body.state.destroyed).to.equal(true);
    expect(excerpt).to.have.length(200);
    expect(excerpt.endsWith('...')).to.equal(true);
  });

  it('gives a body that drips one deadline in all: what arrived by then is kept, and the body destroyed', async () => {
    let destroyed = false;
    const body = {
      destroy: () => (destroyed = true),
      async *[Symbol.asyncIterator]() {
        yield Buffer.from('{"ok":');
        await new Promise(() => undefined);
      },
    };
    const started = performance.now();
    expect(await bodyExcerpt(body, 50)).to.equal('{"ok":');
    expect(performance.now() - started).to.be.below(500);
    expect(destroyed).to.equal(true);
  });

  it('keeps a short body whole, printable', async () => {
    const body = { destroy: () => undefined, async *[Symbol.asyncIterator]() { yield Buffer.from('{"error":"bad\nthing"}\n'); } };
    expect(await bodyExcerpt(body, 1_000)).to.equal('{"error":"bad\\u000athing"}');
  });

  it('keeps what arrived before a body broke off', async () => {
    const body = {
      destroy: () => undefined,
      async *[Symbol.asyncIterator]() {
        yield Buffer.from('partial');
        throw new Error('other side closed');
      },
    };
    expect(await bodyExcerpt(body, 1_000)).to.equal('partial');
  });
});
