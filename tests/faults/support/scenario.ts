import { randomUUID } from 'node:crypto';
import { eventually, sqlOnPrimary } from '../../support/databases.js';
import { PipelineWorld } from '../../support/pipeline-world.js';
import type { ServiceProcess } from '../../support/service-process.js';
import { FaultBroker, type OutgoingMessage } from './fault-broker.js';
import { CAPTURE_QUEUE, type MeasuredCounts } from './invariants.js';

export interface FaultWorld {
  readonly world: PipelineWorld;
  readonly broker: FaultBroker;
}

/** A PipelineWorld of its own for one scenario, plus a FaultBroker and a capture queue on notification.#. */
export async function faultWorld(prefix: string, options: { capture?: boolean } = {}): Promise<FaultWorld> {
  const world = await PipelineWorld.create(prefix);
  // TestVhost's own connection must not crash the run when a scenario closes the vhost's connections.
  const connection = (world.vhost as unknown as { connection: { on(e: string, f: () => void): void } }).connection;
  connection.on('error', () => undefined);
  const broker = new FaultBroker(world.vhost.name, world.vhost.url);
  if (options.capture ?? true) await broker.bindCapture(CAPTURE_QUEUE);
  return { world, broker };
}

export interface WelcomeEvent {
  readonly eventId: string;
  readonly message: OutgoingMessage;
}

/** `count` user.welcome_requested events, each with its own event id and address. */
export function welcomes(count: number, tag: string): WelcomeEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const eventId = randomUUID();
    return {
      eventId,
      message: {
        routingKey: 'user.welcome_requested',
        messageId: eventId,
        type: 'UserWelcomeRequested',
        body: { event_id: eventId, userid: `${tag}-${i}`, email: `${tag}-${i}@example.com`, username: `${tag} ${i}` },
      },
    };
  });
}

export async function sqlCount(db: string, text: string): Promise<number> {
  const [row] = await sqlOnPrimary<{ n: string }>(db, text);
  return Number(row?.n ?? 0);
}

export async function waitForCount(db: string, text: string, atLeast: number, timeoutMs: number, what: string): Promise<number> {
  return eventually(async () => {
    const value = await sqlCount(db, text);
    return value >= atLeast ? value : undefined;
  }, timeoutMs, what);
}

/** True while the child process has neither exited nor been killed. */
export function isRunning(service: ServiceProcess): boolean {
  const child = (service as unknown as { child: { exitCode: number | null; signalCode: string | null } }).child;
  return child.exitCode === null && child.signalCode === null;
}

export function pidOf(service: ServiceProcess): number | undefined {
  return (service as unknown as { child: { pid?: number } }).child.pid;
}

/** Prints the row of the results table for a scenario. */
export function report(scenario: string, counts: MeasuredCounts, startedAt: number, extra = ''): void {
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  console.log(
    `      [${scenario}] accepted=${counts.accepted} sent=${counts.sent} failed=${counts.failed} suppressed=${counts.suppressed} duplicates=${counts.duplicates} deadLettered=${counts.deadLettered} ${seconds}s${extra ? ` ${extra}` : ''}`,
  );
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The value of one sample in a Prometheus text exposition (`/broker/prometheus`): `name` with
 * exactly these labels (none: the unlabelled sample). 0 when the sample is absent.
 */
export function metricValue(exposition: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',');
  for (const line of exposition.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line.trim());
    if (!match || match[1] !== name) continue;
    const found = (match[2] ?? '')
      .split(',')
      .filter(Boolean)
      .sort()
      .join(',');
    if (found === wanted) return Number(match[3]);
  }
  return 0;
}

/** The smtp component of `/broker/health`, as the scenarios read it. */
export interface SmtpHealth {
  readonly overall: string;
  readonly status: string;
  readonly circuit?: string;
  readonly reason?: string;
  readonly error?: string;
}

export async function smtpHealth(admin: { get(path: string): Promise<{ body: Record<string, unknown> }> }): Promise<SmtpHealth> {
  const { body } = await admin.get('/broker/health');
  const smtp = ((body.components ?? {}) as Record<string, SmtpHealth>).smtp;
  return { overall: String(body.status), status: String(smtp?.status), circuit: smtp?.circuit, reason: smtp?.reason, error: smtp?.error };
}
