import { randomUUID } from 'node:crypto';
import type { BenchBroker } from './broker.js';
import { sleep, tagOf, wallNow } from './util.js';

const TIMESTAMP = /"timestamp":(-?[0-9.eE+]+)/;
const RECIPIENT = /"recipient":"([^"]*)"/;

/** The frames the clients received from the service, one per event, grouped by burst (the recipient's tag), in commit order. */
export function byBurst(frames: readonly string[]): Map<string, string[]> {
  const commitOf = (frame: string) => Number(TIMESTAMP.exec(frame)?.[1] ?? 0);
  const groups = new Map<string, string[]>();
  for (const frame of [...frames].sort((a, b) => commitOf(a) - commitOf(b))) {
    const tag = tagOf(RECIPIENT.exec(frame)?.[1] ?? '');
    groups.set(tag, [...(groups.get(tag) ?? []), frame]);
  }
  return groups;
}

/**
 * The baseline's input: the service's frames of one burst published again to the events exchange
 * (`notification.sent`), each at its original offset from the burst's first commit and stamped
 * with its publish time as `timestamp`: the bare server gets the same messages at the pace the
 * service committed them.
 */
export async function replay(broker: BenchBroker, frames: readonly string[]): Promise<void> {
  const commits = frames.map((frame) => Number(TIMESTAMP.exec(frame)?.[1] ?? 0) * 1000);
  const start = wallNow();
  for (const [i, frame] of frames.entries()) {
    const wait = start + ((commits[i] ?? 0) - (commits[0] ?? 0)) - wallNow();
    if (wait >= 1) await sleep(wait);
    const body = frame.replace(TIMESTAMP, `"timestamp":${wallNow() / 1000}`);
    await broker.publish({ routingKey: 'notification.sent', messageId: randomUUID(), body: Buffer.from(body), recipient: '' });
  }
}
