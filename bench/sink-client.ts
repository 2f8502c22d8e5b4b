import type { ChildProcess } from 'node:child_process';
import { firstMessage, forkBench } from './children.js';
import type { SinkCommand, SinkDump, SinkReply, SinkRequest, SinkStats } from './smtp-sink.js';

/** The harness's handle on the SMTP sink process: requests over the fork IPC channel. */
export class SinkClient {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: SinkReply) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.on('message', (reply: SinkReply) => {
      this.pending.get(reply.id)?.(reply);
      this.pending.delete(reply.id);
    });
  }

  static async start(): Promise<SinkClient> {
    const child = forkBench('./smtp-sink.ts');
    const { port } = await firstMessage<{ port: number }>(child, 'the SMTP sink');
    return new SinkClient(child, port);
  }

  async reset(): Promise<void> {
    await this.request({ cmd: 'reset' });
  }

  async stats(tag = ''): Promise<SinkStats> {
    const reply = await this.request({ cmd: 'stats', tag });
    if (reply.kind !== 'stats') throw new Error('smtp sink: unexpected reply');
    return reply.stats;
  }

  /** Recipient and acceptance time of every message of `tag`, in acceptance order. */
  async dump(tag: string): Promise<SinkDump> {
    const reply = await this.request({ cmd: 'dump', tag });
    if (reply.kind !== 'dump') throw new Error('smtp sink: unexpected reply');
    return reply.dump;
  }

  stop(): void {
    this.child.kill('SIGTERM');
  }

  private request(command: SinkCommand): Promise<SinkReply> {
    if (!this.child.connected) return Promise.reject(new Error('the SMTP sink process is gone'));
    const request: SinkRequest = { id: this.nextId++, ...command };
    return new Promise<SinkReply>((resolve) => {
      this.pending.set(request.id, resolve);
      this.child.send(request);
    });
  }
}
