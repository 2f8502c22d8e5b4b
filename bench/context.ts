import type { BenchBroker } from './broker.js';
import { type ServiceServers, ServiceUnderTest } from './service.js';
import type { SinkClient } from './sink-client.js';
import { log, waitUntil } from './util.js';

/** What a finished batch of events left behind: acceptance times at the sink and the last outcome. */
export interface Delivered {
  /** Sink acceptance time (wall clock, ms) by recipient; the first acceptance when there were two. */
  readonly acceptedAt: Map<string, number>;
  readonly lastAcceptedAt: number;
  readonly lastOutcomeAt: number;
  /** `notification.failed` outcomes among them. */
  readonly failed: number;
}

/** Everything the phases share: the sink, the broker client, the service process and its peaks. */
export class Bench {
  service: ServiceUnderTest | null = null;
  private capturing = false;
  /** The phase running now: peaks of the service's RSS are attributed to it. */
  phase = '';
  /** Peak RSS (VmHWM) of the service by phase, MB. */
  readonly peakRssMb: Record<string, number> = {};

  constructor(
    readonly runId: string,
    readonly servers: ServiceServers,
    readonly sink: SinkClient,
    readonly broker: BenchBroker,
  ) {}

  /** A fresh tag for a batch of events: recipients `<tag>-<i>@bench.example.com`. */
  tag(name: string): string {
    return `b${this.runId}${name}`;
  }

  /** The running service, or a new one; `extraEnv` only applies to a new one (see restartService). */
  async startService(extraEnv: Readonly<Record<string, string>> = {}): Promise<ServiceUnderTest> {
    if (this.service) return this.service;
    log('starting the service');
    this.service = await ServiceUnderTest.start(this.servers, extraEnv);
    // Bound once the service has declared its topology (the exchange the policies target).
    await this.startCapture();
    return this.service;
  }

  /** Binds the capture queue to the exchange, once (the exchange must exist). */
  async startCapture(): Promise<void> {
    if (!this.capturing) await this.broker.startCapture();
    this.capturing = true;
  }

  /** Stops the running service, if any, and starts one with `extraEnv` added to its environment. */
  async restartService(extraEnv: Readonly<Record<string, string>>): Promise<ServiceUnderTest> {
    await this.stopService();
    return this.startService(extraEnv);
  }

  async stopService(): Promise<void> {
    if (!this.service) return;
    this.keepPeak(await this.service.stop());
    this.service = null;
  }

  /** Attributes the service's peak RSS since the last reset to the current phase, and resets it. */
  notePeak(): void {
    if (!this.service) return;
    this.keepPeak(this.service.peakRssMb());
    this.service.resetPeak();
  }

  private keepPeak(mb: number): void {
    this.peakRssMb[this.phase] = Math.max(this.peakRssMb[this.phase] ?? 0, mb);
  }

  /**
   * Waits until `count` recipients of `tag` have an email at the sink and an outcome event
   * captured (distinct recipients: a second email to one recipient, as a recurring schedule's next
   * occurrence sends, does not stand in for a missing one); fails as soon as the consumer (by
   * default the service) has exited.
   */
  async waitForDelivery(tag: string, count: number, consumer: { assertRunning(): void } | null = this.service): Promise<Delivered> {
    await waitUntil(`delivery of ${count} (${tag})`, async () => {
      consumer?.assertRunning();
      const atSink = (await this.sink.stats(tag)).taggedRecipients;
      const outcomes = this.broker.outcomes.count(tag);
      return { done: atSink >= count && outcomes >= count, progress: atSink + outcomes, status: `${atSink} at the sink, ${outcomes} outcome events of ${count}` };
    });
    const dump = await this.sink.dump(tag);
    const acceptedAt = new Map<string, number>();
    dump.recipients.forEach((recipient, i) => {
      if (!acceptedAt.has(recipient)) acceptedAt.set(recipient, dump.acceptedAt[i] ?? 0);
    });
    let lastAcceptedAt = 0;
    for (const at of acceptedAt.values()) lastAcceptedAt = Math.max(lastAcceptedAt, at);
    return {
      acceptedAt,
      lastAcceptedAt,
      lastOutcomeAt: this.broker.outcomes.lastAt(tag),
      failed: this.broker.outcomes.failed(tag),
    };
  }
}
