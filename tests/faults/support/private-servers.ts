/**
 * Private, throwaway servers for the fault-injection suite: a PostgreSQL cluster (optionally
 * with its own streaming standby) and a RabbitMQ 3.10 node, each on free ports found at runtime
 * and in fresh directories under /tmp. Faults (kill -STOP, pg_ctl -m immediate stop, stop_app,
 * disk alarm ...) are applied to these servers only, never to the machine's PostgreSQL (5432,
 * 5433), the project's own (25432, 25433) or the RabbitMQ node (rabbit@localhost,
 * 5672/25672/15672). They need the binaries of the Debian packages postgresql and rabbitmq-server
 * (which `make setup` installs when missing), not a running system cluster, nor guest on the node.
 *
 * Needs root (the servers run as the OS users postgres and rabbitmq via runuser).
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const PG_BIN = process.env.FAULTS_PG_BIN ?? newestPostgresBin();

/** The newest PostgreSQL installed from Debian's packages (15 on bookworm, 17 on trixie). */
function newestPostgresBin(): string {
  try {
    const versions = readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    const found = versions.find((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`));
    if (found) return `/usr/lib/postgresql/${found}/bin`;
  } catch {
    /* no /usr/lib/postgresql */
  }
  return '/usr/lib/postgresql/15/bin';
}
const REPO_ROOT = new URL('../../../', import.meta.url).pathname;

// ---------------------------------------------------------------------------------------------
// helpers

/** A TCP port nobody listens on right now (bound and released on 127.0.0.1). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Distinct free ports (avoiding the machine's well-known ones). */
async function freePorts(count: number): Promise<number[]> {
  const taken = new Set([4369, 5432, 5433, 5672, 15672, 25432, 25433, 25672]);
  const ports: number[] = [];
  while (ports.length < count) {
    const port = await freePort();
    if (!taken.has(port) && !ports.includes(port)) ports.push(port);
  }
  return ports;
}

export function portAccepts(port: number, host = '127.0.0.1', timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host, () => done(true));
  });
}

async function until<T>(probe: () => Promise<T | undefined | false>, timeoutMs: number, what: string, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

function userIds(user: string): { uid: number; gid: number } {
  return {
    uid: Number(execFileSync('id', ['-u', user]).toString().trim()),
    gid: Number(execFileSync('id', ['-g', user]).toString().trim()),
  };
}

/** Direct children of a process (pgrep -P). */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)]).toString().split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when there is none
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* gone */
  }
}

/**
 * Everything still alive when the test process exits (normally, or on SIGINT/SIGTERM/SIGHUP)
 * is SIGKILLed and its directory removed: best effort. A process killed with SIGKILL cannot
 * clean up: reapOrphans() (called by every start()) removes what such a process left behind.
 */
const exitCleanups = new Set<() => void>();
let exitHookInstalled = false;
function runExitCleanups(): void {
  for (const cleanup of [...exitCleanups]) {
    try {
      cleanup();
    } catch {
      /* best effort */
    }
  }
  exitCleanups.clear();
}
function onExit(cleanup: () => void): () => void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', runExitCleanups);
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.once(sig, () => {
        runExitCleanups();
        // Nobody else handles it: die of the signal as we would have without this hook.
        if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
      });
    }
  }
  exitCleanups.add(cleanup);
  return () => exitCleanups.delete(cleanup);
}

const OWNER_FILE = 'owner.pid';

function writeOwner(root: string): void {
  writeFileSync(join(root, OWNER_FILE), `${process.pid}\n`);
}

/** Our dirs whose owning test process is gone (or, without an owner file, older than 10 minutes). */
function orphanDirs(prefix: string): string[] {
  const orphans: string[] = [];
  for (const entry of readdirSync('/tmp')) {
    if (!entry.startsWith(prefix)) continue;
    const root = join('/tmp', entry);
    try {
      const owner = Number(readFileSync(join(root, OWNER_FILE), 'utf8').trim());
      if (owner > 0 && owner !== process.pid && !alive(owner)) orphans.push(root);
    } catch {
      try {
        if (Date.now() - statSync(root).mtimeMs > 10 * 60_000) orphans.push(root);
      } catch {
        /* gone */
      }
    }
  }
  return orphans;
}

/** Processes whose environment or working directory points into `root`, except a shared epmd. */
function processesUsing(root: string, marker?: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'epmd') continue;
      const cwd = readlinkSync(`/proc/${entry}/cwd`).replace(/ \(deleted\)$/, '');
      const environ = marker ? readFileSync(`/proc/${entry}/environ`, 'latin1') : '';
      if (cwd === root || cwd.startsWith(`${root}/`) || (marker !== undefined && environ.includes(marker))) pids.push(Number(entry));
    } catch {
      /* gone or not readable */
    }
  }
  return pids;
}

/**
 * Kills the servers and removes the dirs of private servers whose test process died without
 * cleaning up (e.g. SIGKILLed mocha). Never touches a dir whose owner is alive.
 */
export function reapOrphans(): string[] {
  const reaped: string[] = [];
  for (const root of orphanDirs('faults-pg-')) {
    // Postmasters run with their data dir as cwd; backends are their children.
    for (const pid of processesUsing(root)) {
      for (const child of childrenOf(pid)) signal(child, 'SIGKILL');
      signal(pid, 'SIGKILL');
    }
    rmSync(root, { recursive: true, force: true });
    reaped.push(root);
  }
  for (const root of orphanDirs('faults-rabbit-')) {
    for (const pid of processesUsing(root, `RABBITMQ_MNESIA_BASE=${root}/mnesia\0`)) signal(pid, 'SIGKILL');
    rmSync(root, { recursive: true, force: true });
    reaped.push(root);
  }
  return reaped;
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

export interface PrivatePostgresOptions {
  readonly withStandby: boolean;
  /** Extra postgresql.conf lines for the primary (and standby, which copies them). */
  readonly extraConf?: readonly string[];
}

interface Cluster {
  readonly dir: string;
  readonly port: number;
  readonly log: string;
}

/**
 * A throwaway PostgreSQL 15 cluster run as the OS user postgres: trust auth (incl. replication)
 * on 127.0.0.1, wal_level replica, fsync on, synchronous_commit on, asynchronous streaming
 * standby (no synchronous_standby_names, so a stopped standby never blocks commits).
 */
export class PrivatePostgres {
  private frozen: number[] = [];
  private unregister: () => void = () => undefined;

  private constructor(
    readonly root: string,
    readonly primary: Cluster,
    readonly standby: Cluster | undefined,
  ) {}

  get port(): number {
    return this.primary.port;
  }
  get standbyPort(): number {
    return this.requireStandby().port;
  }

  static async start(options: PrivatePostgresOptions): Promise<PrivatePostgres> {
    reapOrphans();
    const { uid, gid } = userIds('postgres');
    const root = mkdtempSync('/tmp/faults-pg-');
    writeOwner(root);
    chownSync(root, uid, gid);
    const [primaryPort, standbyPort] = await freePorts(2);
    const primary: Cluster = { dir: join(root, 'primary'), port: primaryPort!, log: join(root, 'primary.log') };
    const standby: Cluster | undefined = options.withStandby
      ? { dir: join(root, 'standby'), port: standbyPort!, log: join(root, 'standby.log') }
      : undefined;
    const server = new PrivatePostgres(root, primary, standby);
    server.unregister = onExit(() => server.killSync());
    try {
      await asPostgres(`${PG_BIN}/initdb`, ['-D', primary.dir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions']);
      writeFileSync(
        join(primary.dir, 'postgresql.conf'),
        [
          readFileSync(join(primary.dir, 'postgresql.conf'), 'utf8'),
          '# private-servers.ts (fault suite)',
          `port = ${primary.port}`,
          "listen_addresses = '127.0.0.1'",
          `unix_socket_directories = '${root}'`,
          'max_connections = 200',
          'shared_buffers = 32MB',
          'fsync = on',
          'synchronous_commit = on',
          'full_page_writes = on',
          'wal_level = replica',
          'max_wal_senders = 5',
          'max_replication_slots = 5',
          'wal_keep_size = 256MB',
          'hot_standby = on',
          'hot_standby_feedback = on',
          'wal_receiver_status_interval = 1s',
          'wal_retrieve_retry_interval = 1s',
          'max_standby_streaming_delay = 5s',
          'checkpoint_timeout = 5min',
          'logging_collector = off',
          "log_line_prefix = '%m [%p] %q%u@%d '",
          ...(options.extraConf ?? []),
          '',
        ].join('\n'),
      );
      writeFileSync(
        join(primary.dir, 'pg_hba.conf'),
        [
          'local all all trust',
          'host all all 127.0.0.1/32 trust',
          'host all all ::1/128 trust',
          'local replication all trust',
          'host replication all 127.0.0.1/32 trust',
          'host replication all ::1/128 trust',
          '',
        ].join('\n'),
      );
      chownSync(join(primary.dir, 'postgresql.conf'), uid, gid);
      chownSync(join(primary.dir, 'pg_hba.conf'), uid, gid);
      await server.pgCtlStart(primary);
      if (standby) {
        await asPostgres(`${PG_BIN}/pg_basebackup`, ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-w', '-D', standby.dir, '-R', '-X', 'stream', '-c', 'fast']);
        const conf = join(standby.dir, 'postgresql.conf');
        writeFileSync(conf, `${readFileSync(conf, 'utf8')}\n# standby\nport = ${standby.port}\nhot_standby = on\n`);
        chownSync(conf, uid, gid);
        await server.pgCtlStart(standby);
        await server.waitStreaming();
      }
      return server;
    } catch (error) {
      await server.destroy().catch(() => undefined);
      throw error;
    }
  }

  /** postgres://postgres@127.0.0.1:<port>/<db> */
  url(db = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.primary.port}/${db}`;
  }
  standbyUrl(db = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.requireStandby().port}/${db}`;
  }

  /** Runs one statement on the primary (or standby) with short timeouts. */
  async sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, options: { db?: string; standby?: boolean; values?: unknown[] } = {}): Promise<T[]> {
    const client = new pg.Client({
      connectionString: options.standby ? this.standbyUrl(options.db) : this.url(options.db),
      connectionTimeoutMillis: 5_000,
      query_timeout: 30_000,
    });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return (await client.query<T>(text, options.values)).rows;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** Creates a database on the primary; with a running standby, waits until it is visible there. */
  async createDatabase(name: string): Promise<{ url: string; standbyUrl: string | undefined }> {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe database name ${name}`);
    await this.sql(`create database ${name}`);
    if (this.standby && this.postmasterPid(this.standby) !== undefined) {
      await until(async () => (await this.sql('select 1', { db: name, standby: true })).length === 1, 15_000, `database ${name} on the standby`);
    }
    return { url: this.url(name), standbyUrl: this.standby ? this.standbyUrl(name) : undefined };
  }

  /** Waits until the standby has replayed everything the primary has written so far. */
  async waitForStandbyCatchUp(timeoutMs = 15_000): Promise<void> {
    const [{ lsn } = { lsn: '' }] = await this.sql<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn');
    await until(
      async () => (await this.sql<{ ok: boolean }>(`select pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn as ok`, { standby: true }))[0]?.ok === true,
      timeoutMs,
      `the standby to replay up to ${lsn}`,
    );
  }

  /** kill -STOP the primary's postmaster and all its children (backends, walsenders, ...). */
  freeze(): void {
    if (this.frozen.length) return;
    const pid = this.requirePid(this.primary);
    signal(pid, 'SIGSTOP'); // first: a stopped postmaster forks nothing new
    const children = childrenOf(pid);
    for (const child of children) signal(child, 'SIGSTOP');
    this.frozen = [pid, ...children];
  }

  /** kill -CONT everything freeze() stopped (children first, then the postmaster). */
  thaw(): void {
    const [postmaster, ...children] = this.frozen;
    for (const child of children) signal(child, 'SIGCONT');
    if (postmaster !== undefined) signal(postmaster, 'SIGCONT');
    this.frozen = [];
  }

  get isFrozen(): boolean {
    return this.frozen.length > 0;
  }

  /** pg_ctl -m immediate stop, then start (crash recovery). Resolves once it accepts connections. */
  async restartImmediate(): Promise<void> {
    await this.stopPrimary('immediate');
    await this.startPrimary();
  }

  async stopPrimary(mode: 'immediate' | 'fast' = 'immediate'): Promise<void> {
    this.thaw();
    await asPostgres(`${PG_BIN}/pg_ctl`, ['-D', this.primary.dir, '-m', mode, '-w', '-t', '60', 'stop']);
  }

  async startPrimary(): Promise<void> {
    await this.pgCtlStart(this.primary);
  }

  async stopStandby(): Promise<void> {
    const standby = this.requireStandby();
    if (this.postmasterPid(standby) === undefined) return;
    await asPostgres(`${PG_BIN}/pg_ctl`, ['-D', standby.dir, '-m', 'fast', '-w', '-t', '60', 'stop']);
  }

  /** Starts the standby and waits until it streams from the primary again. */
  async startStandby(): Promise<void> {
    const standby = this.requireStandby();
    if (this.postmasterPid(standby) === undefined) await this.pgCtlStart(standby);
    await this.waitStreaming();
  }

  async pauseReplay(): Promise<void> {
    await this.sql('select pg_wal_replay_pause()', { standby: true });
    await until(async () => (await this.sql<{ s: string }>('select pg_get_wal_replay_pause_state() as s', { standby: true }))[0]?.s === 'paused', 10_000, 'replay to pause');
  }

  async resumeReplay(): Promise<void> {
    await this.sql('select pg_wal_replay_resume()', { standby: true });
  }

  /** Stops both servers (immediate), kills leftovers, removes the directory. Idempotent. */
  async destroy(): Promise<void> {
    this.thaw();
    const clusters = [this.primary, ...(this.standby ? [this.standby] : [])];
    await Promise.all(
      clusters.map(async (cluster) => {
        const pid = this.postmasterPid(cluster);
        if (pid === undefined) return;
        await asPostgres(`${PG_BIN}/pg_ctl`, ['-D', cluster.dir, '-m', 'immediate', '-w', '-t', '30', 'stop']).catch(() => undefined);
        if (alive(pid)) {
          signal(pid, 'SIGKILL');
          await until(async () => !alive(pid), 10_000, `postmaster ${pid} to exit`).catch(() => undefined);
        }
      }),
    );
    rmSync(this.root, { recursive: true, force: true });
    this.unregister();
  }

  /** Postmaster pid of the primary (or standby), undefined when not running. */
  postmasterPid(cluster: Cluster = this.primary): number | undefined {
    try {
      const pid = Number(readFileSync(join(cluster.dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      return pid > 0 && alive(pid) ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  standbyPostmasterPid(): number | undefined {
    return this.postmasterPid(this.requireStandby());
  }

  /** The last lines of a server's log, for assertion messages. */
  logTail(which: 'primary' | 'standby' = 'primary', lines = 30): string {
    const cluster = which === 'primary' ? this.primary : this.requireStandby();
    try {
      return readFileSync(cluster.log, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  private killSync(): void {
    for (const pid of this.frozen) signal(pid, 'SIGCONT');
    for (const cluster of [this.primary, this.standby]) {
      if (!cluster) continue;
      const pid = this.postmasterPid(cluster);
      if (pid !== undefined) {
        for (const child of childrenOf(pid)) signal(child, 'SIGKILL');
        signal(pid, 'SIGKILL');
      }
    }
    rmSync(this.root, { recursive: true, force: true });
  }

  private requireStandby(): Cluster {
    if (!this.standby) throw new Error('this PrivatePostgres was started without a standby');
    return this.standby;
  }

  private requirePid(cluster: Cluster): number {
    const pid = this.postmasterPid(cluster);
    if (pid === undefined) throw new Error(`no postmaster running in ${cluster.dir}`);
    return pid;
  }

  private async pgCtlStart(cluster: Cluster): Promise<void> {
    try {
      await asPostgres(`${PG_BIN}/pg_ctl`, ['-D', cluster.dir, '-l', cluster.log, '-o', `-p ${cluster.port}`, '-w', '-t', '60', 'start']);
    } catch (error) {
      throw new Error(`pg_ctl start ${cluster.dir} failed: ${String(error)}\n${this.tailOf(cluster.log)}`);
    }
    await until(async () => (await this.sqlOn(cluster.port, 'select 1')) === 1, 30_000, `PostgreSQL on ${cluster.port}`);
  }

  private async waitStreaming(): Promise<void> {
    const standby = this.requireStandby();
    await until(
      async () => (await this.sqlOn(standby.port, "select count(*)::int as n from pg_stat_wal_receiver where status = 'streaming'")) === 1,
      30_000,
      'the standby to stream',
    );
  }

  private async sqlOn(port: number, text: string): Promise<number | undefined> {
    const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`, connectionTimeoutMillis: 2_000, query_timeout: 5_000 });
    client.on('error', () => undefined);
    await client.connect();
    try {
      const row = (await client.query(text)).rows[0] as Record<string, unknown> | undefined;
      const value = row ? Object.values(row)[0] : undefined;
      return typeof value === 'number' ? value : undefined;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private tailOf(file: string): string {
    try {
      return readFileSync(file, 'utf8').split('\n').slice(-20).join('\n');
    } catch {
      return '';
    }
  }
}

