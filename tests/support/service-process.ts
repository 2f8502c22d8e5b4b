import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { eventually } from './databases.js';

const MAIN = 'dist/src/entrypoints/main.js';
const MIGRATE = 'dist/src/entrypoints/migrate.js';

export type Env = Record<string, string | undefined>;

/** Runs the built migrate entry point as its own process, as `npm run migrate` would. */
export async function migrateBuilt(databaseUrl: string): Promise<string> {
  const { stdout } = await promisify(execFile)('node', [MIGRATE], { env: { ...process.env, DATABASE_URL: databaseUrl } });
  return stdout;
}

/** The built service as a child process, with its output kept for assertions. */
export class ServiceProcess {
  readonly output: string[] = [];
  private exit: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    const collect = (chunk: Buffer) => this.output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exit = once(child, 'exit').then(([code]) => code as number | null);
  }

  static spawn(env: Env): ServiceProcess {
    // Only PATH is inherited (the service is configured by `env` alone); NODE_V8_COVERAGE lets
    // `make test-coverage` see the code the service process runs.
    const inherited = { PATH: process.env.PATH, NODE_V8_COVERAGE: process.env.NODE_V8_COVERAGE };
    const child = spawn('node', [MAIN], { env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    return new ServiceProcess(child);
  }

  /** Starts the service on a free port and waits until it listens. */
  static async start(env: Env): Promise<{ service: ServiceProcess; baseUrl: string }> {
    const service = ServiceProcess.spawn({ PORT: '0', HOST: '127.0.0.1', ...env });
    const port = await eventually(async () => service.listeningPort(), 15_000, `the service to listen (output: ${service.output.join('\n')})`);
    return { service, baseUrl: `http://127.0.0.1:${port}` };
  }

  logLines(): Array<Record<string, unknown>> {
    return this.output.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }

  private listeningPort(): number | undefined {
    const line = this.logLines().find((l) => l.msg === 'notification service listening');
    return typeof line?.port === 'number' ? line.port : undefined;
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Resolves with the exit code (null when killed by a signal), bounded by `timeoutMs`. */
  async exited(timeoutMs = 15_000): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the service did not exit within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exit, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    this.child.kill('SIGTERM');
    return this.exited().catch(() => {
      this.child.kill('SIGKILL');
      return null;
    });
  }
}
