import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { firstMessage, forkBench } from './children.js';
import { IpcRequests } from './ipc-requests.js';
import { procStatusMb } from './service.js';
import type { WsClientsCommand, WsClientsReply, WsReceipts } from './ws-protocol.js';

/** The harness's handle on the WebSocket clients' process (ws-clients.ts). */
export class WsClients {
  private readonly requests: IpcRequests<WsClientsCommand, WsClientsReply>;

  private constructor(private readonly child: ChildProcess) {
    this.requests = new IpcRequests(child, 'WebSocket clients');
  }

  static async start(): Promise<WsClients> {
    const child = forkBench('./ws-clients.ts');
    await firstMessage(child, 'the WebSocket clients');
    return new WsClients(child);
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  async connect(url: string, headers: Readonly<Record<string, string>>, count: number, greeted: boolean): Promise<{ open: number; seconds: number; failures: number; firstFailure: string | null }> {
    const reply = await this.requests.request({ cmd: 'connect', url, headers, count, greeted });
    if (reply.kind !== 'connected') throw new Error('WebSocket clients: unexpected reply');
    return reply;
  }

  async record(): Promise<void> {
    await this.requests.request({ cmd: 'record' });
  }

  async stats(): Promise<WsReceipts> {
    const reply = await this.requests.request({ cmd: 'stats' });
    if (reply.kind !== 'stats') throw new Error('WebSocket clients: unexpected reply');
    return reply.stats;
  }

  async frames(): Promise<readonly string[]> {
    const reply = await this.requests.request({ cmd: 'frames' });
    if (reply.kind !== 'frames') throw new Error('WebSocket clients: unexpected reply');
    return reply.frames;
  }

  async close(): Promise<void> {
    await this.requests.request({ cmd: 'close' });
  }

  stop(): void {
    this.child.kill('SIGTERM');
  }
}

/** The bare `ws` server of the baseline (ws-baseline-server.ts), relaying the bench vhost's outcome events. */
export class WsBaseline {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(rabbitmqUrl: string): Promise<WsBaseline> {
    const child = forkBench('./ws-baseline-server.ts', { BASELINE_RABBITMQ_URL: rabbitmqUrl });
    const { port } = await firstMessage<{ port: number }>(child, 'the baseline WebSocket server');
    return new WsBaseline(child, `ws://127.0.0.1:${port}`);
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  rssMb(): number {
    return procStatusMb(this.pid, 'VmRSS');
  }

  stop(): void {
    this.child.kill('SIGTERM');
  }
}

/**
 * The open files the harness's processes may hold (the service and the clients each hold one
 * socket per stream): too few, and the phase says so rather than measuring refused connections.
 * `make bench` raises the soft limit to the hard one first.
 */
export function assertOpenFiles(clients: number): void {
  const limit = Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
  const needed = clients + 1_024;
  if (Number.isFinite(limit) && limit < needed) {
    throw new Error(`ws phase: ${clients} clients need at least ${needed} open files per process, the limit is ${limit}: raise it (ulimit -n ${needed}) or lower BENCH_WS_CLIENTS`);
  }
}