/** Runs a command as the OS user postgres, from a directory it can read. */
async function asPostgres(command: string, args: string[]): Promise<string> {
  const { stdout } = await run('runuser', ['-u', 'postgres', '--', command, ...args], {
    cwd: '/tmp',
    timeout: 120_000,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' },
  });
  return stdout;
}

// ---------------------------------------------------------------------------------------------
// RabbitMQ

const RABBITMQ_SERVER = process.env.FAULTS_RABBITMQ_SERVER ?? '/usr/lib/rabbitmq/bin/rabbitmq-server';
/** The Debian wrapper: as root it runs the CLI as the user rabbitmq (whose Erlang cookie the node shares). */
const RABBITMQCTL = process.env.FAULTS_RABBITMQCTL ?? 'rabbitmqctl';

export const SERVICE_QUEUE_POLICY = 'notification-service-queue';
export const SERVICE_EXCHANGE_POLICY = 'notification-service-exchange';

/**
 * A throwaway RabbitMQ node `faults-<random>@localhost`, run as the OS user rabbitmq (so it
 * shares that user's Erlang cookie with the `rabbitmqctl` wrapper: no cookie is read or
 * copied), AMQP and distribution on free ports, management plugin off, Mnesia/logs/config in
 * a fresh /tmp directory, with the service's policies (scripts/rabbitmq-policies.sh) on vhost /.
 */
