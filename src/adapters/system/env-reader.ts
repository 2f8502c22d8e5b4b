const WEEK_MS = 7 * 24 * 3_600_000;
const MIN_DURATION_MS = 100;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** `1.5s` → 1500; null when it is not a non-negative number with a unit. */
function parseDuration(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text);
  const unit = match ? UNIT_MS[match[2] ?? ''] : undefined;
  return match && unit !== undefined ? Math.round(Number(match[1]) * unit) : null;
}

/** Reads typed values from an environment, collecting one message per bad variable. */
export class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Readonly<Record<string, string | undefined>>) {}

  optionalString(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  string(name: string, fallback?: string): string {
    const value = this.optionalString(name) ?? fallback;
    if (value === undefined) this.problems.push(`${name} is required`);
    return value ?? '';
  }

  secret(name: string, minLength: number): string {
    const value = this.string(name);
    if (value && value.length < minLength) this.problems.push(`${name} must be at least ${minLength} characters long`);
    return value;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.optionalString(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw) || value < min || value > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(raw)})`);
      return fallback;
    }
    return value;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.optionalString(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['true', '1', 'yes'].includes(raw)) return true;
    if (['false', '0', 'no'].includes(raw)) return false;
    this.problems.push(`${name} must be true or false (got ${JSON.stringify(raw)})`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.optionalString(name);
    if (raw === undefined) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')} (got ${JSON.stringify(raw)})`);
    return fallback;
  }

  /**
   * A comma-separated list of durations, each a number with a unit: `500ms`, `5s`, `10m`, `1h`
   * (`1s,5s,15s`). 1 to 20 of them, each from 100 ms (a zero delay would retry at once, in a
   * loop) to a week.
   */
  durations(name: string, fallback: readonly number[]): readonly number[] {
    const raw = this.optionalString(name);
    if (raw === undefined) return fallback;
    const values = raw.split(',').map((part) => parseDuration(part.trim()));
    if (values.length < 1 || values.length > 20 || values.some((v) => v === null || v < MIN_DURATION_MS || v > WEEK_MS)) {
      this.problems.push(`${name} must be 1 to 20 comma-separated durations such as 1s,5s,15m,1h, each from 100ms to 7 days (got ${JSON.stringify(raw)})`);
      return fallback;
    }
    return values as number[];
  }

  /** A URL with one of `protocols`; the message never echoes it (it may hold a password). */
  url(name: string, protocols: readonly string[], options: { required: boolean; fallback?: string }): string | undefined {
    const raw = this.optionalString(name) ?? options.fallback;
    if (raw === undefined) {
      if (options.required) this.problems.push(`${name} is required`);
      return undefined;
    }
    let protocol: string | undefined;
    try {
      protocol = new URL(raw).protocol.replace(/:$/, '');
    } catch {
      protocol = undefined;
    }
    if (protocol === undefined || !protocols.includes(protocol)) {
      this.problems.push(`${name} must be a URL starting with ${protocols.map((p) => `${p}://`).join(' or ')}`);
      return undefined;
    }
    return raw;
  }
}
