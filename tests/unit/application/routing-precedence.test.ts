import { expect } from 'chai';
import { CHANNELS, type Channel } from '../../../src/domain/notification-type.js';
import { PHONE, type RoutingWorld, TYPE, routed } from './routing-world.js';

interface Case extends RoutingWorld {
  readonly name: string;
  /** A channel the request names (not routed). */
  readonly channel?: Channel;
  readonly recipient?: string;
  /** `channel:status` or `channel:reason` for each notification recorded, in routing order. */
  readonly expect: readonly string[];
}

const ALL_PENDING = CHANNELS.map((c) => `${c}:pending`);

const CASES: readonly Case[] = [
  { name: 'everything on: one pending notification per channel', expect: ALL_PENDING },
  { name: 'the type flag off drops every channel', profile: { typeOff: true }, expect: CHANNELS.map((c) => `${c}:preference_opt_out`) },
  { name: 'a channel flag off drops that channel', profile: { channels: { sms: false } }, expect: ['email:pending', 'sms:preference_opt_out', 'push:pending', 'webhook:pending', 'in_app:pending'] },
  { name: 'two channel flags off', profile: { channels: { email: false, push: false } }, expect: ['email:preference_opt_out', 'sms:pending', 'push:preference_opt_out', 'webhook:pending', 'in_app:pending'] },
  { name: 'the in-app flag off drops the feed', profile: { channels: { in_app: false } }, expect: [...ALL_PENDING.slice(0, 4), 'in_app:preference_opt_out'] },
  { name: 'an override on beats the channel flag off', profile: { channels: { sms: false }, overrides: { [TYPE]: { sms: true } } }, expect: ALL_PENDING },
  { name: 'an override on beats the type flag off, for that channel only', profile: { typeOff: true, overrides: { [TYPE]: { sms: true } } }, expect: ['email:preference_opt_out', 'sms:pending', 'push:preference_opt_out', 'webhook:preference_opt_out', 'in_app:preference_opt_out'] },
  { name: 'an override off beats both flags on', profile: { overrides: { [TYPE]: { email: false } } }, expect: ['email:preference_opt_out', ...ALL_PENDING.slice(1)] },
  { name: "another type's override does not apply", profile: { channels: { sms: false }, overrides: { welcome: { sms: true } } }, expect: ['email:pending', 'sms:preference_opt_out', 'push:pending', 'webhook:pending', 'in_app:pending'] },
  { name: 'an override on does not invent a contact point', profile: { phone: false, overrides: { [TYPE]: { sms: true } } }, expect: ['email:pending', 'sms:no_contact_point', 'push:pending', 'webhook:pending', 'in_app:pending'] },
  { name: 'no phone number', profile: { phone: false }, expect: ['email:pending', 'sms:no_contact_point', 'push:pending', 'webhook:pending', 'in_app:pending'] },
  { name: 'no device token', profile: { tokens: [] }, expect: ['email:pending', 'sms:pending', 'push:no_contact_point', 'webhook:pending', 'in_app:pending'] },
  { name: 'no webhook URL', profile: { webhook: 'off' }, expect: ['email:pending', 'sms:pending', 'push:pending', 'webhook:no_contact_point', 'in_app:pending'] },
  { name: 'a webhook disabled after a 410 is no contact point', profile: { webhook: 'disabled' }, expect: ['email:pending', 'sms:pending', 'push:pending', 'webhook:no_contact_point', 'in_app:pending'] },
  { name: 'opting out is read before a missing contact point', profile: { phone: false, channels: { sms: false } }, expect: ['email:pending', 'sms:preference_opt_out', 'push:pending', 'webhook:pending', 'in_app:pending'] },
  { name: 'a channel without a provider', configured: ['email', 'push', 'webhook', 'in_app'], expect: ['email:pending', 'sms:channel_not_configured', 'push:pending', 'webhook:pending', 'in_app:pending'] },
  { name: 'a missing contact point is read before a missing provider', profile: { phone: false }, configured: ['email', 'push', 'webhook', 'in_app'], expect: ['email:pending', 'sms:no_contact_point', 'push:pending', 'webhook:pending', 'in_app:pending'] },
  { name: 'opting out is read before a missing provider', profile: { channels: { sms: false } }, configured: ['email'], expect: ['email:pending', 'sms:preference_opt_out', 'push:channel_not_configured', 'webhook:channel_not_configured', 'in_app:channel_not_configured'] },
  { name: 'a suppressed phone number', suppressed: [['sms', PHONE]], expect: ['email:pending', 'sms:recipient_suppressed', 'push:pending', 'webhook:pending', 'in_app:pending'] },
  { name: 'a suppressed email address', suppressed: [['email', 'ada@example.com']], expect: ['email:recipient_suppressed', ...ALL_PENDING.slice(1)] },
  { name: 'one of two device tokens suppressed: the push goes to the other', suppressed: [['push', 'tok-a']], expect: ALL_PENDING },
  { name: 'every device token suppressed', suppressed: [['push', 'tok-a'], ['push', 'tok-b']], expect: ['email:pending', 'sms:pending', 'push:recipient_suppressed', 'webhook:pending', 'in_app:pending'] },
  { name: 'a missing provider is read before a suppression', configured: ['email', 'push', 'webhook', 'in_app'], suppressed: [['sms', PHONE]], expect: ['email:pending', 'sms:channel_not_configured', 'push:pending', 'webhook:pending', 'in_app:pending'] },
  { name: 'opting out is read before a suppression', profile: { channels: { sms: false } }, suppressed: [['sms', PHONE]], expect: ['email:pending', 'sms:preference_opt_out', 'push:pending', 'webhook:pending', 'in_app:pending'] },
  { name: 'no profile: only the feed (the user id is its address)', profile: null, expect: ['email:no_contact_point', 'sms:no_contact_point', 'push:no_contact_point', 'webhook:no_contact_point', 'in_app:pending'] },
  { name: 'no profile but an email address in the request', profile: null, recipient: 'Event@Example.com', expect: ['email:pending', 'sms:no_contact_point', 'push:no_contact_point', 'webhook:no_contact_point', 'in_app:pending'] },
  { name: 'the feed without a provider', configured: ['email', 'sms', 'push', 'webhook'], expect: [...ALL_PENDING.slice(0, 4), 'in_app:channel_not_configured'] },
  { name: 'first: the first channel that can be sent on, and no other', route: ['sms', 'push', 'email'], expect: ['sms:pending'] },
  { name: 'first: a missing phone number falls to push', route: ['sms', 'push', 'email'], profile: { phone: false }, expect: ['sms:no_contact_point', 'push:pending'] },
  { name: 'first: an opt-out and a missing provider fall through to email', route: ['sms', 'push', 'email'], profile: { channels: { sms: false } }, configured: ['email'], expect: ['sms:preference_opt_out', 'push:channel_not_configured', 'email:pending'] },
  { name: 'first: a suppressed number falls to push', route: ['sms', 'push', 'email'], suppressed: [['sms', PHONE]], expect: ['sms:recipient_suppressed', 'push:pending'] },
  { name: 'first: nothing can be sent: every channel says why', route: ['sms', 'push', 'email'], profile: { phone: false, tokens: [], channels: { email: false } }, expect: ['sms:no_contact_point', 'push:no_contact_point', 'email:preference_opt_out'] },
  { name: 'first: an override puts an opted-out channel back first', route: ['sms', 'email'], profile: { channels: { sms: false }, overrides: { [TYPE]: { sms: true } } }, expect: ['sms:pending'] },
  { name: 'first: an override off skips the first channel', route: ['in_app', 'email'], profile: { overrides: { [TYPE]: { in_app: false } } }, expect: ['in_app:preference_opt_out', 'email:pending'] },
  { name: 'first: the type flag off drops every channel of the order', route: ['push', 'email'], profile: { typeOff: true }, expect: ['push:preference_opt_out', 'email:preference_opt_out'] },
  { name: 'a named channel honours its channel flag', channel: 'sms', profile: { channels: { sms: false } }, expect: ['sms:preference_opt_out'] },
  { name: 'a named channel honours an override', channel: 'sms', profile: { channels: { sms: false }, overrides: { [TYPE]: { sms: true } } }, expect: ['sms:pending'] },
  { name: 'a named channel is not routed even when others could go', channel: 'push', expect: ['push:pending'] },
];

describe('routing precedence (override, type and channel flags, contact point, provider, suppressions)', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const recorded = await routed({ ...c, ask: { channel: c.channel ?? null, recipient: c.recipient ?? null } });
      expect(recorded.map((n) => `${n.channel}:${n.status === 'suppressed' ? n.reason : n.status}`)).to.deep.equal(c.expect);
    });
  }

  it('has at least 30 cases', () => expect(CASES.length).to.be.at.least(30));

  it('records each address it routed to, and where a first route falls back next', async () => {
    const recorded = await routed({ route: ['sms', 'push', 'email'], profile: { phone: false }, suppressed: [['push', 'tok-a']] });
    expect(recorded.map((n) => [n.channel, n.recipient, n.fromProfile, n.fallback])).to.deep.equal([
      ['sms', '', true, ['push', 'email']],
      ['push', 'tok-b', true, ['email']],
    ]);
  });
});