export class PrivateRabbit {
  private unregister: () => void = () => undefined;
  private destroyed = false;

  private constructor(
    readonly root: string,
    readonly nodename: string,
    readonly port: number,
    readonly distPort: number,
  ) {}

  /** amqp://guest:guest@127.0.0.1:<port> (vhost /). */
  get url(): string {
    return `amqp://guest:guest@127.0.0.1:${this.port}`;
  }

  /**
   * `consumerTimeoutMs` sets the broker's `consumer_timeout` (a delivery left unacknowledged that
   * long closes its channel), and makes the channel check it twice a second rather than once a minute.
   */
  static async start(options: { consumerTimeoutMs?: number } = {}): Promise<PrivateRabbit> {
    reapOrphans();
    const { uid, gid } = userIds('rabbitmq');
    const root = mkdtempSync('/tmp/faults-rabbit-');
    writeOwner(root);
    const [port, distPort] = await freePorts(2);
    const nodename = `faults-${randomBytes(4).toString('hex')}@localhost`;
    const node = new PrivateRabbit(root, nodename, port!, distPort!);
    node.unregister = onExit(() => node.killSync());
    try {
      for (const sub of ['mnesia', 'log']) mkdirSync(join(root, sub));
      writeFileSync(join(root, 'enabled_plugins'), '[].\n');
      writeFileSync(
        join(root, 'rabbitmq.conf'),
        [
          `listeners.tcp.local = 127.0.0.1:${node.port}`,
          'loopback_users.guest = true',
          'disk_free_limit.absolute = 50MB',
          'log.console = false',
          'log.file.level = info',
          ...(options.consumerTimeoutMs === undefined ? [] : [`consumer_timeout = ${options.consumerTimeoutMs}`]),
          '',
        ].join('\n'),
      );
      if (options.consumerTimeoutMs !== undefined) writeFileSync(join(root, 'advanced.config'), '[{rabbit, [{channel_tick_interval, 500}]}].\n');
      // Our own env file, so /etc/rabbitmq/rabbitmq-env.conf (NODENAME=rabbit@localhost) is not read.
      writeFileSync(
        join(root, 'rabbitmq-env.conf'),
        [`NODENAME=${nodename}`, 'ERL_EPMD_ADDRESS=127.0.0.1', 'export ERL_FLAGS="-kernel inet_dist_use_interface {127,0,0,1}"', ''].join('\n'),
      );
      execFileSync('chown', ['-R', `${uid}:${gid}`, root]);
      const out = openSync(join(root, 'log', 'startup.log'), 'a');
      const child = spawn('runuser', ['-u', 'rabbitmq', '--', RABBITMQ_SERVER], {
        cwd: root,
        detached: true,
        stdio: ['ignore', out, out],
        env: { ...node.serverEnv(), PATH: process.env.PATH ?? '/usr/bin:/bin' },
      });
      closeSync(out);
      child.unref();
      child.on('error', () => undefined);
      await until(async () => portAccepts(node.port), 30_000, `RabbitMQ ${nodename} on ${node.port} (log: ${join(root, 'log')})`, 200);
      await until(async () => (await node.ctl('status'), true), 20_000, `rabbitmqctl -n ${nodename} status`, 300);
      await node.applyPolicies();
      return node;
    } catch (error) {
      await node.destroy().catch(() => undefined);
      throw error;
    }
  }

