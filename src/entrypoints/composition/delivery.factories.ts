import { DeliverNotification } from '../../application/delivery/deliver-notification.js';
import { LeaseKeeper } from '../../application/delivery/lease-keeper.js';
import { SendReportRecorder } from '../../application/delivery/send-report-recorder.js';
import { Retention } from '../../application/retention/retention.js';
import { CircuitBreakingSender } from '../../adapters/delivery/circuit-breaking-sender.js';
import { NodemailerEmailSender } from '../../adapters/email/nodemailer-email-sender.js';
import { ObservedDeliveryMonitor } from '../../adapters/observability/delivery-monitor.js';
import { PostgresChannelRateLimit } from '../../adapters/postgres/channel-rate-buckets.js';
import { isUnavailable } from '../../adapters/postgres/pool.js';
import { DeliveryWorker } from '../workers/delivery-worker.js';
import { RetentionWorker } from '../workers/retention-worker.js';
import { circuitListener } from './channels.factories.js';
import type { Factories } from './factory-types.js';

/** Recording an outcome waits out a database outage this long (the lease is renewed meanwhile). */
const RECORD_GIVE_UP_MS = 10 * 60_000;

type Delivery = 'smtpTransport' | 'emailSender' | 'leaseKeeper' | 'deliveryMonitor' | 'deliverNotification' | 'deliveryWorker' | 'retention' | 'retentionWorker';

export const deliveryFactories: Pick<Factories, Delivery> = {
  smtpTransport: (get) => {
    const smtp = get('config').smtp;
    if (!smtp) return null;
    const { host, port, secure, startTls, allowInsecureAuth, username, password, from, connectionTimeoutMs, socketTimeoutMs } = smtp;
    return new NodemailerEmailSender({
      ...{ host, port, secure, startTls, allowInsecureAuth, username, password, from, connectionTimeoutMs, socketTimeoutMs },
      pool: { maxConnections: smtp.maxConnections, maxMessages: 1000 },
      greetingTimeoutMs: connectionTimeoutMs,
    });
  },
  emailSender: (get) => {
    const transport = get('smtpTransport');
    const smtp = get('config').smtp;
    if (!transport || !smtp) return null;
    const settings = { failuresToOpen: smtp.circuitFailuresToOpen, halfOpenAfterMs: smtp.circuitHalfOpenAfterMs };
    return new CircuitBreakingSender(transport, settings, circuitListener(get));
  },
  leaseKeeper: (get) => new LeaseKeeper(get('deliveryQueue'), get('config').delivery.leaseMs),
  deliveryMonitor: (get) => new ObservedDeliveryMonitor(get('metrics'), get('logger')),
  deliverNotification: (get) => {
    const bus = get('workerBus');
    const recorder = new SendReportRecorder({
      write: (reports) => bus.handle({ type: 'RecordSendReports', reports }),
      isRetryable: isUnavailable,
      backoff: { initialMs: 100, maxMs: 5_000 },
      giveUpAfterMs: RECORD_GIVE_UP_MS,
    });
    const senders = new Map(get('senders').map((sender) => [sender.channel, sender]));
    const { sendTimeoutMs } = get('config').delivery;
    return new DeliverNotification({ senders, renderer: get('renderer'), recorder, leases: get('leaseKeeper'), bus, clock: get('clock'), monitor: get('deliveryMonitor'), sendTimeoutMs });
  },
  deliveryWorker: (get) => {
    const senders = get('senders');
    const { batchSize, concurrency, pollIntervalMs } = get('config').delivery;
    if (senders.length === 0 || concurrency === 0) return null;
    const metrics = get('metrics');
    const rateLimit = new PostgresChannelRateLimit(get('workerDb'), get('config').delivery.rateLimits);
    return new DeliveryWorker(get('deliveryQueue'), get('deliverNotification'), get('leaseKeeper'), senders, rateLimit, { batchSize, concurrency, pollIntervalMs }, get('logger'), () =>
      metrics.leaseRenewalFailures.inc(),
    );
  },
  retention: (get) => {
    const { policy, batchSize } = get('config').retention;
    const metrics = get('metrics');
    const logger = get('logger');
    return new Retention(get('retentionStore'), get('clock'), { policy, batchSize, maxBatches: 20 }, (error) => {
      metrics.analyticsFoldFailures.inc();
      logger.warn({ err: error }, 'folding the analytics shards failed; pruning all the same, folding again at the next run');
    });
  },
  retentionWorker: (get) => new RetentionWorker(get('retention'), get('config').retention.intervalMs, get('metrics'), get('logger')),
};
