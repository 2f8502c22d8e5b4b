import type { TwilioError } from './twilio-wire.js';

/**
 * The magic numbers of Twilio's test credentials, answered as Twilio answers them, so the same
 * contract cases run against the fake and against Twilio (any other number is validated normally).
 */
const MAGIC_FROM: Readonly<Record<string, TwilioError>> = {
  '+15005550001': { status: 400, code: 21212, message: "The 'From' number +15005550001 is not a valid phone number, shortcode, or alphanumeric sender ID." },
  '+15005550007': { status: 400, code: 21606, message: "The 'From' phone number provided (+15005550007) is not a valid message-capable Twilio phone number for this destination." },
  '+15005550008': { status: 400, code: 21611, message: "This 'From' number has exceeded the maximum number of queued messages" },
};
const MAGIC_TO: Readonly<Record<string, TwilioError>> = {
  '+15005550001': { status: 400, code: 21211 },
  '+15005550002': { status: 400, code: 21612, message: "The 'To' phone number is not currently reachable via SMS" },
  '+15005550003': { status: 400, code: 21408, message: 'Permission to send an SMS has not been enabled for the region indicated by the \'To\' number' },
  '+15005550004': { status: 400, code: 21610 },
  '+15005550009': { status: 400, code: 21614 },
};

/** Twilio's answer to a magic From or To, or null for any other pair. */
export function magicNumberError(from: string, to: string): TwilioError | null {
  return MAGIC_FROM[from] ?? MAGIC_TO[to] ?? null;
}
