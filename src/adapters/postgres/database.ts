import type { ColumnType, Generated, Selectable } from 'kysely';

type Json<T> = ColumnType<T, string, string>;

export interface PreferencesTable {
  user_id: string;
  notification_email: string;
  preferences: Json<Record<string, boolean>>;
  version: number;
  created_at: Date;
  updated_at: Date;
  // Contact points (migration 20261129T0600): the webhook's secrets are read by the repository and
  // the webhook sender only, never by a view.
  phone_number: string | null;
  push_tokens: ColumnType<string[], string[] | undefined, string[]>;
  webhook_url: string | null;
  webhook_secret: string | null;
  webhook_previous_secret: string | null;
  webhook_previous_expires_at: Date | null;
  webhook_disabled_at: Date | null;
  // Delivery settings (migration 20261129T0800): quiet hours are both set or both null.
  language: string | null;
  time_zone: string | null;
  quiet_hours_start: string | null;
  quiet_hours_end: string | null;
  /** Channel → on/off; a channel missing is on. */
  channel_flags: ColumnType<Record<string, boolean>, string | undefined, string>;
  /** Type → channel → on/off. */
  overrides: ColumnType<Record<string, Record<string, boolean>>, string | undefined, string>;
}

export interface NotificationsTable {
  id: string;
  user_id: string | null;
  type: string;
  channel: string;
  recipient: string;
  subject: string | null;
  body: string | null;
  template_vars: Json<Record<string, unknown>>;
  status: string;
  reason: string | null;
  /** Written as well for the previous release during a rolling deploy; read when `reason` is null (rows it wrote). */
  suppression_reason: string | null;
  /** The previous release's schedule counter: left at its default, dropped by a later release. */
  scheduled_attempts: Generated<number>;
  /** 0 critical … 3 low (Priority.rank). */
  priority: number;
  deferrals: number;
  lease_expiries: number;
  retry_of: string | null;
  secret_variables: string[];
  next_attempt_at: Date | null;
  lease_expires_at: Date | null;
  correlation_id: string | null;
  claim_token: string | null;
  source_event_id: string | null;
  template_version: number | null;
  locale: string | null;
  expires_at: Date | null;
  provider_message_id: string | null;
  from_profile: Generated<boolean>;
  /** The channels a `first`-routed notification falls back to (migration 20261129T0830-routing). */
  fallback: Generated<string[]>;
  /** The recipient's time zone when it was requested (migration 20261129T0830-routing). */
  time_zone: string | null;
  /** The notification whose permanent failure this one falls back from (migration 20261129T0830-routing). */
  fallback_of: string | null;
  receipt_status: string | null;
  receipt_error_code: string | null;
  receipt_at: Date | null;
  /** The order it is about (migration 20261129T0910-notification-search); null on rows from before. */
  order_id: string | null;
  created_at: Date;
  updated_at: Date;
  /** The projection of notification_attempts (ADR 7): appended by saveStatement, else rebuilt by the trigger. */
  attempt_history: ColumnType<StoredAttempt[], never, never>;
}

/** One entry of notifications.attempt_history: an attempts row as JSON (the time as ISO text). */
export interface StoredAttempt {
  number: number;
  attempted_at: string;
  outcome: string;
  response: string | null;
  error: string | null;
  latency_ms: number;
}

export interface AttemptsTable {
  notification_id: string;
  number: number;
  attempted_at: Date;
  outcome: string;
  response: string | null;
  error: string | null;
  latency_ms: number;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  key_hash: string;
  scopes: string[];
  created_at: Date;
  revoked_at: Generated<Date | null>;
}

export interface InboxTable {
  event_id: string;
  payload_hash: string;
  event_type: string;
  received_at: Date;
}