  private serverEnv(): Record<string, string> {
    return {
      HOME: '/var/lib/rabbitmq',
      LANG: 'C.UTF-8',
      LC_ALL: 'C.UTF-8',
      RABBITMQ_CONF_ENV_FILE: join(this.root, 'rabbitmq-env.conf'),
      RABBITMQ_NODENAME: this.nodename,
      RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
      RABBITMQ_NODE_PORT: String(this.port),
      RABBITMQ_DIST_PORT: String(this.distPort),
      RABBITMQ_MNESIA_BASE: join(this.root, 'mnesia'),
      RABBITMQ_LOG_BASE: join(this.root, 'log'),
      RABBITMQ_CONFIG_FILE: join(this.root, 'rabbitmq.conf'),
      RABBITMQ_ADVANCED_CONFIG_FILE: join(this.root, 'advanced.config'),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(this.root, 'enabled_plugins'),
      RABBITMQ_PID_FILE: join(this.root, 'rabbit.pid'),
      ERL_EPMD_ADDRESS: '127.0.0.1',
    };
  }

  /** `rabbitmqctl -q -n <node> ...args`; resolves with stdout. */
  async ctl(...args: string[]): Promise<string> {
    const { stdout } = await run(RABBITMQCTL, ['-q', '-n', this.nodename, ...args], { timeout: 60_000 });
    return stdout;
  }

