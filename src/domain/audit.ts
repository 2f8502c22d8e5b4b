/**
 * The audit log: who (an API key's id) did what admin action to what, and when (docs/adr/0027-audit-log.md).
 * Recorded in the transaction of the action itself, so an action is never done unrecorded.
 */
export const AUDIT_ACTIONS = [
  'notification.retried',
  'notifications.bulk_retried',
  'dead_letter.replayed',
  'dead_letters.replayed',
  'dead_letter.discarded',
  'api_key.created',
  'api_key.revoked',
  'template.created',
  'template.published',
  'preferences.created',
  'preferences.changed',
  'webhook_secret.rotated',
  'suppression.lifted',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** What an audited action did it to: a notification, a dead letter, an API key, a template, a user. */
export interface AuditTarget {
  readonly type: string;
  readonly id: string;
  /** A few facts worth keeping with the entry (counts, versions, filters); never a secret. */
  readonly detail?: Readonly<Record<string, unknown>>;
}

export interface AuditEntry {
  readonly action: AuditAction;
  /** The API key that asked for the action. */
  readonly keyId: string;
  readonly target: AuditTarget;
  readonly at: Date;
}

/** A command an admin may send over REST names the key that sent it; absent, it was the service's own doing. */
export interface Acting {
  readonly actor?: string;
}
