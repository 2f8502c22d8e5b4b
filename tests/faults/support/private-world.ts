/**
 * A fault-scenario world on private servers only: a PrivatePostgres (primary + streaming standby),
 * a PrivateRabbit node, an in-process SMTP sink, and the built service (dist/) wired to them through
 * its environment (the same settings as tests/support/pipeline-world.ts). Faults (freeze, restart,
 * stop_app, disk alarm, close_all_connections, standby stop/pause) hit these servers only.
 *
 * invariants.ts (G1–G5) is written against PipelineWorld (machine PostgreSQL by database name,
 * rabbitmqctl on the machine node); the checks here are the same invariants, against this world.
 */
import { serviceEnv } from '../../support/pipeline-world.js';
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { CapturedMessage } from '../../support/broker.js';
import { eventually } from '../../support/databases.js';
import { E2E_ADMIN_KEY } from '../../support/e2e-service.js';
import { HttpClient } from '../../support/http-client.js';
import { type Env, ServiceProcess, migrateBuilt } from '../../support/service-process.js';
import { SmtpSink } from '../../support/smtp-sink.js';
import { DEAD_LETTER_QUEUE, FaultBroker, type OutgoingMessage, SERVICE_QUEUE } from './fault-broker.js';
import { PrivatePostgres, PrivateRabbit } from './private-servers.js';
import { checkOnePerRoutedChannel } from './invariants.js';

export const CAPTURE_QUEUE = 'capture.private';
export const DB_NAME = 'notifications_faults';
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Counts {
  readonly total: number;
  readonly final: number;
  readonly sent: number;
  readonly failed: number;
  readonly suppressed: number;
  readonly all: number;
  readonly allFinal: number;
  readonly inbox: number;
  readonly unpublished: number;
}

export interface MeasuredCounts {
  readonly accepted: number;
  readonly sent: number;
  readonly failed: number;
  readonly suppressed: number;
  /** Notifications made over REST (not by an event): preference writes. */
  readonly restMade: number;
  /** Message-IDs that arrived twice at the sink. */
  readonly duplicates: number;
  readonly deadLettered: number;
  /** notification.sent / notification.failed deliveries captured beyond one per notification (same message_id). */
  readonly republished: number;
}

export interface CheckOptions {
  readonly accepted: number;
  readonly allowAmbiguous?: boolean;
  readonly expectSuppressed?: number;
  readonly quiescenceMs?: number;
}

export class PrivateWorld {
  service: ServiceProcess | undefined;
  admin!: HttpClient;
  readonly broker: FaultBroker;
  private pool: pg.Pool;

  private constructor(
    readonly postgres: PrivatePostgres,
    readonly mq: PrivateRabbit,
    readonly smtp: SmtpSink,
    readonly dbUrl: string,
    readonly standbyUrl: string,
  ) {
    this.broker = new FaultBroker('/', mq.url);
    this.pool = new pg.Pool({ connectionString: dbUrl, max: 3, connectionTimeoutMillis: 5_000, query_timeout: 10_000 });
    this.pool.on('error', () => undefined);
  }

  /** Starts the servers (in parallel), creates and migrates the database, waits for the standby. */
  static async create(rabbit: Parameters<typeof PrivateRabbit.start>[0] = {}): Promise<PrivateWorld> {
    const [pgs, mq, smtp] = await Promise.allSettled([PrivatePostgres.start({ withStandby: true }), PrivateRabbit.start(rabbit), SmtpSink.start()]);
    if (pgs.status === 'rejected' || mq.status === 'rejected' || smtp.status === 'rejected') {
      if (pgs.status === 'fulfilled') await pgs.value.destroy().catch(() => undefined);
      if (mq.status === 'fulfilled') await mq.value.destroy().catch(() => undefined);
      if (smtp.status === 'fulfilled') await smtp.value.close().catch(() => undefined);
      const failed = [pgs, mq, smtp].find((r) => r.status === 'rejected') as PromiseRejectedResult;
      throw failed.reason;
    }
    try {
      const { url, standbyUrl } = await pgs.value.createDatabase(DB_NAME);
      await migrateBuilt(url);
      await pgs.value.waitForStandbyCatchUp(30_000);
      return new PrivateWorld(pgs.value, mq.value, smtp.value, url, standbyUrl ?? '');
    } catch (error) {
      await Promise.allSettled([pgs.value.destroy(), mq.value.destroy(), smtp.value.close()]);
      throw error;
    }
  }

  env(overrides: Env = {}): Env {
    return serviceEnv({ databaseUrl: this.dbUrl, standbyUrl: this.standbyUrl, rabbitmqUrl: this.mq.url, smtpPort: this.smtp.port }, overrides);
  }

