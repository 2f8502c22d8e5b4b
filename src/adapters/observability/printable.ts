const ELLIPSIS = '...';

/** One UTF-16 code unit as printable ASCII: itself, or \uXXXX. */
function escaped(unit: number): string {
  return unit >= 0x20 && unit <= 0x7e ? String.fromCharCode(unit) : `\\u${unit.toString(16).padStart(4, '0')}`;
}

/**
 * Untrusted text as a log line or a message header may carry it: everything outside printable
 * ASCII escaped as \uXXXX (control and bidirectional characters cannot disguise a line), and at
 * most `max` characters, cut between escapes and ended with "...". A backslash stays as it is, so
 * text escaped once passes again unchanged. Reads no further than `max` units past the start.
 */
export function printable(raw: string, max: number): string {
  const pieces: string[] = [];
  let length = 0;
  for (let i = 0; i < raw.length; i++) {
    const piece = escaped(raw.charCodeAt(i));
    if (length + piece.length > max) return cut(pieces, length, max);
    pieces.push(piece);
    length += piece.length;
  }
  return pieces.join('');
}

/** The pieces that fit in `max` together with the ellipsis. */
function cut(pieces: string[], length: number, max: number): string {
  let kept = length;
  while (pieces.length > 0 && kept + ELLIPSIS.length > max) kept -= (pieces.pop() as string).length;
  return `${pieces.join('')}${ELLIPSIS}`;
}
