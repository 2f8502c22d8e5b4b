import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from '../../adapters/observability/logger.js';
import { isUnavailable } from '../../adapters/postgres/pool.js';
import { DomainError, type FieldError, InvalidBatchError, InvalidDeliverySettingsError, InvalidValueError, InvalidVariablesError } from '../../domain/errors.js';

/** An RFC 9457 problem; thrown anywhere in a request, written by the error handler. */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: readonly FieldError[] = [],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
  }

  static validation(errors: readonly FieldError[]): Problem {
    const fields = [...new Set(errors.map((e) => e.field))].join(', ');
    return new Problem(400, 'Invalid request', `The request has invalid fields: ${fields}`, errors);
  }
}

const DOMAIN_STATUS: Readonly<Record<string, [number, string]>> = {
  preferences_exist: [409, 'Preferences already exist'],
  preferences_not_found: [404, 'Preferences not found'],
  notification_not_found: [404, 'Notification not found'],
  api_key_not_found: [404, 'API key not found'],
  invalid_transition: [409, 'Not allowed in the current state'],
  concurrent_modification: [409, 'Concurrent modification'],
  idempotency_key_mismatch: [422, 'Idempotency-Key reused with another request'],
  idempotency_key_in_flight: [409, 'Request with this Idempotency-Key in flight'],
  template_not_found: [404, 'Template not found'],
  schedule_not_found: [404, 'Schedule not found'],
  schedule_not_active: [409, 'Schedule not active'],
  template_version_not_found: [404, 'Template version not found'],
  template_exists: [409, 'Template already exists'],
  unsafe_template: [422, 'Template not allowed'],
  no_webhook_endpoint: [409, 'No webhook endpoint'],
  suppression_not_found: [404, 'Suppression not found'],
  feed_item_not_found: [404, 'Feed item not found'],
  dead_letter_not_found: [404, 'Dead letter not found'],
};

/** The one place where expected failures become HTTP statuses (docs/architecture.md, rule 10). */
export function toProblem(error: unknown): Problem | null {
  if (error instanceof Problem) return error;
  if (error instanceof InvalidVariablesError) {
    return new Problem(422, 'Invalid variables', `The variables do not fit the template: ${error.field}`, error.problems);
  }
  if (error instanceof InvalidDeliverySettingsError) {
    return new Problem(422, 'Invalid profile settings', `The profile has settings that cannot be used: ${error.field}`, error.problems);
  }
  if (error instanceof InvalidValueError) return Problem.validation([{ field: error.field, message: error.reason }]);
  if (error instanceof InvalidBatchError) {
    const indices = error.items.map((item) => item.index).join(', ');
    return new Problem(422, 'Invalid batch', `Nothing was sent: the batch has refused items (${indices})`, error.items.flatMap((item) => itemErrors(item.index, item.problems)));
  }
  if (error instanceof DomainError) {
    const [status, title] = DOMAIN_STATUS[error.code] ?? [400, 'Request refused'];
    return new Problem(status, title, error.message);
  }
  // A request's own fault first: whatever its message says, a client error is never a 5xx.
  const clientError = fromBodyParser(error);
  if (clientError) return clientError;
  if (isUnstorableText(error)) {
    return new Problem(400, 'Invalid request', 'The request has text the database cannot store or compare (a NUL character, an unpaired surrogate)');
  }
  if (isUnavailable(error)) {
    return new Problem(503, 'Service unavailable', 'The database cannot be reached; try again shortly', [], { 'Retry-After': '5' });
  }
  return null;
}

/**
 * PostgreSQL's refusal of a text parameter (22021: a NUL or invalid UTF-8; 22P05: a \u0000 in
 * jsonb): a safety net behind the schemas, which refuse such text naming the field.
 */
function isUnstorableText(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '22021' || code === '22P05';
}

/** An item's errors named from the batch body: `notifications[2].recipient`, or `notifications[2]` for the whole item. */
export function itemErrors(index: number, errors: readonly FieldError[]): FieldError[] {
  const item = `notifications[${index}]`;
  return errors.map(({ field, message }) => ({ field: field === '' ? item : `${item}.${field}`, message }));
}

/** body-parser and express tag their client errors with `type` or `status`. */
function fromBodyParser(error: unknown): Problem | null {
  if (!(error instanceof Error)) return null;
  const { type, status } = error as { type?: string; status?: number };
  switch (type) {
    case 'entity.parse.failed':
      return new Problem(400, 'Malformed JSON', `The body is not valid JSON: ${error.message}`, [
        { field: 'body', message: 'must be valid JSON' },
      ]);
    case 'entity.too.large':
      return new Problem(413, 'Body too large', error.message);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new Problem(415, 'Unsupported encoding', error.message);
  }
  if (error instanceof URIError) return new Problem(400, 'Malformed URL', 'The URL has an invalid percent-encoding');
  if (typeof status === 'number' && status >= 400 && status < 500) return new Problem(status, 'Bad request', error.message);
  return null;
}

export function sendProblem(res: Response, problem: Problem, instance: string): void {
  res
    .status(problem.status)
    .set(problem.headers)
    .type('application/problem+json')
    .send(
      JSON.stringify({
        type: 'about:blank',
        title: problem.title,
        status: problem.status,
        detail: problem.detail,
        instance,
        ...(problem.errors.length > 0 ? { errors: problem.errors } : {}),
        correlation_id: res.locals.correlationId as string | undefined,
      }),
    );
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    const problem = toProblem(error);
    if (problem) return sendProblem(res, problem, req.path);
    logger.error({ err: error, correlation_id: res.locals.correlationId, path: req.path }, 'request failed');
    sendProblem(res, new Problem(500, 'Internal error', 'The service failed to handle the request'), req.path);
  };
}
