import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * amqplib's own field-table encoder (not among its exports, so loaded by path; amqplib's version is
 * pinned): what it refuses here, it refuses when a replay publishes the header.
 */
const require = createRequire(import.meta.url);
const codec = require(join(dirname(require.resolve('amqplib')), 'lib', 'codec.js')) as { encodeTable(buffer: Buffer, table: object, offset: number): number };

/** A header is at most this large once encoded (amqplib's whole table may take 64 KiB). */
const MAX_ENCODED = 64 * 1024;

/**
 * Where every check encodes, allocated once and never cleared: encoding writes only what the header
 * takes, so a check costs as much as its header (one buffer per check, zero-filled, cost 64 KiB each).
 * The checks are synchronous: none can write while another reads.
 */
const scratch = Buffer.allocUnsafe(MAX_ENCODED + 1024);

/**
 * Whether amqplib can encode `name: value` as a header. It throws on keys over 255 bytes, on a
 * table with a `!` key whose type it does not know (its typed-value marker), on a number a typed
 * value cannot hold: a stored header it refuses would make every replay of the dead letter throw.
 */
export function encodable(name: string, value: unknown): boolean {
  try {
    codec.encodeTable(scratch, { [name]: value }, 0);
    return true;
  } catch {
    return false;
  }
}
