/** The harness's knobs, all from the environment (see docs/benchmarks.md, "Reproduce"). */
export const ALL_PHASES = ['raw', 'e2e', 'latency', 'backlog', 'schedules', 'history', 'search', 'analytics', 'mixed', 'ws', 'soak'] as const;
export type Phase = (typeof ALL_PHASES)[number];

export interface BenchConfig {
  /** Phases asked for; `e2e` also runs (shortened) when latency, backlog, schedules or soak need its maximum. */
  readonly phases: readonly Phase[];
  readonly events: number;
  readonly backlog: number;
  /** Every-minute schedules of the schedules phase, and one-off schedules due at the same minute. */
  readonly schedulesRecurring: number;
  readonly schedulesOneOff: number;
  readonly historyRows: number;
  readonly latencySeconds: number;
  readonly soakSeconds: number;
  readonly rawSmtpMessages: number;
  readonly rawRabbitmqMessages: number;
  readonly rawPostgresSeconds: number;
  readonly rawPipelineEvents: number;
  readonly historySeconds: number;
  /** Notifications the search phase seeds, and seconds each of its cases is measured at its fixed rate. */
  readonly searchRows: number;
  readonly searchSeconds: number;
  /** Events of the mixed phase's measured batch, and messages of each raw provider loop. */
  readonly mixedEvents: number;
  readonly mixedRawMessages: number;
  /** WebSocket streams opened to one instance in the ws phase, and events in its burst (each reaching every stream). */
  readonly wsClients: number;
  readonly wsEvents: number;
}

function int(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

function phases(): Phase[] {
  const raw = process.env.BENCH_PHASES;
  // The soak is `make bench-soak`, never part of the default run.
  if (!raw) return ALL_PHASES.filter((p) => p !== 'soak');
  const asked = raw.split(',').map((p) => p.trim()).filter(Boolean);
  for (const p of asked) if (!(ALL_PHASES as readonly string[]).includes(p)) throw new Error(`BENCH_PHASES: unknown phase "${p}" (known: ${ALL_PHASES.join(', ')})`);
  return ALL_PHASES.filter((p) => asked.includes(p));
}

/** The mixed phase's default batch: BENCH_EVENTS, at most this many (a few thousand per channel's quarter is plenty). */
const MIXED_EVENTS_AT_MOST = 4_000;

export function readConfig(): BenchConfig {
  const events = int('BENCH_EVENTS', 20_000);
  return {
    phases: phases(),
    events,
    backlog: int('BENCH_BACKLOG', 100_000),
    schedulesRecurring: int('BENCH_SCHEDULES_RECURRING', 1_000),
    schedulesOneOff: int('BENCH_SCHEDULES_ONE_OFF', 100_000),
    historyRows: int('BENCH_HISTORY_ROWS', 1_000_000),
    latencySeconds: int('BENCH_LATENCY_SECONDS', 20),
    soakSeconds: int('BENCH_SOAK_SECONDS', 600),
    rawSmtpMessages: int('BENCH_RAW_SMTP_MESSAGES', 5_000),
    rawRabbitmqMessages: int('BENCH_RAW_RABBITMQ_MESSAGES', 20_000),
    rawPostgresSeconds: int('BENCH_RAW_POSTGRES_SECONDS', 5),
    rawPipelineEvents: int('BENCH_RAW_PIPELINE_EVENTS', 10_000),
    historySeconds: int('BENCH_HISTORY_SECONDS', 15),
    searchRows: int('BENCH_SEARCH_ROWS', 1_000_000),
    searchSeconds: int('BENCH_SEARCH_SECONDS', 10),
    mixedEvents: int('BENCH_MIXED_EVENTS', Math.min(events, MIXED_EVENTS_AT_MOST)),
    mixedRawMessages: int('BENCH_MIXED_RAW_MESSAGES', 5_000),
    wsClients: int('BENCH_WS_CLIENTS', 5_000),
    wsEvents: int('BENCH_WS_EVENTS', 50),
  };
}