  /** The service's two policies, applied by scripts/rabbitmq-policies.sh aimed at this node. */
  async applyPolicies(vhost = '/'): Promise<void> {
    // The script calls plain `rabbitmqctl`, which honours RABBITMQ_NODENAME (the Debian wrapper keeps the
    // environment). Verified below: if the policies are not on *this* node, fail rather than guess.
    await run('bash', [join(REPO_ROOT, 'scripts/rabbitmq-policies.sh'), vhost], {
      timeout: 60_000,
      env: { ...process.env, RABBITMQ_NODENAME: this.nodename },
    });
    const names = await this.policyNames(vhost);
    if (!names.includes(SERVICE_QUEUE_POLICY) || !names.includes(SERVICE_EXCHANGE_POLICY)) {
      throw new Error(`policies not applied on ${this.nodename}: ${names.join(', ')}`);
    }
  }

  async policyNames(vhost = '/'): Promise<string[]> {
    const out = await this.ctl('list_policies', '-p', vhost, '--formatter', 'json');
    return (JSON.parse(out) as Array<{ name: string }>).map((p) => p.name);
  }

  async stopApp(): Promise<void> {
    await this.ctl('stop_app');
  }

  /** start_app, resolving once the AMQP port accepts connections again. */
  async startApp(): Promise<void> {
    await this.ctl('start_app');
    await until(async () => portAccepts(this.port), 30_000, `AMQP port ${this.port} after start_app`);
  }

