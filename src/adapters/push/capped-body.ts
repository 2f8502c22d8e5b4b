import type { Readable } from 'node:stream';

/** FCM's and the token endpoint's answers are a few hundred bytes; anything past this is not read. */
export const MAX_ANSWER_BYTES = 64 * 1024;

/** A body as far as it was read, and why reading stopped early, if it did. */
export interface CappedBody {
  readonly text: string;
  readonly error?: string;
}

/**
 * Reads an answer's body to its end, for at most `timeoutMs` and MAX_ANSWER_BYTES; past either,
 * the body is destroyed (its connection with it) and the text is what arrived: the status still
 * decides. undici's bodyTimeout bounds only each wait for the next chunk, so without this an
 * answer trickling a byte at a time, or one without end, would hold the send and fill memory.
 */
export async function readCappedBody(body: Readable, timeoutMs: number): Promise<CappedBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  const text = (): string => Buffer.concat(chunks).toString('utf8');
  const timer = setTimeout(() => body.destroy(new Error(`not read to its end within ${timeoutMs} ms`)), timeoutMs);
  try {
    for await (const chunk of body) {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      chunks.push(bytes.subarray(0, MAX_ANSWER_BYTES - size));
      size += bytes.length;
      if (size > MAX_ANSWER_BYTES) {
        body.destroy();
        return { text: text(), error: `the answer is over ${MAX_ANSWER_BYTES} bytes, the rest was not read` };
      }
    }
    return { text: text() };
  } catch (error) {
    return { text: text(), error: `the answer broke off: ${error instanceof Error ? error.message : String(error)}`.slice(0, 200) };
  } finally {
    clearTimeout(timer);
  }
}
