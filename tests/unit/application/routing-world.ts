import { requestNotifications } from '../../../src/application/handlers/request-notification.js';
import type { NotificationAsk, RequestDeps } from '../../../src/application/handlers/request-notification.js';
import type { TemplateCatalogue } from '../../../src/application/ports/template-catalogue.js';
import { ChannelFlags } from '../../../src/domain/channel-flags.js';
import { ChannelOverrides } from '../../../src/domain/channel-overrides.js';
import { EmailAddress } from '../../../src/domain/email-address.js';
import { NotificationPreferences, type PreferencesChange, preferenceFlags } from '../../../src/domain/notification-preferences.js';
import type { NotificationSnapshot } from '../../../src/domain/notification-request.js';
import { CHANNELS, type Channel } from '../../../src/domain/notification-type.js';
import { PhoneNumber } from '../../../src/domain/phone-number.js';
import { QuietHours } from '../../../src/domain/quiet-hours.js';
import { Suppression } from '../../../src/domain/suppression.js';
import type { TemplateDefinition } from '../../../src/domain/template-definition.js';
import { TimeZone } from '../../../src/domain/time-zone.js';
import { UserId } from '../../../src/domain/user-id.js';
import { WebhookUrl } from '../../../src/domain/webhook-url.js';
import { variableProblems } from '../../../src/entrypoints/template-variables-schema.js';
import { FakeClock, FakeUnitOfWork, InMemoryStore, SequentialIds } from '../../support/fakes.js';
import { testStamping } from '../../support/test-container.js';
import { T0 } from '../mothers.js';

/** A world for routing a request of one type whose template has a variant on every channel. */
export const TYPE = 'order_status_update';
export const PHONE = '+15551234567';
export const HOOK = 'https://hooks.example.com/orders';

export interface ProfileSpec {
  readonly typeOff?: boolean;
  readonly channels?: Partial<Record<Channel, boolean>>;
  readonly overrides?: Record<string, Partial<Record<Channel, boolean>>>;
  readonly phone?: boolean;
  readonly tokens?: readonly string[];
  readonly webhook?: 'on' | 'off' | 'disabled';
  readonly quietHours?: readonly [string, string];
  readonly timeZone?: string;
  readonly language?: string;
}

export interface RoutingWorld {
  /** null: the user has no profile. */
  readonly profile?: ProfileSpec | null;
  /** `all`, or the `first` order. */
  readonly route?: 'all' | readonly Channel[];
  readonly configured?: readonly Channel[];
  readonly suppressed?: ReadonlyArray<readonly [Channel, string]>;
  /** What the request asks beyond the type and the user (a channel, a recipient, a priority). */
  readonly ask?: Partial<NotificationAsk>;
  readonly now?: Date;
  /** Version 2 of the template is live and declares these (version 1 declares none). */
  readonly liveVariables?: TemplateDefinition['variables'];
}

export function definition(route: RoutingWorld['route']): TemplateDefinition {
  return {
    description: 'order status',
    priority: 'high',
    ttlSeconds: null,
    routing: route === undefined || route === 'all' ? { mode: 'all' } : { mode: 'first', order: route },
    variables: [],
    defaultLocale: 'en',
    variants: [
      { channel: 'email', locale: 'en', subject: 'Order', text: 'Shipped' },
      { channel: 'sms', locale: 'en', body: 'Shipped' },
      { channel: 'push', locale: 'en', title: 'Order', body: 'Shipped' },
      { channel: 'webhook', locale: 'en', payload: '{"status":"shipped"}' },
      { channel: 'in_app', locale: 'en', title: 'Order', body: 'Shipped' },
    ],
  };
}

export function profileOf(spec: ProfileSpec): NotificationPreferences {
  const webhook = spec.webhook ?? 'on';
  const hook: PreferencesChange = webhook === 'off' ? { webhookUrl: null } : { webhookUrl: WebhookUrl.of(HOOK), mintSecret: () => 'whsec_test' };
  const profile = NotificationPreferences.create(UserId.of('u-1'), EmailAddress.of('ada@example.com'), preferenceFlags(spec.typeOff ? { [TYPE]: false } : {}), T0, null, {
    ...hook,
    phoneNumber: spec.phone === false ? null : PhoneNumber.of(PHONE),
    pushTokens: spec.tokens ?? ['tok-a', 'tok-b'],
    channels: ChannelFlags.of(spec.channels ?? {}),
    overrides: ChannelOverrides.of(spec.overrides ?? {}),
    quietHours: spec.quietHours ? QuietHours.of(...spec.quietHours) : null,
    timeZone: spec.timeZone ? TimeZone.of(spec.timeZone) : null,
    language: spec.language ?? null,
  });
  if (webhook === 'disabled') profile.disableWebhook(HOOK, T0);
  return profile;
}

/** The world's unit of work (profile and suppressions stored) and what requesting needs. */
export async function seeded(c: RoutingWorld): Promise<{ store: InMemoryStore; uow: FakeUnitOfWork; deps: RequestDeps }> {
  const store = new InMemoryStore();
  const uow = new FakeUnitOfWork(store, testStamping());
  const first = { key: TYPE, version: 1, definition: definition(c.route) };
  const live = c.liveVariables ? { key: TYPE, version: 2, definition: { ...first.definition, variables: c.liveVariables } } : first;
  const templates: TemplateCatalogue = { live: async () => live, version: async (_key, version) => [first, live].find((r) => r.version === version) ?? null };
  const deps = { clock: new FakeClock(c.now ?? T0), ids: new SequentialIds(), templates, checkVariables: variableProblems, configuredChannels: new Set(c.configured ?? CHANNELS) };
  await uow.execute(async (u) => {
    if (c.profile !== null) await u.preferences.add(profileOf(c.profile ?? {}));
    for (const [i, [channel, address]] of (c.suppressed ?? []).entries()) await u.suppressions.add(Suppression.of({ channel, address, reason: 'manual', source: 'test' }, `s-${i}`, T0));
  });
  return { store, uow, deps };
}

/** Records the request in the world, answering each notification as recorded. */
export async function routed(c: RoutingWorld): Promise<NotificationSnapshot[]> {
  const { uow, deps } = await seeded(c);
  const ask: NotificationAsk = { type: TYPE, userId: 'u-1', channel: null, recipient: null, templateVars: {}, correlationId: null, sourceEventId: null, ...c.ask };
  const { result } = await uow.execute((u) => requestNotifications(u, deps, ask));
  return result.map((n) => n.snapshot());
}
