import { AggregateRoot } from './aggregate-root.js';
import { EmailAddress } from './email-address.js';
import { InvalidValueError } from './errors.js';
import type { PreferenceFlags } from './events.js';
import { BUILT_IN_TYPES, type BuiltInType, NotificationType } from './notification-type.js';
import { UserId } from './user-id.js';

export interface PreferencesSnapshot {
  readonly userId: string;
  readonly notificationEmail: string;
  /** As stored: may predate a notification type (restore completes it). */
  readonly preferences: Readonly<Record<string, boolean>>;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Every built-in type is on unless the user turned it off (types created over REST are always on). */
export function preferenceFlags(raw: Readonly<Record<string, unknown>> = {}): PreferenceFlags {
  const flags = Object.fromEntries(BUILT_IN_TYPES.map((type) => [type, true])) as Record<BuiltInType, boolean>;
  for (const [key, value] of Object.entries(raw)) {
    const field = `preferences.${key}`;
    if (!NotificationType.isBuiltIn(key)) throw new InvalidValueError(field, `must be one of ${BUILT_IN_TYPES.join(', ')}`);
    if (typeof value !== 'boolean') throw new InvalidValueError(field, 'must be true or false');
    flags[key] = value;
  }
  return flags;
}

/**
 * Stored flags completed with defaults: a type added after the row was written is on, not
 * silently off; a flag for a type that no longer exists is dropped.
 */
export function storedFlags(stored: Readonly<Record<string, unknown>>): PreferenceFlags {
  return Object.fromEntries(BUILT_IN_TYPES.map((type) => [type, stored[type] !== false])) as Record<BuiltInType, boolean>;
}

/** A user's notification email and one on/off flag per notification type. */
export class NotificationPreferences extends AggregateRoot {
  private constructor(
    readonly userId: UserId,
    private email: EmailAddress,
    private flags: PreferenceFlags,
    private readonly snapshotVersion: number,
    readonly createdAt: Date,
    private changedAt: Date,
  ) {
    super();
  }

  static create(userId: UserId, email: EmailAddress, flags: PreferenceFlags, now: Date, username: string | null = null): NotificationPreferences {
    const created = new NotificationPreferences(userId, email, flags, 0, now, now);
    created.raise({ type: 'NotificationPreferencesCreated', ...created.eventFields(), username });
    return created;
  }

  static restore(snapshot: PreferencesSnapshot): NotificationPreferences {
    return new NotificationPreferences(
      UserId.of(snapshot.userId),
      EmailAddress.of(snapshot.notificationEmail),
      storedFlags(snapshot.preferences),
      snapshot.version,
      snapshot.createdAt,
      snapshot.updatedAt,
    );
  }

  /** Replaces email and flags; raises NotificationPreferencesUpdated only when something changed. */
  replace(email: EmailAddress, flags: PreferenceFlags, now: Date): void {
    const sameFlags = BUILT_IN_TYPES.every((type) => this.flags[type] === flags[type]);
    if (sameFlags && this.email.equals(email)) return;
    const previousEmail = this.email.value;
    this.email = email;
    this.flags = flags;
    this.changedAt = now;
    this.raise({ type: 'NotificationPreferencesUpdated', ...this.eventFields(), previousEmail });
  }

  allows(type: NotificationType): boolean {
    return !NotificationType.isBuiltIn(type) || this.flags[type];
  }

  get notificationEmail(): EmailAddress {
    return this.email;
  }

  /** The version this aggregate was loaded at (0 when new): the repository's optimistic-lock check. */
  get loadedVersion(): number {
    return this.snapshotVersion;
  }

  snapshot(): PreferencesSnapshot {
    return {
      userId: this.userId.value,
      notificationEmail: this.email.value,
      preferences: { ...this.flags },
      version: this.snapshotVersion + 1,
      createdAt: this.createdAt,
      updatedAt: this.changedAt,
    };
  }

  private eventFields() {
    return { userId: this.userId.value, notificationEmail: this.email.value, preferences: { ...this.flags } };
  }
}
