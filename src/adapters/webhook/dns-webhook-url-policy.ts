import type { WebhookUrlPolicy } from '../../application/ports/webhook-url-policy.js';
import { InvalidValueError } from '../../domain/errors.js';
import { type Resolve, systemResolve } from './guarded-lookup.js';
import { addressRefusal, checkWebhookUrl } from './private-network.js';

/**
 * The private-network rule when a profile sets its webhook URL: a refused IP literal, or a host
 * that resolves now to a refused address, is answered 400 at once rather than failing every send
 * later. A host that does not resolve is let through: the rule is enforced again where it counts,
 * at connect time (guarded-lookup.ts), whatever the name resolves to then.
 */
export class DnsWebhookUrlPolicy implements WebhookUrlPolicy {
  constructor(
    private readonly allowPrivateNetworks: boolean,
    private readonly resolve: Resolve = systemResolve,
  ) {}

  async check(url: string): Promise<void> {
    const checked = checkWebhookUrl(url, this.allowPrivateNetworks);
    if (!checked.ok) throw new InvalidValueError('webhook_url', checked.reason);
    if (this.allowPrivateNetworks) return;
    const host = checked.url.hostname.replace(/^\[(.*)\]$/, '$1');
    const addresses = await this.resolve(host, {}).catch(() => []);
    const refusal = addresses.map((a) => addressRefusal(a.address)).find((r) => r !== null);
    if (refusal) throw new InvalidValueError('webhook_url', `refused webhook URL: its host ${host} resolves to an address webhooks may not reach (${refusal})`);
  }
}
