import { InvalidValueError } from './errors.js';

/** The longest SMS body accepted (the provider's limit): a longer one is refused when it is asked for. */
export const MAX_SMS_LENGTH = 1_600;

// The GSM 03.38 default alphabet, and its extension table (each extension character takes two septets).
const GSM_BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENDED = '^{}\\[~]|€\f';
const BASIC: ReadonlySet<string> = new Set(GSM_BASIC);
const EXTENDED: ReadonlySet<string> = new Set(GSM_EXTENDED);

export interface SmsSegments {
  readonly encoding: 'GSM-7' | 'UCS-2';
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) the body takes. */
  readonly units: number;
  readonly segments: number;
}

/**
 * How a body travels: GSM-7 when every character is in the GSM alphabet (160 septets in one
 * part, 153 per part when concatenated), else UCS-2 (70 code units in one part, 67 per part).
 */
export function smsSegments(body: string): SmsSegments {
  const chars = [...body];
  if (chars.every((c) => BASIC.has(c) || EXTENDED.has(c))) {
    const units = chars.reduce((n, c) => n + (EXTENDED.has(c) ? 2 : 1), 0);
    return { encoding: 'GSM-7', units, segments: parts(units, 160, 153) };
  }
  return { encoding: 'UCS-2', units: body.length, segments: parts(body.length, 70, 67) };
}

/** The body as an SMS may carry it: InvalidValueError naming the field when it is empty or too long. */
export function checkSmsBody(body: string, field = 'body'): string {
  if (body.trim() === '') throw new InvalidValueError(field, 'must not be empty');
  if ([...body].length > MAX_SMS_LENGTH) throw new InvalidValueError(field, `must be at most ${MAX_SMS_LENGTH} characters`);
  return body;
}

function parts(units: number, single: number, each: number): number {
  if (units === 0) return 1;
  return units <= single ? 1 : Math.ceil(units / each);
}
