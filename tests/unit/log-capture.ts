import { Writable } from 'node:stream';
import { createLogger } from '../../src/adapters/observability/logger.js';

/** The real logger writing into a list of parsed lines, for assertions on what was logged. */
export function capturedLogger(level = 'info') {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger(level, stream) };
}
