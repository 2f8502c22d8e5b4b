import { promises as dns, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { addressRefusal } from './private-network.js';

/** Resolves a host name to every address it has (injected in tests). */
export type Resolve = (hostname: string, options: { readonly family?: number; readonly hints?: number }) => Promise<readonly LookupAddress[]>;

export const systemResolve: Resolve = (hostname, options) => dns.lookup(hostname, { all: true, family: options.family ?? 0, hints: options.hints ?? 0 });

/** The host resolved to an address webhooks may not reach: refused for good, never retried. */
export class PrivateAddressRefused extends Error {
  readonly code = 'EWEBHOOK_PRIVATE_ADDRESS';
}

/**
 * The DNS lookup the HTTP client connects through: it refuses a host when any of its addresses is
 * refused (addressRefusal), so the address checked is the address connected to. A check made
 * before the send would resolve the name a second time, and a rebinding DNS server can answer
 * the check with a public address and the connection with 127.0.0.1. Refusing on any bad address,
 * not only the first, keeps a name that mixes public and private ones from reaching the private
 * one when the client falls back (happy eyeballs tries them in turn).
 */
export function guardedLookup(resolve: Resolve, allowPrivateNetworks: boolean): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { family: familyOf(options.family), hints: options.hints }).then(
      (addresses) => {
        const refusal = allowPrivateNetworks ? null : addresses.map((a) => addressRefusal(a.address)).find((r) => r !== null);
        if (refusal) return callback(new PrivateAddressRefused(`refused webhook host ${hostname}: ${refusal}`), '');
        const first = addresses[0];
        if (first === undefined) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '');
        if (options.all) return callback(null, [...addresses]);
        callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}

function familyOf(family: number | string | undefined): number {
  if (family === 'IPv6' || family === 6) return 6;
  if (family === 'IPv4' || family === 4) return 4;
  return 0;
}
