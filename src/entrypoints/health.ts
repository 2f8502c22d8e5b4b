export type ComponentStatus = 'up' | 'degraded' | 'down' | 'not_configured';

export interface ComponentHealth {
  readonly status: ComponentStatus;
  readonly [detail: string]: unknown;
}

export interface ComponentCheck {
  readonly name: string;
  /** A critical component that is down makes the whole service unhealthy (503). */
  readonly critical: boolean;
  check(): Promise<ComponentHealth>;
}

export interface HealthReport {
  readonly status: 'healthy' | 'degraded' | 'unhealthy';
  readonly components: Readonly<Record<string, ComponentHealth>>;
}

/**
 * Runs every component check at once, each bounded so that one hung server cannot hang the report.
 * A report is reused for `cacheMs`: the endpoint is open, and a flood of probes must not take the
 * API's database connections.
 */
export class HealthReporter {
  private last: { at: number; report: Promise<HealthReport> } | null = null;

  constructor(
    private readonly checks: readonly ComponentCheck[],
    private readonly timeoutMs: number,
    private readonly cacheMs = 0,
  ) {}

  report(): Promise<HealthReport> {
    if (!this.last || Date.now() - this.last.at >= this.cacheMs) this.last = { at: Date.now(), report: this.fresh() };
    return this.last.report;
  }

  private async fresh(): Promise<HealthReport> {
    const results = await Promise.all(this.checks.map((c) => this.bounded(c)));
    const components = Object.fromEntries(this.checks.map((c, i) => [c.name, results[i] as ComponentHealth]));
    const critical = this.checks.some((c, i) => c.critical && results[i]?.status === 'down');
    const impaired = results.some((r) => r.status === 'down' || r.status === 'degraded');
    return { status: critical ? 'unhealthy' : impaired ? 'degraded' : 'healthy', components };
  }

  private async bounded(check: ComponentCheck): Promise<ComponentHealth> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<ComponentHealth>((resolve) => {
      timer = setTimeout(() => resolve({ status: 'down', error: `no answer within ${this.timeoutMs} ms` }), this.timeoutMs);
    });
    try {
      return await Promise.race([check.check(), timeout]);
    } catch (error) {
      return { status: 'down', error: error instanceof Error ? error.message : String(error) };
    } finally {
      clearTimeout(timer);
    }
  }
}

export function notConfigured(name: string, critical = false): ComponentCheck {
  return { name, critical, check: async () => ({ status: 'not_configured' }) };
}

/**
 * Readiness: whether this instance can serve its REST API. The primary answers (read at most every
 * `cacheMs`, so aggressive probing costs one `select 1` a second) and no shutdown is under way. A
 * broker outage does not count: writes go through the outbox and are published when it is back,
 * so taking every instance out of a load balancer would only turn a degraded service into none.
 */
export class Readiness {
  private reading: { at: number; ready: Promise<boolean> } | null = null;

  constructor(
    private readonly shuttingDown: () => boolean,
    private readonly primaryAnswers: () => Promise<boolean>,
    private readonly cacheMs = 1_000,
  ) {}

  async ready(): Promise<boolean> {
    if (this.shuttingDown()) return false;
    if (!this.reading || Date.now() - this.reading.at >= this.cacheMs) {
      this.reading = { at: Date.now(), ready: this.primaryAnswers().catch(() => false) };
    }
    return this.reading.ready;
  }
}
