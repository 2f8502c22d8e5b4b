import { expect } from 'chai';
import { DnsWebhookUrlPolicy } from '../../../../src/adapters/webhook/dns-webhook-url-policy.js';
import type { InvalidValueError } from '../../../../src/domain/errors.js';
import { rejection } from '../../rejection.js';

const DNS: Readonly<Record<string, readonly string[]>> = { 'public.example': ['93.184.216.34'], 'rebind.example': ['93.184.216.34', '10.0.0.7'] };
const resolve = async (host: string) => {
  const found = DNS[host];
  if (!found) throw Object.assign(new Error(`queryA ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return found;
};

describe('DnsWebhookUrlPolicy: the private-network rule when a profile sets its webhook URL', () => {
  const policy = new DnsWebhookUrlPolicy(false, resolve);

  it('accepts a host that resolves only to public addresses, or not at all (checked again at connect time)', async () => {
    await policy.check('https://public.example/hook');
    await policy.check('https://not-yet.example/hook');
  });

  it('refuses a private IP literal, and a host with any private address, naming the webhook_url', async () => {
    for (const url of ['http://169.254.169.254/latest', 'https://[::1]/', 'https://rebind.example/hook']) {
      const error = (await rejection(policy.check(url))) as InvalidValueError;
      expect([url, error.field]).to.deep.equal([url, 'webhook_url']);
    }
    expect((await rejection(policy.check('https://rebind.example/hook'))).message).to.include('10.0.0.7');
  });

  it('allows private networks when the operator says so', async () => {
    await new DnsWebhookUrlPolicy(true, resolve).check('http://127.0.0.1:8028/hooks');
  });
});
