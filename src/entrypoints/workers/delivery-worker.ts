import type { CommandResults } from '../../application/handler-registry.js';
import type { MessageBus } from '../../application/message-bus.js';
import type { DeliveryOutcome } from '../../domain/commands.js';
import type { EmailSender, SendOutcome } from '../../application/ports/email-sender.js';
import type { CircuitStateName } from '../../adapters/email/circuit-breaking-email-sender.js';
import type { NotificationRenderer } from '../../application/ports/notification-renderer.js';
import { withCorrelationId } from '../../adapters/observability/correlation.js';
import type { Logger } from '../../adapters/observability/logger.js';
import type { ServiceMetrics } from '../../adapters/observability/metrics.js';
import type { ClaimedNotification, KyselyDeliveryQueue } from '../../adapters/postgres/delivery-queue.js';
import { isUnavailable } from '../../adapters/postgres/pool.js';
import { InvalidValueError } from '../../domain/errors.js';
import type { DeliveryConfig } from '../config.js';
import { PollLoop } from './poll-loop.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends due notifications: claims a batch (committed before any SMTP traffic), renders and sends
 * each with up to `concurrency` in flight, and records every attempt through the bus (in batches).
 */
export class DeliveryWorker {
  private readonly loop: PollLoop;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly recorder: OutcomeRecorder;

  constructor(
    private readonly queue: KyselyDeliveryQueue,
    private readonly renderer: NotificationRenderer,
    private readonly sender: EmailSender & { readonly state: CircuitStateName },
    bus: MessageBus,
    private readonly config: DeliveryConfig,
    private readonly messageIdDomain: string,
    private readonly metrics: ServiceMetrics,
    private readonly logger: Logger,
  ) {
    this.recorder = new OutcomeRecorder(bus);
    this.loop = new PollLoop(() => this.tick(), config.pollIntervalMs, (error) => logger.warn({ err: error }, 'delivery worker failed; retrying'));
  }

  start(): void {
    this.loop.start();
  }

  poke(): void {
    this.loop.poke();
  }

  /** Claims nothing more and waits for the sends in flight to be recorded. */
  async stop(): Promise<void> {
    await this.loop.stop();
    await Promise.allSettled([...this.inFlight]);
  }

  private async tick(): Promise<boolean> {
    // While the circuit is open nothing could be sent: leave the rows due rather than claim them.
    if (this.sender.state === 'open') return false;
    const room = (this.sender.state === 'half_open' ? 1 : this.config.concurrency) - this.inFlight.size;
    if (room <= 0) {
      await Promise.race(this.inFlight);
      return true;
    }
    const limit = Math.min(room, this.config.batchSize);
    const claimed = await this.queue.claimDue(limit, this.config.leaseMs);
    for (const item of claimed) {
      const work = this.deliver(item).finally(() => this.inFlight.delete(work));
      this.inFlight.add(work);
    }
    // A short batch means nothing more is due: wait for a poke (new work committed) or the poll.
    return claimed.length === limit;
  }

  private deliver({ notification: n, claimToken, resend }: ClaimedNotification): Promise<void> {
    return withCorrelationId(n.correlationId ?? n.id, async () => {
      if (resend) this.metrics.ambiguousResends.inc();
      const started = performance.now();
      const attemptedAt = new Date();
      const outcome = await this.send(n.id, n.type, n.recipient, n.content, n.correlationId);
      const latencyMs = performance.now() - started;
      if (outcome.kind === 'deferred') this.metrics.sendsDeferred.inc();
      else this.metrics.sendAttempts.inc({ channel: n.channel, outcome: outcome.kind });
      // The next attempt resends what may already have arrived, with the same Message-ID.
      if (outcome.kind === 'ambiguous') this.metrics.ambiguousResends.inc();
      const status = await this.recorder.record({ notificationId: n.id, claimToken, result: outcome, attemptedAt, latencyMs });
      if (status === 'claim_lost') return;
      if (status === 'sent') this.metrics.deliveryLatency.observe({ type: n.type }, (Date.now() - n.createdAt.getTime()) / 1000);
      if (status === 'retrying') this.metrics.retries.inc({ type: n.type });
      this.logger.info({ notification_id: n.id, type: n.type, outcome: outcome.kind, status, latency_ms: Math.round(latencyMs) }, 'send attempt recorded');
    });
  }

  private async send(id: string, type: ClaimedNotification['notification']['type'], to: string, content: ClaimedNotification['notification']['content'], correlationId: string | null): Promise<SendOutcome> {
    let rendered;
    try {
      // The recipient stands in for `email` when the cause did not name one (a REST send).
      rendered = this.renderer.render(type, { email: to, ...content.templateVars }, { subject: content.subject, content: content.body });
    } catch (error) {
      if (!(error instanceof InvalidValueError)) throw error;
      return { kind: 'permanent', error: `cannot render: ${error.message}`, response: null };
    }
    return this.sender.send({
      to,
      ...rendered,
      messageId: `<${id}@${this.messageIdDomain}>`,
      headers: { 'X-Notification-ID': id, 'X-Notification-Type': type, 'X-Correlation-ID': correlationId ?? id },
    });
  }
}

type Status = CommandResults['RecordDeliveryOutcomes'][number];
const MAX_BATCH = 100;

/**
 * Records send outcomes in batches: while one batch is being written, the outcomes that arrive
 * wait and go together in the next transaction (no timer, so an idle worker records at once).
 * The outcome must be recorded: a database outage is waited out (the lease keeps others off). If
 * a batch fails for another reason, each of its outcomes is tried alone, so one cannot sink the rest.
 */
export class OutcomeRecorder {
  private pending: Array<{ outcome: DeliveryOutcome; resolve: (status: Status) => void; reject: (error: unknown) => void }> = [];
  private flushing = false;

  constructor(private readonly bus: MessageBus) {}

  record(outcome: DeliveryOutcome): Promise<Status> {
    return new Promise((resolve, reject) => {
      this.pending.push({ outcome, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_BATCH);
      try {
        const statuses = await this.write(batch.map((b) => b.outcome));
        batch.forEach((b, i) => b.resolve(statuses[i] ?? 'claim_lost'));
      } catch (error) {
        if (batch.length === 1) batch[0]?.reject(error);
        else for (const b of batch) await this.write([b.outcome]).then(([status]) => b.resolve(status ?? 'claim_lost'), b.reject);
      }
    }
    this.flushing = false;
  }

  private async write(outcomes: DeliveryOutcome[]): Promise<readonly Status[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.bus.handle({ type: 'RecordDeliveryOutcomes', outcomes });
      } catch (error) {
        if (!isUnavailable(error) || attempt >= 30) throw error;
        await sleep(Math.min(5_000, 100 * 2 ** attempt));
      }
    }
  }
}
