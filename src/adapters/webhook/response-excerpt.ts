import { printable } from '../observability/printable.js';

/** A receiver's body is read this far at most: enough to show why it refused, never a flood. */
export const MAX_BODY_BYTES = 4_096;
/** What of it is kept in the attempt's response. */
const EXCERPT_CHARS = 200;

export interface ResponseBody extends AsyncIterable<Buffer> {
  destroy(): unknown;
}

/**
 * The first bytes of a response body as printable text, the rest discarded. The status has
 * already decided the outcome, so the body gets `deadlineMs` in all, however it arrives: a
 * receiver that drips a byte every few seconds (each gap inside undici's bodyTimeout) would
 * otherwise hold the send for hours. The body is then destroyed (undici drops the connection
 * rather than drain it), and cut where it stopped, broke off or was still arriving.
 */
export async function bodyExcerpt(body: ResponseBody, deadlineMs: number): Promise<string> {
  const chunks: Buffer[] = [];
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, deadlineMs);
  });
  try {
    await Promise.race([readInto(body, chunks), deadline]);
  } finally {
    clearTimeout(timer);
    body.destroy();
  }
  return printable(Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8').trim(), EXCERPT_CHARS);
}

async function readInto(body: ResponseBody, chunks: Buffer[]): Promise<void> {
  let size = 0;
  try {
    for await (const chunk of body) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= MAX_BODY_BYTES) return;
    }
  } catch {
    // Cut where it broke off.
  }
}
