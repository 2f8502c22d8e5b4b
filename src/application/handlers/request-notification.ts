import type { SendFields } from '../../domain/commands.js';
import { DeviceTokens } from '../../domain/device-tokens.js';
import type { NotificationPreferences } from '../../domain/notification-preferences.js';
import { type NewNotification, NotificationRequest } from '../../domain/notification-request.js';
import type { SuppressionReason } from '../../domain/notification-status.js';
import type { Channel, NotificationType } from '../../domain/notification-type.js';
import type { Priority } from '../../domain/priority.js';
import { UserId } from '../../domain/user-id.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { TemplateCatalogue, TemplateRelease, VariablesCheck } from '../ports/template-catalogue.js';
import type { UnitOfWork } from '../ports/unit-of-work.js';
import { channelChecked, releaseFor, variablesChecked } from '../templates/release-for.js';
import { addressOf } from './contact-point.js';

export interface NotificationAsk {
  readonly type: NotificationType;
  readonly userId: string | null;
  readonly channel: Channel;
  /** The address on the channel; null: the contact point the user's profile holds. */
  readonly recipient: string | null;
  readonly templateVars: Readonly<Record<string, unknown>>;
  /** How the caller named the variables (`template_vars`, `variables`, ...): problems are reported under it. */
  readonly variablesField?: string;
  readonly subject?: string | null;
  readonly content?: string | null;
  /** null or absent: the template's priority. */
  readonly priority?: Priority | null;
  readonly locale?: string | null;
  readonly expiresAt?: Date | null;
  readonly correlationId: string | null;
  readonly sourceEventId: string | null;
  /**
   * `exact`: to `recipient` whatever the stored preferences say (a security alert about a change of
   * those very preferences). Default: the stored notification email and flags decide.
   */
  readonly routing?: 'preferences' | 'exact';
}

/** A webhook whose endpoint stays down gives up after three days (its breaker defers it without using attempts). */
const WEBHOOK_TTL_SECONDS = 3 * 86_400;

export interface RequestDeps {
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly templates: TemplateCatalogue;
  readonly checkVariables: VariablesCheck;
  /** The channels a provider is configured for: a notification on any other is recorded suppressed. */
  readonly configuredChannels: ReadonlySet<Channel>;
}

/**
 * Records one notification in the caller's transaction: `pending` to be sent, or `suppressed` with
 * why it will not be (the user opted out of its type, their profile holds no address for the
 * channel, no provider serves the channel, the address is suppressed). Its template's live version
 * is looked up and checked first: its variables (InvalidValueError naming each one that does not
 * fit) and a variant for the channel. The profile is read inside the transaction, on the primary,
 * so an opt-out written just before is honoured. Addressing: contact-point.ts.
 */
export async function requestNotification(uow: UnitOfWork, deps: RequestDeps, ask: NotificationAsk): Promise<NotificationRequest> {
  const release = channelChecked(variablesChecked(await releaseFor(deps.templates, ask.type), ask, deps.checkVariables), ask);
  const userId = ask.userId === null ? null : UserId.of(ask.userId);
  const profile = userId && ask.routing !== 'exact' ? await uow.preferences.get(userId) : null;
  const address = addressOf({ channel: ask.channel, type: ask.type, recipient: ask.recipient, userId }, profile);
  const sendable = address === null ? null : await unsuppressed(uow, ask.channel, address);
  const now = deps.clock.now();
  const fields = newNotification(deps.ids.newId(), userId?.value ?? null, sendable ?? address ?? '', ask, release, now);
  const reason = suppressionOf(deps, ask, profile, address, sendable);
  const notification = reason ? NotificationRequest.suppress(fields, reason, now) : NotificationRequest.request(fields, now);
  await uow.notifications.add(notification);
  return notification;
}

/** Why the notification will not be sent, in the order on-call reads it; null: it goes. */
function suppressionOf(deps: RequestDeps, ask: NotificationAsk, profile: NotificationPreferences | null, address: string | null, sendable: string | null): SuppressionReason | null {
  if (profile !== null && !profile.allows(ask.type)) return 'preference_opt_out';
  if (address === null) return 'no_contact_point';
  if (!deps.configuredChannels.has(ask.channel)) return 'channel_not_configured';
  return sendable === null ? 'recipient_suppressed' : null;
}

/** The address without what the suppressions hold (a push goes to the device tokens left); null when nothing is left. */
async function unsuppressed(uow: UnitOfWork, channel: Channel, address: string): Promise<string | null> {
  const each = channel === 'push' ? DeviceTokens.parse(address) : [address];
  const left: string[] = [];
  for (const one of each) if (!(await uow.suppressions.isSuppressed(channel, one))) left.push(one);
  if (left.length === 0) return null;
  return channel === 'push' ? DeviceTokens.format(left) : address;
}

/** What a send asked over REST asks of requestNotification. */
export function askOf(fields: SendFields, correlationId: string | null): NotificationAsk {
  return {
    type: fields.notificationType,
    userId: fields.userId,
    channel: fields.channel,
    recipient: fields.recipient,
    templateVars: fields.templateVars,
    variablesField: fields.variablesField,
    subject: fields.subject,
    content: fields.content,
    priority: fields.priority,
    locale: fields.locale,
    expiresAt: fields.expiresAt,
    correlationId,
    sourceEventId: null,
  };
}

function newNotification(id: string, userId: string | null, recipient: string, ask: NotificationAsk, release: TemplateRelease, now: Date): NewNotification {
  const { definition } = release;
  const secrets = definition.variables.filter((v) => v.secret && Object.hasOwn(ask.templateVars, v.name)).map((v) => v.name);
  return {
    id,
    userId,
    type: ask.type,
    channel: ask.channel,
    recipient,
    fromProfile: ask.recipient === null,
    content: { subject: ask.subject ?? null, body: ask.content ?? null, templateVars: ask.templateVars },
    priority: ask.priority ?? definition.priority,
    correlationId: ask.correlationId,
    sourceEventId: ask.sourceEventId,
    secretVariables: secrets,
    templateVersion: release.version,
    locale: ask.locale ?? null,
    expiresAt: [ask.expiresAt ?? null, after(now, definition.ttlSeconds), ask.channel === 'webhook' ? after(now, WEBHOOK_TTL_SECONDS) : null].reduce(earliest, null),
  };
}

function after(now: Date, seconds: number | null): Date | null {
  return seconds === null ? null : new Date(now.getTime() + seconds * 1000);
}

function earliest(a: Date | null, b: Date | null): Date | null {
  if (a === null || b === null) return a ?? b;
  return a < b ? a : b;
}
