import type { ChildProcess } from 'node:child_process';
import { firstMessage, forkBench } from './children.js';
import { IpcRequests } from './ipc-requests.js';
import type { FakeChannel, FakeCounts, FakeDump, FakesCommand, FakesReady, FakesReply } from './provider-fakes-protocol.js';
import { procStatusMb } from './service.js';

/** The harness's handle on the provider fakes' process (provider-fakes.ts). */
export class ProviderFakesClient {
  private readonly requests: IpcRequests<FakesCommand, FakesReply>;

  private constructor(
    private readonly child: ChildProcess,
    readonly ready: FakesReady,
  ) {
    this.requests = new IpcRequests(child, 'provider fakes');
  }

  static async start(): Promise<ProviderFakesClient> {
    const child = forkBench('./provider-fakes.ts');
    return new ProviderFakesClient(child, await firstMessage<FakesReady>(child, 'the provider fakes'));
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** Peak resident set size of the fakes' process so far (VmHWM), MB. */
  peakRssMb(): number {
    return procStatusMb(this.pid, 'VmHWM');
  }

  /** The environment that points the service at the fakes. */
  get env(): Readonly<Record<string, string>> {
    return this.ready.env;
  }

  /** A recipient URL at the webhook receiver. */
  webhookUrl(path: string): string {
    return `${this.ready.webhookOrigin}${path}`;
  }

  async reset(): Promise<void> {
    await this.requests.request({ cmd: 'reset' });
  }

  async stats(tag: string): Promise<Record<FakeChannel, FakeCounts>> {
    const reply = await this.requests.request({ cmd: 'stats', tag });
    if (reply.kind !== 'stats') throw new Error('provider fakes: unexpected reply');
    return reply.stats;
  }

  /** Every recipient of `tag` per channel, with its first acceptance time and number of acceptances. */
  async dump(tag: string): Promise<Record<FakeChannel, FakeDump>> {
    const reply = await this.requests.request({ cmd: 'dump', tag });
    if (reply.kind !== 'dump') throw new Error('provider fakes: unexpected reply');
    return reply.dump;
  }

  stop(): void {
    this.child.kill('SIGTERM');
  }
}