  async closeAllConnections(reason = 'fault injection'): Promise<void> {
    await this.ctl('close_all_connections', reason);
  }

  /** e.g. setDiskFreeLimit('10000GB') raises the disk alarm; setDiskFreeLimit('50MB') clears it. */
  async setDiskFreeLimit(limit: number | string): Promise<void> {
    await this.ctl('set_disk_free_limit', String(limit));
  }

  /** Raises the disk alarm: a free-disk limit far above the disk's size. */
  async raiseDiskAlarm(): Promise<void> {
    await this.setDiskFreeLimit('100000GB');
  }

  async clearDiskAlarm(): Promise<void> {
    await this.setDiskFreeLimit('50MB');
  }

  /** Ready and unacknowledged counts per queue on a vhost. */
  async queueCounts(vhost = '/'): Promise<Map<string, { ready: number; unacked: number }>> {
    const out = await this.ctl('list_queues', '-p', vhost, 'name', 'messages_ready', 'messages_unacknowledged', '--no-table-headers');
    const counts = new Map<string, { ready: number; unacked: number }>();
    for (const line of out.split('\n').filter(Boolean)) {
      const [name, ready, unacked] = line.split('\t');
      if (name) counts.set(name, { ready: Number(ready), unacked: Number(unacked) });
    }
    return counts;
  }

