import { InvalidValueError } from './errors.js';
import { canonicalZone } from './zoned-time.js';

/** An IANA time-zone name that Intl (and so the IANA database shipped with Node) knows. */
export type TimeZone = string;

export const TimeZone = {
  /**
   * The name as given, in the case Intl spells it (`europe/brussels` → `Europe/Brussels`). An alias
   * keeps its own name (`Asia/Kolkata` is not turned into ICU's `Asia/Calcutta`): it is what the
   * user chose, and Intl accepts it as it is.
   */
  of(raw: unknown, field = 'timezone'): TimeZone {
    const zone = typeof raw === 'string' && raw.length <= 64 ? canonicalZone(raw) : null;
    if (zone === null) throw new InvalidValueError(field, `must be an IANA time zone such as Europe/Brussels, not ${JSON.stringify(raw)}`);
    return zone.toLowerCase() === (raw as string).toLowerCase() ? zone : (raw as string);
  },
};
