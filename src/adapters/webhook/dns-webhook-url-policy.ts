import { Resolver } from 'node:dns/promises';
import type { WebhookUrlPolicy } from '../../application/ports/webhook-url-policy.js';
import { InvalidValueError } from '../../domain/errors.js';
import { addressRefusal, checkWebhookUrl } from './private-network.js';

/** A host's addresses, or none when it does not resolve in time. */
export type ResolveAll = (host: string) => Promise<readonly string[]>;

/**
 * Asks the DNS servers directly (c-ares, not getaddrinfo on libuv's four threads), once, for at
 * most 2 s: the check runs inside the request's transaction, which must not wait on a slow name
 * server.
 */
export function boundedResolve(timeoutMs = 2_000): ResolveAll {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
  return async (host) => {
    const answers = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
    return answers.flatMap((a) => (a.status === 'fulfilled' ? a.value : []));
  };
}

/**
 * The private-network rule when a profile sets its webhook URL: a refused IP literal, or a host
 * that resolves now to a refused address, is answered 400 at once rather than failing every send
 * later. A host that does not resolve is let through: the rule is enforced again where it counts,
 * at connect time (guarded-lookup.ts), whatever the name resolves to then.
 */
export class DnsWebhookUrlPolicy implements WebhookUrlPolicy {
  constructor(
    private readonly allowPrivateNetworks: boolean,
    private readonly resolve: ResolveAll = boundedResolve(),
  ) {}

  async check(url: string): Promise<void> {
    const checked = checkWebhookUrl(url, this.allowPrivateNetworks);
    if (!checked.ok) throw new InvalidValueError('webhook_url', checked.reason);
    if (this.allowPrivateNetworks) return;
    const host = checked.url.hostname.replace(/^\[(.*)\]$/, '$1');
    const addresses = await this.resolve(host).catch(() => []);
    const refusal = addresses.map((a) => addressRefusal(a)).find((r) => r !== null);
    if (refusal) throw new InvalidValueError('webhook_url', `refused webhook URL: its host ${host} resolves to an address webhooks may not reach (${refusal})`);
  }
}
