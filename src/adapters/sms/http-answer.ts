import type { IncomingMessage } from 'node:http';

/** An HTTP answer: the body as far as it arrived (cut at MAX_BODY_BYTES), `bodyError` when reading it failed. */
export interface HttpAnswer {
  readonly kind: 'answer';
  readonly status: number;
  readonly retryAfter: string | undefined;
  readonly body: string;
  readonly bodyError?: string;
}

// Twilio's answers are a few hundred bytes; anything past this is not worth holding in memory.
const MAX_BODY_BYTES = 64 * 1024;

/** Reads the answer to its end, or to where it broke off (the status alone still decides). */
export function readAnswer(response: IncomingMessage): Promise<HttpAnswer> {
  const status = response.statusCode ?? 0;
  const retryAfter = response.headers['retry-after'];
  const chunks: Buffer[] = [];
  let size = 0;
  return new Promise((resolve) => {
    const answer = (bodyError?: string): void => {
      const body = Buffer.concat(chunks).toString('utf8');
      resolve({ kind: 'answer', status, retryAfter, body, ...(bodyError === undefined ? {} : { bodyError }) });
    };
    response.on('data', (chunk: Buffer) => {
      if (size < MAX_BODY_BYTES) chunks.push(chunk.subarray(0, MAX_BODY_BYTES - size));
      size += chunk.length;
    });
    response.on('end', () => answer());
    response.on('error', (error) => answer(`the answer broke off: ${error.message}`));
    response.on('close', () => answer(response.complete ? undefined : 'the answer broke off'));
  });
}
