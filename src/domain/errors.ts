/** Expected failures of the domain. Entry points map each `code` to an HTTP status or a dead-letter reason. */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A value that can never be valid; `field` names it for the caller. */
export class InvalidValueError extends DomainError {
  readonly code = 'invalid_value';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

export class PreferencesAlreadyExistError extends DomainError {
  readonly code = 'preferences_exist';
  constructor(readonly userId: string) {
    super(`preferences for user ${JSON.stringify(userId)} already exist`);
  }
}

export class PreferencesNotFoundError extends DomainError {
  readonly code = 'preferences_not_found';
  constructor(readonly userId: string) {
    super(`no preferences are stored for user ${JSON.stringify(userId)}`);
  }
}

export class NotificationNotFoundError extends DomainError {
  readonly code = 'notification_not_found';
  constructor(readonly notificationId: string) {
    super(`notification ${notificationId} does not exist`);
  }
}

export class ApiKeyNotFoundError extends DomainError {
  readonly code = 'api_key_not_found';
  constructor(readonly apiKeyId: string) {
    super(`API key ${apiKeyId} does not exist or is already revoked`);
  }
}

/** A state change the aggregate's life cycle does not allow (retrying a sent notification, say). */
export class InvalidTransitionError extends DomainError {
  readonly code = 'invalid_transition';
}

/** Someone else changed the aggregate between our read and our write. */
export class ConcurrentModificationError extends DomainError {
  readonly code = 'concurrent_modification';
}

/** The same event id arrived with another payload: the first one's effects stand. */
export class PayloadConflictError extends DomainError {
  readonly code = 'payload_conflict';
  constructor(readonly eventId: string) {
    super(`event ${eventId} was already received with a different payload`);
  }
}

/** An Idempotency-Key reused with another request body. */
export class IdempotencyKeyMismatchError extends DomainError {
  readonly code = 'idempotency_key_mismatch';
  constructor() {
    super('this Idempotency-Key was already used with a different request body');
  }
}

/** An Idempotency-Key whose first request is still being handled. */
export class IdempotencyKeyInFlightError extends DomainError {
  readonly code = 'idempotency_key_in_flight';
  constructor() {
    super('a request with this Idempotency-Key is still in flight; retry shortly');
  }
}

/** A template saved from outside holds a tag outside the safe grammar (template-grammar.ts). */
export class UnsafeTemplateError extends DomainError {
  readonly code = 'unsafe_template';
  constructor(
    readonly field: string,
    readonly tag: string,
    readonly line: number | null,
    readonly reason: string,
  ) {
    super(`${field}: ${tag === '' ? '' : `tag ${JSON.stringify(tag)} `}${line === null ? '' : `at line ${line} `}is not allowed: ${reason}`);
  }
}

export class TemplateVersionNotFoundError extends DomainError {
  readonly code = 'template_version_not_found';
  constructor(
    readonly key: string,
    readonly version: number,
  ) {
    super(`template ${JSON.stringify(key)} has no version ${version}`);
  }
}

export class TemplateNotFoundError extends DomainError {
  readonly code = 'template_not_found';
  constructor(readonly key: string) {
    super(`no template has the key ${JSON.stringify(key)}`);
  }
}

export class TemplateAlreadyExistsError extends DomainError {
  readonly code = 'template_exists';
  constructor(readonly key: string) {
    super(`a template with key ${JSON.stringify(key)} already exists`);
  }
}

/** What is wrong with one field of a request, named as the caller sent it. */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** Several fields' problems at once, each naming its field. */
export abstract class InvalidFieldsError extends InvalidValueError {
  constructor(readonly problems: readonly FieldError[]) {
    super(problems.map((p) => p.field).join(', '), problems.map((p) => p.message).join('; '));
    this.message = problems.map((p) => `${p.field}: ${p.message}`).join('; ');
  }
}

/** A send's or an event's variables do not fit its template's declarations; each problem names one. */
export class InvalidVariablesError extends InvalidFieldsError {}

/**
 * A profile's delivery settings that are well-typed but unusable: an unknown language tag or time
 * zone, quiet hours that are no times of day, an unknown channel, an override of a type that no
 * built-in type or template has. Each problem names its field.
 */
export class InvalidDeliverySettingsError extends InvalidFieldsError {}

/**
 * A batch that must be recorded whole had refused items: nothing of it is recorded. Each item's
 * problems are listed under its position in the batch (its fields named as in a single send).
 */
export class InvalidBatchError extends DomainError {
  readonly code = 'invalid_batch';
  constructor(readonly items: ReadonlyArray<{ readonly index: number; readonly problems: readonly FieldError[] }>) {
    super(`refused items: ${items.map((item) => item.index).join(', ')}`);
  }
}

/** The problems an invalid value stands for: each variable that does not fit, or its one field. */
export function problemsOf(error: InvalidValueError): readonly FieldError[] {
  return error instanceof InvalidFieldsError ? error.problems : [{ field: error.field, message: error.reason }];
}

/**
 * A render went past one of its bounds (loop work, output size, size of the variables): the
 * template or its data is too big to render, whatever is retried.
 */
export class RenderBudgetExceededError extends DomainError {
  readonly code = 'template_render_limit';
  constructor(
    readonly reason: string,
    readonly field: string | null = null,
  ) {
    super(`${field === null ? '' : `${field}: `}rendering stopped: ${reason}`);
  }
}

export class ScheduleNotFoundError extends DomainError {
  readonly code = 'schedule_not_found';
  constructor(readonly scheduleId: string) {
    super(`schedule ${scheduleId} does not exist`);
  }
}

/** A schedule that is cancelled or completed fires no more, and cannot be cancelled again. */
export class ScheduleNotActiveError extends DomainError {
  readonly code = 'schedule_not_active';
  constructor(
    readonly scheduleId: string,
    readonly status: string,
  ) {
    super(`schedule ${scheduleId} is ${status}, not active`);
  }
}

/** A webhook secret asked for (a rotation) on a profile with no webhook_url. */
export class NoWebhookEndpointError extends DomainError {
  readonly code = 'no_webhook_endpoint';
  constructor(readonly userId: string) {
    super(`user ${JSON.stringify(userId)} has no webhook_url: set one first`);
  }
}

export class SuppressionNotFoundError extends DomainError {
  readonly code = 'suppression_not_found';
  constructor(readonly suppressionId: string) {
    super(`suppression ${suppressionId} does not exist`);
  }
}

/** No item of this user's feed has the id: another user's item is not found either, so none is revealed. */
export class FeedItemNotFoundError extends DomainError {
  readonly code = 'feed_item_not_found';
  constructor(
    readonly userId: string,
    readonly itemId: string,
  ) {
    super(`the feed of user ${JSON.stringify(userId)} has no item ${itemId}`);
  }
}

export class DeadLetterNotFoundError extends DomainError {
  readonly code = 'dead_letter_not_found';
  constructor(readonly deadLetterId: string) {
    super(`dead letter ${deadLetterId} does not exist`);
  }
}
