import ipaddr from 'ipaddr.js';

const MAX_URL_LENGTH = 2_048;
/** Where cloud instances read their credentials (AWS, GCP, Azure; AWS over IPv6). */
const METADATA = new Set(['169.254.169.254', 'fd00:ec2::254']);
const NAT64 = ipaddr.IPv6.parseCIDR('64:ff9b::/96');
/** IPv6 prefixes that a tunnel or the network's own NAT64 turns into any IPv4 address. */
const TUNNELLED = [['ipv4Compatible', ipaddr.IPv6.parseCIDR('::/96')], ['localNat64', ipaddr.IPv6.parseCIDR('64:ff9b:1::/48')]] as const;
const RANGE_NAMES: Readonly<Record<string, string>> = {
  loopback: 'a loopback address',
  private: 'a private address',
  uniqueLocal: 'a private (unique local) address',
  linkLocal: 'a link-local address',
  unspecified: 'an unspecified address',
  carrierGradeNat: 'a carrier-grade NAT address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  reserved: 'a reserved address',
  ipv4Compatible: 'an IPv4-compatible address (deprecated, reaches IPv4 through a tunnel)',
  localNat64: 'a local-use NAT64 address (translated to IPv4 by this network)',
};

/**
 * Why a send may not go to this IP address, or null when it may: only what ipaddr.js calls plain
 * `unicast` is reachable. That refuses loopback, private (RFC 1918, fc00::/7), link-local (with
 * the cloud metadata address 169.254.169.254), unspecified, CGNAT, multicast, broadcast, the
 * reserved and documentation ranges, and IPv4-mapped or NAT64 forms of any of them (judged by
 * the IPv4 address they carry). An allow-list, so that a range we did not think of stays closed.
 * IPv4-compatible (::/96) and local-use NAT64 (64:ff9b:1::/48, RFC 8215) addresses are refused
 * whatever they carry: a sit tunnel or a local NAT64 reaches IPv4 loopback or metadata through them.
 */
export function addressRefusal(address: string): string | null {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  const ip = nat64Embedded(ipaddr.parse(address)) ?? ipaddr.process(address);
  const range = tunnelled(ip) ?? ip.range();
  if (range === 'unicast') return null;
  const shown = ip.toString() === address ? address : `${address} (${ip.toString()})`;
  const what = METADATA.has(ip.toString()) ? 'the cloud metadata address' : (RANGE_NAMES[range] ?? `a ${range} address`);
  return `${shown} is ${what}, not a public one`;
}

/** :: and ::1 are in ::/96 too, and keep their own names. */
function tunnelled(ip: ipaddr.IPv4 | ipaddr.IPv6): string | null {
  if (!(ip instanceof ipaddr.IPv6) || ip.range() === 'unspecified' || ip.range() === 'loopback') return null;
  return TUNNELLED.find(([, cidr]) => ip.match(cidr))?.[0] ?? null;
}

/**
 * The IPv4 address inside a NAT64 address of the well-known prefix 64:ff9b::/96 (RFC 6052): what
 * DNS64 answers for every IPv4-only host on an IPv6-only network. Judged by the address it stands
 * for, so such networks reach public hosts and still not private ones.
 */
function nat64Embedded(ip: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | null {
  if (!(ip instanceof ipaddr.IPv6) || !ip.match(NAT64)) return null;
  const [high = 0, low = 0] = ip.parts.slice(6);
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

export type WebhookUrlCheck = { readonly ok: true; readonly url: URL } | { readonly ok: false; readonly reason: string };

/**
 * Whether a webhook URL may be stored or sent to: http(s), no credentials, at most 2,048
 * characters, and a host that is not a refused IP literal (see addressRefusal) unless private
 * networks are allowed. A host name is checked where it is resolved, at connect time
 * (guarded-lookup.ts), since what it resolves to now says nothing about what it resolves to then.
 */
export function checkWebhookUrl(text: string, allowPrivateNetworks: boolean): WebhookUrlCheck {
  if (text.length > MAX_URL_LENGTH) return refused(`the URL is longer than ${MAX_URL_LENGTH} characters`);
  const url = URL.canParse(text) ? new URL(text) : null;
  if (url === null) return refused('it is not a URL');
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return refused('it must start with https:// or http://');
  if (url.username !== '' || url.password !== '') return refused('it must not carry credentials');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const refusal = allowPrivateNetworks || !ipaddr.isValid(host) ? null : addressRefusal(host);
  return refusal === null ? { ok: true, url } : refused(`its host ${refusal}`);
}

function refused(reason: string): WebhookUrlCheck {
  return { ok: false, reason: `refused webhook URL: ${reason}` };
}
