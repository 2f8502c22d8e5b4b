import { expect } from 'chai';
import { printable } from '../../../src/adapters/observability/printable.js';

describe('printable', () => {
  it('keeps printable ASCII and escapes everything else, control and bidirectional characters included', () => {
    expect(printable('plain text: a\\b', 100)).to.equal('plain text: a\\b');
    expect(printable('a\nb\u0000c\u202ed😀', 100)).to.equal('a\\u000ab\\u0000c\\u202ed\\ud83d\\ude00');
  });

  it('cuts at the bound between escapes, with an ellipsis, and reads no further than needed', () => {
    expect(printable('x'.repeat(200_000), 1_000)).to.equal(`${'x'.repeat(997)}...`);
    const cut = printable(`${'x'.repeat(995)}\u202e\u202e`, 1_000);
    expect(cut).to.equal(`${'x'.repeat(995)}...`);
    expect(printable('x'.repeat(1_000), 1_000)).to.equal('x'.repeat(1_000));
  });

  it('leaves text it escaped before unchanged', () => {
    const once = printable(`\u202e${'k'.repeat(5_000)}`, 1_000);
    expect(printable(once, 1_000)).to.equal(once);
  });
});
