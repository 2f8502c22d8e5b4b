/*
 * Wall-clock times are carried as "floating" Dates: a Date whose UTC fields are the local date and
 * time (2026-03-29T02:30Z stands for 02:30 local). Offsets are read from Intl, whose data is the
 * IANA time-zone database that ships with Node.
 */

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone Intl knows, whatever the case it is spelled in: at most one per IANA name. */
function formatter(zone: string): Intl.DateTimeFormat {
  const key = zone.toLowerCase();
  let cached = formatters.get(key);
  if (!cached) {
    cached = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(key, cached);
  }
  return cached;
}

/** Whether Intl (the IANA database of this Node) knows the zone; a stored name may outlive it. */
export function isKnownZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The canonical name of an IANA zone Intl knows, else null (offsets such as +01:00 are no zone). */
export function canonicalZone(zone: string): string | null {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(zone)) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** The local time at `instant` in `zone`, as a floating time. */
export function wallClockOf(instant: number, zone: string): number {
  const fields = Object.fromEntries(formatter(zone).formatToParts(new Date(instant)).map((p) => [p.type, Number(p.value)]));
  const wall = new Date(0);
  wall.setUTCFullYear(fields.year ?? 0, (fields.month ?? 1) - 1, fields.day);
  wall.setUTCHours(fields.hour ?? 0, fields.minute, fields.second, new Date(instant).getUTCMilliseconds());
  return wall.getTime();
}

function offsetAt(instant: number, zone: string): number {
  return wallClockOf(instant, zone) - instant;
}

/**
 * The instant of a local time: the first of two when a fall-back change repeats it (`last`: the
 * second); the first instant after the gap when a spring-forward change skipped it. Assumes no
 * zone changes its offset twice within a day of it.
 */
export function instantAt(wall: number, zone: string, occurrence: 'first' | 'last' = 'first'): number {
  const before = offsetAt(wall - DAY_MS, zone);
  const after = offsetAt(wall + DAY_MS, zone);
  const valid = [wall - before, wall - after].filter((t) => wallClockOf(t, zone) === wall);
  if (valid.length > 0) return occurrence === 'first' ? Math.min(...valid) : Math.max(...valid);
  return endOfGap(wall - after, wall - before, zone, before);
}

/** The transition between `from` (still at offset `before`) and `to` (past it), to the second. */
function endOfGap(from: number, to: number, zone: string, before: number): number {
  let [lo, hi] = [Math.floor(from / 1000), Math.ceil(to / 1000)];
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetAt(mid * 1000, zone) === before) lo = mid;
    else hi = mid;
  }
  return hi * 1000;
}
