/*
 * FCM HTTP v1's answers, shaped as the real service shapes them (google.rpc.Status with FcmError
 * and BadRequest details; see src/adapters/push/fcm-response.ts), and the check of the request
 * body that the fake applies.
 */

const STATUS_NAMES: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};
const FCM_ERROR = 'type.googleapis.com/google.firebase.fcm.v1.FcmError';
const BAD_REQUEST = 'type.googleapis.com/google.rpc.BadRequest';

export interface FcmErrorParts {
  readonly message?: string;
  readonly errorCode?: string;
  readonly field?: string;
}

/** `{error: {code, message, status, details}}`; details only for what is given. */
export function fcmErrorBody(code: number, parts: FcmErrorParts = {}): string {
  const message = parts.message ?? `fault ${code}`;
  const details: unknown[] = [];
  if (parts.errorCode !== undefined) details.push({ '@type': FCM_ERROR, errorCode: parts.errorCode });
  if (parts.field !== undefined) details.push({ '@type': BAD_REQUEST, fieldViolations: [{ field: parts.field, description: message }] });
  const status = STATUS_NAMES[code] ?? (code >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');
  return JSON.stringify({ error: { code, message, status, ...(details.length > 0 ? { details } : {}) } });
}

export const UNREGISTERED = fcmErrorBody(404, { message: 'Requested entity was not found.', errorCode: 'UNREGISTERED' });
export const SENDER_ID_MISMATCH = fcmErrorBody(403, { message: 'SenderId mismatch', errorCode: 'SENDER_ID_MISMATCH' });
export const UNAUTHENTICATED = fcmErrorBody(401, {
  message: 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
});

/** Why FCM would refuse this body (field and message, as it names them), or null for `{message: {token, notification?, data?}}`. */
export function shapeRefusal(body: unknown): { field: string; message: string } | null {
  if (!isObject(body)) return { field: '', message: 'Invalid JSON payload received.' };
  const unknownTop = Object.keys(body).find((key) => key !== 'message');
  if (unknownTop !== undefined) return { field: '', message: `Invalid JSON payload received. Unknown name "${unknownTop}": Cannot find field.` };
  const message = body.message;
  if (!isObject(message)) return { field: 'message', message: 'Recipient of the message is not set.' };
  const unknown = Object.keys(message).find((key) => !['token', 'notification', 'data'].includes(key));
  if (unknown !== undefined) return { field: 'message', message: `Invalid JSON payload received. Unknown name "${unknown}" at 'message': Cannot find field.` };
  if (typeof message.token !== 'string' || message.token === '') return { field: 'message', message: 'Recipient of the message is not set.' };
  return notificationRefusal(message.notification) ?? dataRefusal(message.data);
}

function notificationRefusal(notification: unknown): { field: string; message: string } | null {
  if (notification === undefined) return null;
  if (!isObject(notification)) return { field: 'message.notification', message: "Invalid value at 'message.notification'" };
  const bad = Object.entries(notification).find(([key, value]) => !['title', 'body'].includes(key) || typeof value !== 'string');
  return bad ? { field: `message.notification.${bad[0]}`, message: `Invalid value at 'message.notification.${bad[0]}'` } : null;
}

function dataRefusal(data: unknown): { field: string; message: string } | null {
  if (data === undefined) return null;
  if (!isObject(data)) return { field: 'message.data', message: "Invalid value at 'message.data'" };
  const index = Object.values(data).findIndex((value) => typeof value !== 'string');
  if (index < 0) return null;
  const field = `message.data[${index}].value`;
  return { field, message: `Invalid value at '${field}' (TYPE_STRING), ${JSON.stringify(Object.values(data)[index])}` };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