  /** Starts the built service, waits until it is connected to RabbitMQ, then binds the capture queue. */
  async startService(overrides: Env = {}): Promise<void> {
    const { service, baseUrl } = await ServiceProcess.start(this.env(overrides));
    this.service = service;
    this.admin = new HttpClient(baseUrl, E2E_ADMIN_KEY);
    try {
      await eventually(
        async () => ((await this.admin.get('/broker/health')).body.components as Record<string, { status: string }> | undefined)?.rabbitmq?.status === 'up',
        20_000,
        'the service to connect to RabbitMQ',
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; service output tail:\n${service.output.slice(-20).join('\n')}`);
    }
    await this.broker.bindCapture(CAPTURE_QUEUE);
  }

  /** True while the service process has neither exited nor been killed. */
  serviceRunning(): boolean {
    const child = (this.service as unknown as { child?: { exitCode: number | null; signalCode: string | null } } | undefined)?.child;
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  async health(): Promise<{ status: number; overall: string; components: Record<string, { status: string }> }> {
    const res = await this.admin.get('/broker/health');
    return { status: res.status, overall: String(res.body.status), components: (res.body.components ?? {}) as Record<string, { status: string }> };
  }

  publish(messages: readonly OutgoingMessage[]): Promise<void> {
    return this.broker.publishAll(messages);
  }

  async sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<T[]> {
    return (await this.pool.query<T>(text, values)).rows;
  }

  async count(text: string): Promise<number> {
    const [row] = await this.sql<{ n: string }>(text);
    return Number(row?.n ?? 0);
  }

  /** Polls `text` (select count(*) as n ...) until it reaches `atLeast`. */
  waitForCount(text: string, atLeast: number, timeoutMs: number, what: string): Promise<number> {
    return eventually(async () => {
      const value = await this.count(text);
      return value >= atLeast ? value : undefined;
    }, timeoutMs, what);
  }

  /**
   * Counts of the notifications made by events (source_event_id set); `all`/`allFinal` include
   * those the REST API made (e.g. the welcome / security alert on a preference write).
   */
  async counts(): Promise<Counts> {
    const [row] = await this.sql<Record<string, string>>(
      `select count(*) filter (where source_event_id is not null) as total,
              count(*) filter (where source_event_id is not null and status in ('sent','failed','suppressed')) as final,
              count(*) filter (where source_event_id is not null and status = 'sent') as sent,
              count(*) filter (where source_event_id is not null and status = 'failed') as failed,
              count(*) filter (where source_event_id is not null and status = 'suppressed') as suppressed,
              count(*) as all,
              count(*) filter (where status in ('sent','failed','suppressed')) as all_final,
              (select count(*) from inbox) as inbox,
              (select count(*) from outbox where published_at is null) as unpublished
         from notifications`,
    );
    const n = (k: string) => Number(row?.[k] ?? 0);
    return {
      total: n('total'),
      final: n('final'),
      sent: n('sent'),
      failed: n('failed'),
      suppressed: n('suppressed'),
      all: n('all'),
      allFinal: n('all_final'),
      inbox: n('inbox'),
      unpublished: n('unpublished'),
    };
  }

  /** ready + unacked of the service queue (rabbitmqctl list_queues). */
  async serviceQueueDepth(): Promise<{ ready: number; unacked: number }> {
    return (await this.mq.queueCounts()).get(SERVICE_QUEUE) ?? { ready: 0, unacked: 0 };
  }

  /**
   * G1–G5 from outside once quiet: waits (bounded) for every accepted event to have a final
   * notification and the outbox to drain, checks the DB and sink, the captured outcomes, then
   * stops the service (SIGTERM) and checks the service queue and the DLQ by passive declare.
   */
  async checkInvariants(options: CheckOptions): Promise<MeasuredCounts> {
    let last = await this.counts().catch(() => undefined);
    try {
      await eventually(async () => {
        last = await this.counts();
        return last.inbox >= options.accepted && last.total >= options.accepted && last.allFinal === last.all && last.unpublished === 0;
      }, options.quiescenceMs ?? 90_000, 'quiescence');
    } catch (error) {
      throw new Error(`${(error as Error).message}; last counts ${JSON.stringify(last)}; service log tail:\n${this.service?.output.slice(-15).join('\n')}`);
    }

    // G1 (event-made notifications; those made over REST must be final too)
    const counts = await this.counts();
    expect(counts.allFinal, 'G1 every notification (REST-made ones included) final').to.equal(counts.all);
    expect(counts.inbox, 'G1 inbox rows').to.equal(options.accepted);
    await checkOnePerRoutedChannel((text) => this.sql<Record<string, string>>(text), options.accepted, 1, counts);
    if (options.expectSuppressed !== undefined) expect(counts.suppressed, 'suppressed').to.equal(options.expectSuppressed);

    // G2
    const rows = await this.sql<{ id: string; status: string }>('select id, status from notifications');
    const sentIds = new Set(rows.filter((r) => r.status === 'sent').map((r) => r.id));
    const failedIds = new Set(rows.filter((r) => r.status === 'failed').map((r) => r.id));
    const copies = new Map<string, number>();
    for (const [messageId, list] of this.smtp.byMessageId()) copies.set(messageId.split('@')[0] ?? messageId, list.length);
    expect([...sentIds].filter((id) => !copies.has(id)), 'G2 sent notifications with no message at the sink').to.deep.equal([]);
    expect([...copies.keys()].filter((id) => !sentIds.has(id)), 'G2 messages at the sink for no sent notification').to.deep.equal([]);
    const repeated = [...copies.entries()].filter(([, c]) => c > 1);
    expect(repeated.filter(([, c]) => c > 2), 'G2 more than two copies').to.deep.equal([]);
    if (!options.allowAmbiguous) expect(repeated, 'G2 copies (no ambiguity expected)').to.deep.equal([]);

    // G3
    const outcomeIds = (messages: CapturedMessage[], key: string) => new Set(messages.filter((m) => m.routingKey === key).map((m) => String(m.body.notification_id)));
    const setEquals = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every((x) => b.has(x));
    let outcomes: CapturedMessage[] = [];
    await eventually(async () => {
      outcomes = await this.broker.drain(CAPTURE_QUEUE);
      return setEquals(outcomeIds(outcomes, 'notification.sent'), sentIds) && setEquals(outcomeIds(outcomes, 'notification.failed'), failedIds);
    }, 20_000, 'G3 outcome events').catch(() => undefined);
    expect([...outcomeIds(outcomes, 'notification.sent')].sort(), 'G3 notification.sent ids').to.deep.equal([...sentIds].sort());
    expect([...outcomeIds(outcomes, 'notification.failed')].sort(), 'G3 notification.failed ids').to.deep.equal([...failedIds].sort());
    const messageIds = new Map<string, Set<string | undefined>>();
    const outcomeMessages = outcomes.filter((o) => o.routingKey === 'notification.sent' || o.routingKey === 'notification.failed');
    for (const m of outcomeMessages) {
      const key = `${m.routingKey}/${String(m.body.notification_id)}`;
      messageIds.set(key, (messageIds.get(key) ?? new Set()).add(m.messageId));
    }
    expect([...messageIds.entries()].filter(([, ids]) => ids.size !== 1 || ids.has(undefined)), 'G3 repeats share one message_id').to.deep.equal([]);

    // G5
    expect((await this.counts()).unpublished, 'G5 unpublished outbox rows').to.equal(0);

    // G4: after SIGTERM, exact counts by passive declare.
    await this.service?.stop();
    expect(await this.broker.messageCount(SERVICE_QUEUE), 'G4 service queue after stop').to.equal(0);
    // Dead letters are moved into their table (ADR 24): those there and any left in the queue.
    const [moved] = await this.sql<{ n: string }>('select count(*) as n from dead_letters');
    const deadLettered = Number(moved?.n ?? 0) + (await this.broker.messageCount(DEAD_LETTER_QUEUE));
    expect(deadLettered, 'G4 dead-lettered').to.equal(0);

    return {
      accepted: options.accepted,
      sent: counts.sent,
      failed: counts.failed,
      suppressed: counts.suppressed,
      restMade: counts.all - counts.total,
      duplicates: repeated.length,
      deadLettered,
      republished: outcomeMessages.length - messageIds.size,
    };
  }

  async stop(): Promise<void> {
    await this.service?.stop().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
    await Promise.allSettled([this.smtp.close(), this.mq.destroy(), this.postgres.destroy()]);
  }
}

export function report(scenario: string, counts: MeasuredCounts, startedAt: number, extra = ''): void {
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  console.log(
    `      [${scenario}] accepted=${counts.accepted} sent=${counts.sent} failed=${counts.failed} suppressed=${counts.suppressed} restMade=${counts.restMade} duplicates=${counts.duplicates} deadLettered=${counts.deadLettered} republished=${counts.republished} ${seconds}s${extra ? ` ${extra}` : ''}`,
  );
}

/** `count` events of one type, each with its own event id and address (user `${tag}-${i}`). */
export function userEvents(count: number, tag: string, kind: 'welcome' | 'security_alert' = 'welcome'): Array<{ eventId: string; userId: string; email: string; message: OutgoingMessage }> {
  return Array.from({ length: count }, (_, i) => {
    const eventId = randomUUID();
    const userId = `${tag}-${i}`;
    const email = `${tag}-${i}@example.com`;
    const message: OutgoingMessage =
      kind === 'welcome'
        ? { routingKey: 'user.welcome_requested', messageId: eventId, type: 'UserWelcomeRequested', body: { event_id: eventId, userid: userId, email, username: `${tag} ${i}` } }
        : {
            routingKey: 'user.security_alert_requested',
            messageId: eventId,
            type: 'UserSecurityAlertRequested',
            body: { event_id: eventId, userid: userId, email, alert_message: 'New sign-in from an unknown device' },
          };
    return { eventId, userId, email, message };
  });
}
