import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { track } from './children.js';
import { freePort } from './infra.js';
import { sleep, waitUntil, wallNow } from './util.js';

export const ADMIN_API_KEY = 'bench-admin-key-0123456789abcdef';

export interface ServiceServers {
  readonly databaseUrl: string;
  readonly standbyUrl: string;
  readonly rabbitmqUrl: string;
  readonly smtpPort: number;
}

/** Production defaults: no RETRY_* or poll overrides; warn-level logs so logging does not dominate. */
function serviceEnv(servers: ServiceServers, port: number): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    DATABASE_URL: servers.databaseUrl,
    STANDBY_DATABASE_URL: servers.standbyUrl,
    RABBITMQ_URL: servers.rabbitmqUrl,
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(servers.smtpPort),
    SMTP_FROM: 'notifications@example.com',
    ADMIN_API_KEY,
    APP_BASE_URL: 'https://app.example.com',
    SERVICE_NAME: 'Bench Notifications',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
  };
}

/** Reads one `Vm*` line of /proc/<pid>/status, in MB. */
export function procStatusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  return Number(line?.split(/\s+/)[1] ?? 0) / 1024;
}

/** The built service (dist/src/entrypoints/main.js) as a child process. */
export class ServiceUnderTest {
  private readonly output: string[] = [];
  private exitCode: number | null | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly baseUrl: string,
    /** Wall-clock time of the spawn. */
    readonly spawnedAt: number,
  ) {
    const keep = (chunk: Buffer) => {
      this.output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      this.output.splice(0, Math.max(0, this.output.length - 40));
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', (code) => {
      this.exitCode = code;
    });
  }

  /**
   * Starts the service and waits until /broker/health reports RabbitMQ up (the consumer runs).
   * `extraEnv` adds to the production defaults (the provider fakes' settings, for one).
   */
  static async start(servers: ServiceServers, extraEnv: Readonly<Record<string, string>> = {}): Promise<ServiceUnderTest> {
    const port = await freePort();
    const spawnedAt = wallNow();
    // BENCH_SERVICE_NODE_ARGS: flags for the service's node, to profile it under the bench (--cpu-prof --cpu-prof-dir=DIR).
    const nodeArgs = (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = track(spawn('node', [...nodeArgs, 'dist/src/entrypoints/main.js'], { env: { ...serviceEnv(servers, port), ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] }));
    const service = new ServiceUnderTest(child, `http://127.0.0.1:${port}`, spawnedAt);
    await waitUntil('the service to report RabbitMQ up', async () => {
      service.assertRunning();
      return { done: await service.rabbitmqUp(), progress: 0, status: 'starting' };
    }, 30_000);
    return service;
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** Resident set size now, MB. */
  rssMb(): number {
    return procStatusMb(this.pid, 'VmRSS');
  }

  /** Peak resident set size of the process so far (VmHWM), MB. */
  peakRssMb(): number {
    return procStatusMb(this.pid, 'VmHWM');
  }

  /** Resets the peak (VmHWM) to the current RSS, so that the next reading is the peak of one phase. */
  resetPeak(): void {
    try {
      writeFileSync(`/proc/${this.pid}/clear_refs`, '5');
    } catch {
      // Not allowed here: the peak then runs from the start of the process.
    }
  }

  assertRunning(): void {
    if (this.exitCode !== undefined) throw new Error(`the service exited (${this.exitCode}); its last output:\n${this.output.join('\n')}`);
  }

  /** SIGTERM (graceful: in-flight work finishes), SIGKILL after 30 s. Returns the peak RSS, MB. */
  async stop(): Promise<number> {
    const peak = this.exitCode === undefined ? this.peakRssMb() : 0;
    if (this.exitCode === undefined) {
      const exited = once(this.child, 'exit');
      this.child.kill('SIGTERM');
      const stopped = await Promise.race([exited.then(() => true), sleep(30_000).then(() => false)]);
      if (!stopped) this.child.kill('SIGKILL');
    }
    return peak;
  }

  private async rabbitmqUp(): Promise<boolean> {
    try {
      const response = await fetch(`${this.baseUrl}/broker/health`, { signal: AbortSignal.timeout(2_000) });
      const body = (await response.json()) as { components?: { rabbitmq?: { status?: string } } };
      return body.components?.rabbitmq?.status === 'up';
    } catch {
      return false;
    }
  }
}
