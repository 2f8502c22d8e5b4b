import { printable } from '../observability/printable.js';

/** A receiver's body is read this far at most: enough to show why it refused, never a flood. */
export const MAX_BODY_BYTES = 4_096;
/** What of it is kept in the attempt's response. */
const EXCERPT_CHARS = 200;

export interface ResponseBody extends AsyncIterable<Buffer> {
  destroy(): unknown;
}

/**
 * The first bytes of a response body as printable text, the rest discarded: the body is destroyed
 * once 4 KiB were read (undici then drops the connection rather than drain an unbounded body). A
 * body that breaks off or stalls (bodyTimeout) is cut where it stopped: the status already decided.
 */
export async function bodyExcerpt(body: ResponseBody): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= MAX_BODY_BYTES) break;
    }
  } catch {
    // Cut where it broke off.
  } finally {
    body.destroy();
  }
  return printable(Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8').trim(), EXCERPT_CHARS);
}
