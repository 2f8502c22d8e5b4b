import { PONG_FRAME, errorFrame } from '../../adapters/realtime/stream-frames.js';

/** Longest type name echoed back in an error. */
const ECHO_LIMIT = 64;

/**
 * The answer to one message from a client. The only message is `{"type":"ping"}`; anything else
 * gets an error frame saying what was wrong, and the connection stays open.
 */
export function answerTo(data: Buffer, isBinary: boolean): string {
  if (isBinary) return errorFrame('binary messages are not understood: send JSON text such as {"type":"ping"}');
  let message: unknown;
  try {
    message = JSON.parse(data.toString('utf8'));
  } catch {
    return errorFrame('not JSON: send JSON text such as {"type":"ping"}');
  }
  const type = typeof message === 'object' && message !== null && !Array.isArray(message) ? (message as { type?: unknown }).type : undefined;
  if (type === 'ping') return PONG_FRAME;
  if (typeof type === 'string') return errorFrame(`unknown message type ${JSON.stringify(type.slice(0, ECHO_LIMIT))}: the only one is "ping"`);
  return errorFrame('a message is a JSON object with a "type"; the only one is "ping"');
}