  /**
   * Pids of this node's processes: the pid file's beam.smp plus every process whose environment
   * carries our unique RABBITMQ_NODENAME (beam.smp, erl_child_setup, the runuser/sh wrappers),
   * except a shared epmd.
   */
  pids(): number[] {
    const pids = new Set<number>();
    const file = join(this.root, 'rabbit.pid');
    if (existsSync(file)) {
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (pid > 0 && alive(pid)) pids.add(pid);
    }
    const marker = `RABBITMQ_NODENAME=${this.nodename}\0`;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
      try {
        if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'epmd') continue;
        if (readFileSync(`/proc/${entry}/environ`, 'latin1').includes(marker)) pids.add(Number(entry));
      } catch {
        /* gone or not ours to read */
      }
    }
    return [...pids];
  }

  /** Stops the node (rabbitmqctl stop), kills what is left, removes the directory. Idempotent. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    const pids = [...new Set(this.pids())];
    await this.ctl('stop').catch(() => undefined);
    await until(async () => pids.every((p) => !alive(p)), 15_000, 'the node to exit').catch(() => undefined);
    for (const pid of [...new Set([...pids, ...this.pids()])]) {
      for (const child of childrenOf(pid)) signal(child, 'SIGKILL');
      signal(pid, 'SIGKILL');
    }
    rmSync(this.root, { recursive: true, force: true });
    this.unregister();
  }

  private killSync(): void {
    for (const pid of this.pids()) {
      for (const child of childrenOf(pid)) signal(child, 'SIGKILL');
      signal(pid, 'SIGKILL');
    }
    rmSync(this.root, { recursive: true, force: true });
  }
}
