/**
 * JSON nested deeper than this is refused (reason `too_deep`) before any recursive code walks it:
 * validation, the NUL check and the canonical hash all recurse, and a few thousand levels, which
 * fit in a 100 KiB body, overflow the stack. Real payloads nest a handful of levels.
 */
export const MAX_JSON_DEPTH = 32;

interface Pending {
  readonly value: unknown;
  readonly depth: number;
  /** The outermost field this value sits under: what an error names. */
  readonly field: string;
}

function children(value: object): Array<[string, unknown]> {
  return Array.isArray(value) ? value.map((item, i) => [`[${i}]`, item]) : Object.entries(value);
}

/**
 * The outermost field under which a parsed JSON value nests deeper than `maxDepth` objects and
 * arrays (the value itself is level 1), or null when it does not. Walks with a stack of its own
 * rather than recursion, so that the depth it is looking for cannot overflow the call stack.
 * (JSON.parse itself does not recurse in V8: 5,000,000 nested arrays parse.)
 */
export function tooDeepField(value: unknown, maxDepth = MAX_JSON_DEPTH): string | null {
  const pending: Pending[] = [{ value, depth: 1, field: '' }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (next.value === null || typeof next.value !== 'object') continue;
    if (next.depth > maxDepth) return next.field;
    for (const [key, child] of children(next.value)) pending.push({ value: child, depth: next.depth + 1, field: next.field || key });
  }
  return null;
}
