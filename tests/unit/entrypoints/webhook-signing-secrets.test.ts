import { expect } from 'chai';
import type { OutgoingMessage } from '../../../src/application/ports/channel-sender.js';
import { signingSecrets } from '../../../src/entrypoints/composition/channels.factories.js';

const HOOK = 'https://hooks.example.com/notify';
const message = (fields: Partial<OutgoingMessage>): OutgoingMessage => ({
  notificationId: 'n-1',
  notificationType: 'message',
  userId: 'u-1',
  recipient: HOOK,
  correlationId: null,
  content: { channel: 'webhook', payload: '{}' },
  ...fields,
});

describe('which secrets sign a webhook', () => {
  const current = new Map([[HOOK, ['whsec_own']]]);
  const endpoints = { signingSecrets: async (_userId: string, url: string) => current.get(url) ?? [] };
  const secrets = signingSecrets(endpoints, 'whsec_shared');

  it("signs a send to the profile's endpoint with the endpoint's own secrets", async () => {
    expect(await secrets(message({ fromProfile: true }))).to.deep.equal(['whsec_own']);
  });

  it('signs nothing once the profile no longer holds that URL (changed, removed or disabled): never the shared secret', async () => {
    expect(await secrets(message({ fromProfile: true, recipient: 'https://abandoned.example.com/' }))).to.deep.equal([]);
  });

  it('signs a URL the send named with the shared secret, whoever the user is', async () => {
    expect(await secrets(message({ fromProfile: false }))).to.deep.equal(['whsec_shared']);
    expect(await secrets(message({ userId: null }))).to.deep.equal(['whsec_shared']);
  });
});