export interface OutboxTable {
  id: string;
  event_type: string;
  routing_key: string;
  correlation_id: string | null;
  /** Null for a row with a raw body (a dead letter's replay). */
  payload: Json<Record<string, unknown>> | null;
  raw_body: Buffer | null;
  headers: Json<Record<string, unknown>> | null;
  message_id: string | null;
  content_type: string | null;
  /** Published to the service's own queue through the default exchange, not the events exchange (ADR 28). */
  to_own_queue: Generated<boolean>;
  created_at: Date;
  published_at: Date | null;
  attempts: Generated<number>;
  next_attempt_at: Date | null;
  last_error: string | null;
}

export interface IdempotencyKeysTable {
  key: string;
  request_hash: string;
  status: number | null;
  response: Json<Record<string, unknown>> | null;
  created_at: Date;
}

export interface TemplatesTable {
  key: string;
  built_in: boolean;
  live_version: number;
  latest_version: number;
  created_at: Date;
  updated_at: Date;
}

export interface TemplateVersionsTable {
  template_key: string;
  version: number;
  /** The domain TemplateDefinition as JSON, as saved (never updated). */
  definition: Json<unknown>;
  created_at: Date;
}

export interface SchedulesTable {
  id: string;
  /** The send to fire, as accepted (ScheduledRequest). */
  request: Json<Record<string, unknown>>;
  time_zone: string | null;
  recurrence: string | null;
  next_fire_at: Date | null;
  status: string;
  fired_count: number;
  last_fired_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface ScheduleOccurrencesTable {
  schedule_id: string;
  occurrence_at: Date;
  fired_at: Date;
  notification_ids: Generated<string[]>;
  /** Why the request was refused when it fired; null when it was sent. */
  refusal: string | null;
}

export interface FeedItemsTable {
  notification_id: string;
  user_id: string;
  type: string;
  title: string;
  body: string;
  action_url: string | null;
  data: Json<Record<string, string>>;
  created_at: Generated<Date>;
  seen_at: Date | null;
  read_at: Date | null;
  archived_at: Date | null;
}

export interface ChannelRateBucketsTable {
  channel: string;
  tokens: number;
  refilled_at: Date;
}

export interface SuppressionsTable {
  id: string;
  channel: string;
  address: string;
  reason: string;
  source: string;
  created_at: Date;
}

export interface WsTicketsTable {
  hash: string;
  expires_at: Date;
  /** The issuing API key's id; null only on tickets from before it was stored (never redeemed). */
  key_id: string | null;
  created_at: Generated<Date>;
}

export interface AuditLogTable {
  id: Generated<string>;
  at: Date;
  key_id: string;
  action: string;
  target_type: string;
  target_id: string;
  detail: Json<Record<string, unknown>> | null;
}

export interface DeadLettersTable {
  id: string;
  message_key: string;
  body: Buffer;
  body_truncated: boolean;
  body_size: number;
  headers: Json<Record<string, unknown>>;
  dropped_headers: string[];
  properties: Json<Record<string, string>>;
  exchange: string;
  routing_key: string;
  queue: string;
  reason: string;
  detail: string;
  first_death_at: Date;
  last_death_at: Date;
  death_count: number;
  replay_of: string | null;
  replayed_at: Date | null;
  created_at: Date;
}

export interface Database {
  inbox: InboxTable;
  outbox: OutboxTable;
  idempotency_keys: IdempotencyKeysTable;
  notification_preferences: PreferencesTable;
  notifications: NotificationsTable;
  notification_attempts: AttemptsTable;
  api_keys: ApiKeysTable;
  templates: TemplatesTable;
  template_versions: TemplateVersionsTable;
  schedules: SchedulesTable;
  schedule_occurrences: ScheduleOccurrencesTable;
  feed_items: FeedItemsTable;
  channel_rate_buckets: ChannelRateBucketsTable;
  suppressions: SuppressionsTable;
  ws_tickets: WsTicketsTable;
  audit_log: AuditLogTable;
  dead_letters: DeadLettersTable;
}

export type NotificationRow = Selectable<NotificationsTable>;
