import type { Channel, NotificationType } from '../../domain/notification-type.js';
import type { Priority } from '../../domain/priority.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { TemplateCatalogue, VariablesCheck } from '../ports/template-catalogue.js';

/** What a request for a notification asks, however it came (REST, an event, a schedule, a reaction). */
export interface NotificationAsk {
  readonly type: NotificationType;
  readonly userId: string | null;
  /** null: routed over the type's channels when a user is named (ADR 22), else email. */
  readonly channel: Channel | null;
  /** The address on the channel (routed: an email address for the email channel); null: the profile's. */
  readonly recipient: string | null;
  readonly templateVars: Readonly<Record<string, unknown>>;
  /** How the caller named the variables (`template_vars`, `variables`, ...): problems are reported under it. */
  readonly variablesField?: string;
  readonly subject?: string | null;
  readonly content?: string | null;
  /** null or absent: the template's priority. */
  readonly priority?: Priority | null;
  /** null or absent: the recipient's language, else the template's default locale. */
  readonly locale?: string | null;
  readonly expiresAt?: Date | null;
  readonly correlationId: string | null;
  readonly sourceEventId: string | null;
  /**
   * `exact`: to `recipient` whatever the stored preferences say (a security alert about a change of
   * those very preferences). Default: the stored notification email and flags decide.
   */
  readonly routing?: 'preferences' | 'exact';
  /**
   * A fallback: the channels left to try, in order, with the template version the first
   * notification was checked against (a fallback never fails on a template published since).
   */
  readonly fallback?: { readonly of: string; readonly channels: readonly Channel[]; readonly templateVersion: number | null };
}

export interface RequestDeps {
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly templates: TemplateCatalogue;
  readonly checkVariables: VariablesCheck;
  /** The channels a provider is configured for: a notification on any other is recorded suppressed. */
  readonly configuredChannels: ReadonlySet<Channel>;
}

