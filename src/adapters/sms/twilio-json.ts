import { printable } from '../observability/printable.js';

/**
 * What the classification reads of a Twilio answer body. A message resource (success) looks like
 * `{"sid": "SM…", "status": "queued", "num_segments": "1", …}` (num_segments is a string); an error
 * like `{"code": 21211, "message": "…", "more_info": "https://www.twilio.com/docs/errors/21211",
 * "status": 400}`. A field is null when the body is not JSON or does not carry it readably.
 */
export interface TwilioJson {
  readonly sid: string | null;
  readonly messageStatus: string | null;
  readonly numSegments: number | null;
  readonly code: number | null;
  readonly message: string | null;
}

/** Twilio's sids: two capital letters and 32 hex digits (SM…, MM…); a little leeway, no free text. */
const SID = /^[A-Z]{2}[0-9A-Za-z]{1,62}$/;
const MAX_TEXT = 300;

export function readTwilioJson(body: string): TwilioJson {
  const json = parse(body);
  return {
    sid: typeof json.sid === 'string' && SID.test(json.sid) ? json.sid : null,
    messageStatus: text(json.status),
    numSegments: count(json.num_segments),
    code: typeof json.code === 'number' && Number.isInteger(json.code) ? json.code : null,
    message: text(json.message),
  };
}

/** "400 21211 Invalid 'To' Phone Number", or the status and what could be read of the body. */
export function describeAnswer(json: TwilioJson, http: { readonly status: number; readonly body: string; readonly bodyError?: string }): string {
  if (json.code !== null) return [String(http.status), String(json.code), json.message].filter((part) => part !== null).join(' ');
  const body = answerText(http.body);
  const note = http.bodyError ?? (body === '' ? 'an empty body' : `no Twilio error code: ${body}`);
  return `${http.status} (${note})`;
}

/** Untrusted text from an answer, bounded and escaped, for the attempt history and the logs. */
export function answerText(value: string): string {
  return printable(value.trim(), MAX_TEXT);
}

function parse(body: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? answerText(value) : null;
}

function count(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : typeof value === 'number' ? value : NaN;
  return Number.isInteger(n) && n > 0 ? n : null;
}
