import type { ChildProcess } from 'node:child_process';
import { firstMessage, forkBench } from './children.js';
import { IpcRequests } from './ipc-requests.js';
import type { SinkCommand, SinkDump, SinkReply, SinkStats } from './smtp-sink.js';

/** The harness's handle on the SMTP sink process: requests over the fork IPC channel. */
export class SinkClient {
  private readonly requests: IpcRequests<SinkCommand, SinkReply>;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    this.requests = new IpcRequests(child, 'SMTP sink');
  }

  static async start(): Promise<SinkClient> {
    const child = forkBench('./smtp-sink.ts');
    const { port } = await firstMessage<{ port: number }>(child, 'the SMTP sink');
    return new SinkClient(child, port);
  }

  async reset(): Promise<void> {
    await this.requests.request({ cmd: 'reset' });
  }

  async stats(tag = ''): Promise<SinkStats> {
    const reply = await this.requests.request({ cmd: 'stats', tag });
    if (reply.kind !== 'stats') throw new Error('smtp sink: unexpected reply');
    return reply.stats;
  }

  /** Recipient and acceptance time of every message of `tag`, in acceptance order. */
  async dump(tag: string): Promise<SinkDump> {
    const reply = await this.requests.request({ cmd: 'dump', tag });
    if (reply.kind !== 'dump') throw new Error('smtp sink: unexpected reply');
    return reply.dump;
  }

  stop(): void {
    this.child.kill('SIGTERM');
  }
}
