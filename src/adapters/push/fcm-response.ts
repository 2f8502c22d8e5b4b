const FCM_ERROR = 'type.googleapis.com/google.firebase.fcm.v1.FcmError';
const BAD_REQUEST = 'type.googleapis.com/google.rpc.BadRequest';
const MAX_MESSAGE = 200;
const MESSAGE_NAME = /^projects\/[^/]+\/messages\/\S+$/;

/**
 * An FCM HTTP v1 error answer, as Google APIs shape them (google.rpc.Status):
 *
 *   {"error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND",
 *     "details": [{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": "UNREGISTERED"},
 *                 {"@type": "type.googleapis.com/google.rpc.BadRequest",
 *                  "fieldViolations": [{"field": "message.token", "description": "..."}]}]}}
 *
 * Every part is optional: a proxy's HTML page or an empty body gives all nulls and no violations.
 */
export interface FcmError {
  /** The RPC status: INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED, UNAUTHENTICATED, RESOURCE_EXHAUSTED, ... */
  readonly status: string | null;
  /** FCM's own code (ErrorCode): UNREGISTERED, SENDER_ID_MISMATCH, QUOTA_EXCEEDED, THIRD_PARTY_AUTH_ERROR, ... */
  readonly errorCode: string | null;
  /** The fields a BadRequest detail names ("message.token", "message.data[0].value"). */
  readonly fieldViolations: readonly string[];
  readonly message: string | null;
}

/** FCM's id for an accepted message: "projects/{project}/messages/{id}". */
export function parseMessageName(body: string): string | null {
  const name = objectAt({ body: safeJson(body) }, 'body').name;
  return typeof name === 'string' && MESSAGE_NAME.test(name) ? name : null;
}

export function parseFcmError(body: string): FcmError {
  const error = objectAt(safeJson(body), 'error');
  const details = Array.isArray(error.details) ? error.details.map((detail) => objectAt({ detail }, 'detail')) : [];
  const fcmError = details.find((detail) => detail['@type'] === FCM_ERROR);
  const violations = details
    .filter((detail) => detail['@type'] === BAD_REQUEST && Array.isArray(detail.fieldViolations))
    .flatMap((detail) => (detail.fieldViolations as unknown[]).map((violation) => objectAt({ violation }, 'violation').field))
    .filter((field): field is string => typeof field === 'string');
  return {
    status: stringOrNull(error.status),
    errorCode: stringOrNull(fcmError?.errorCode),
    fieldViolations: violations,
    message: stringOrNull(error.message)?.slice(0, MAX_MESSAGE) ?? null,
  };
}

function safeJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return null;
  }
}

function objectAt(parent: unknown, key: string): Record<string, unknown> {
  const value = typeof parent === 'object' && parent !== null ? (parent as Record<string, unknown>)[key] : undefined;
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}
