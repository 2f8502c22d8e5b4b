import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { expect } from 'chai';
import { guardedLookup, PrivateAddressRefused, type Resolve } from '../../../../src/adapters/webhook/guarded-lookup.js';

/** A resolver answering from a table, recording what it was asked. */
function resolverOf(table: Record<string, LookupAddress[]>) {
  const asked: Array<{ hostname: string; family?: number }> = [];
  const resolve: Resolve = (hostname, options) => {
    asked.push({ hostname, family: options.family });
    const found = table[hostname];
    return found ? Promise.resolve(found) : Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }));
  };
  return { resolve, asked };
}

const TABLE: Record<string, LookupAddress[]> = {
  'rebound.example': [{ address: '127.0.0.1', family: 4 }],
  'metadata.example': [{ address: '169.254.169.254', family: 4 }],
  'mixed.example': [{ address: '93.184.215.14', family: 4 }, { address: '::1', family: 6 }],
  'public.example': [{ address: '2606:4700::1111', family: 6 }, { address: '93.184.215.14', family: 4 }],
};

/** What net.connect gets back: an error, one address, or all of them (happy eyeballs asks with all: true). */
function lookUp(lookup: LookupFunction, hostname: string, all: boolean): Promise<{ error: NodeJS.ErrnoException | null; result: unknown }> {
  return new Promise((resolve) => {
    lookup(hostname, { all, hints: 0 }, (error, address, family) => resolve({ error, result: all ? address : { address, family } }));
  });
}

describe('guardedLookup: the private-network rule where the connection is made', () => {
  it('refuses a host name that resolves to 127.0.0.1, whichever way net.connect asks', async () => {
    const { resolve } = resolverOf(TABLE);
    for (const all of [true, false]) {
      const { error } = await lookUp(guardedLookup(resolve, false), 'rebound.example', all);
      expect(error).to.be.instanceOf(PrivateAddressRefused);
      expect(error?.message).to.equal('refused webhook host rebound.example: 127.0.0.1 is a loopback address, not a public one');
    }
  });

  it('refuses the metadata address, and a name with any private address among public ones', async () => {
    const { resolve } = resolverOf(TABLE);
    expect((await lookUp(guardedLookup(resolve, false), 'metadata.example', true)).error).to.be.instanceOf(PrivateAddressRefused);
    expect((await lookUp(guardedLookup(resolve, false), 'mixed.example', true)).error?.message).to.match(/::1 is a loopback address/);
  });

  it('hands public addresses to the connection as resolved: all of them, or the first', async () => {
    const { resolve } = resolverOf(TABLE);
    expect(await lookUp(guardedLookup(resolve, false), 'public.example', true)).to.deep.equal({ error: null, result: TABLE['public.example'] });
    expect(await lookUp(guardedLookup(resolve, false), 'public.example', false)).to.deep.equal({ error: null, result: { address: '2606:4700::1111', family: 6 } });
  });

  it('lets private addresses through when private networks are allowed', async () => {
    const { resolve } = resolverOf(TABLE);
    expect(await lookUp(guardedLookup(resolve, true), 'rebound.example', false)).to.deep.equal({ error: null, result: { address: '127.0.0.1', family: 4 } });
  });

  it('resolves again on every connection, so a later answer is checked too (DNS rebinding)', async () => {
    const answers: LookupAddress[][] = [[{ address: '93.184.215.14', family: 4 }], [{ address: '127.0.0.1', family: 4 }]];
    const lookup = guardedLookup(() => Promise.resolve(answers.shift() ?? []), false);
    expect((await lookUp(lookup, 'flip.example', false)).error).to.equal(null);
    expect((await lookUp(lookup, 'flip.example', false)).error).to.be.instanceOf(PrivateAddressRefused);
  });

  it('passes DNS failures on as they are, and asks for the family the connection wants', async () => {
    const { resolve, asked } = resolverOf(TABLE);
    const lookup = guardedLookup(resolve, false);
    expect((await lookUp(lookup, 'nowhere.example', false)).error?.code).to.equal('ENOTFOUND');
    await new Promise((done) => lookup('public.example', { family: 6 }, done));
    expect(asked.at(-1)).to.deep.equal({ hostname: 'public.example', family: 6 });
  });
});
