import type { SendFields } from '../../domain/commands.js';
import { EmailAddress } from '../../domain/email-address.js';
import { InvalidValueError } from '../../domain/errors.js';
import type { NotificationPreferences } from '../../domain/notification-preferences.js';
import { type NewNotification, NotificationRequest } from '../../domain/notification-request.js';
import type { NotificationType } from '../../domain/notification-type.js';
import type { Priority } from '../../domain/priority.js';
import { UserId } from '../../domain/user-id.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { TemplateCatalogue, TemplateRelease, VariablesCheck } from '../ports/template-catalogue.js';
import type { UnitOfWork } from '../ports/unit-of-work.js';
import { releaseFor, variablesChecked } from '../templates/release-for.js';

export interface NotificationAsk {
  readonly type: NotificationType;
  readonly userId: string | null;
  /** null: the user's stored notification email. */
  readonly email: string | null;
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
   * `exact`: to `email` whatever the stored preferences say (a security alert about a change of
   * those very preferences). Default: the stored notification email and flags decide.
   */
  readonly routing?: 'preferences' | 'exact';
}

export interface RequestDeps {
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly templates: TemplateCatalogue;
  readonly checkVariables: VariablesCheck;
}

/**
 * Records one notification in the caller's transaction: `pending` to be sent, or `suppressed`
 * when the user opted out of its type. Its template's live version is looked up and its variables
 * checked first (InvalidValueError naming each one that does not fit). Preferences are read inside
 * the transaction, on the primary, so an opt-out written just before is honoured. An email
 * verification goes to the address being verified; anything else to the stored notification email.
 */
export async function requestNotification(uow: UnitOfWork, deps: RequestDeps, ask: NotificationAsk): Promise<NotificationRequest> {
  const release = variablesChecked(await releaseFor(deps.templates, ask.type), ask, deps.checkVariables);
  const userId = ask.userId === null ? null : UserId.of(ask.userId);
  const preferences = userId && ask.routing !== 'exact' ? await uow.preferences.get(userId) : null;
  const recipient = recipientOf(ask, preferences);
  const now = deps.clock.now();
  const fields = newNotification(deps.ids.newId(), userId?.value ?? null, recipient.value, ask, release, now);
  const notification = optedOut(preferences, ask.type)
    ? NotificationRequest.suppress(fields, 'preference_opt_out', now)
    : NotificationRequest.request(fields, now);
  await uow.notifications.add(notification);
  return notification;
}

/** What a send asked over REST asks of requestNotification. */
export function askOf(fields: SendFields, correlationId: string | null): NotificationAsk {
  return {
    type: fields.notificationType,
    userId: fields.userId,
    email: fields.recipientEmail,
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

/** The address asked for when it must be (a verification) or no preferences say otherwise; else the stored one. */
function recipientOf(ask: NotificationAsk, preferences: NotificationPreferences | null): EmailAddress {
  const asked = ask.email === null ? null : EmailAddress.of(ask.email, 'email');
  if (asked && (ask.type === 'email_verification' || !preferences)) return asked;
  if (preferences) return preferences.notificationEmail;
  throw new InvalidValueError('userid', 'has no stored notification email: give the recipient address');
}

function optedOut(preferences: NotificationPreferences | null, type: NotificationType): boolean {
  return preferences !== null && !preferences.allows(type);
}

function newNotification(id: string, userId: string | null, recipient: string, ask: NotificationAsk, release: TemplateRelease, now: Date): NewNotification {
  const { definition } = release;
  const secrets = definition.variables.filter((v) => v.secret && Object.hasOwn(ask.templateVars, v.name)).map((v) => v.name);
  return {
    id,
    userId,
    type: ask.type,
    channel: 'email',
    recipient,
    content: { subject: ask.subject ?? null, body: ask.content ?? null, templateVars: ask.templateVars },
    priority: ask.priority ?? definition.priority,
    correlationId: ask.correlationId,
    sourceEventId: ask.sourceEventId,
    secretVariables: secrets,
    templateVersion: release.version,
    locale: ask.locale ?? null,
    expiresAt: earliest(ask.expiresAt ?? null, definition.ttlSeconds === null ? null : new Date(now.getTime() + definition.ttlSeconds * 1000)),
  };
}

function earliest(a: Date | null, b: Date | null): Date | null {
  if (a === null || b === null) return a ?? b;
  return a < b ? a : b;
}
