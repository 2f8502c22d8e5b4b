/** The JSON the harness writes (bench/results/*.json); docs/benchmarks.md is rendered from it. */

export interface Meta {
  readonly date: string;
  readonly runId: string;
  readonly machine: { readonly cpu: string; readonly cores: number; readonly memoryGb: number; readonly os: string };
  readonly versions: Readonly<Record<string, string>>;
  readonly git: { readonly commit: string; readonly dirty: boolean };
  readonly settings: Readonly<Record<string, string | number>>;
}

export interface SmtpBound {
  readonly messages: number;
  readonly messageBytes: number;
  readonly byConnections: ReadonlyArray<{ readonly connections: number; readonly rate: number }>;
  readonly best: { readonly connections: number; readonly rate: number };
}

export interface RabbitmqBound {
  readonly messages: number;
  readonly messageBytes: number;
  readonly prefetch: number;
  readonly publishConfirmRate: number;
  readonly consumeAckRate: number;
}

export interface PostgresBound {
  readonly connections: number;
  readonly seconds: number;
  readonly transactions: number;
  readonly rate: number;
}

export interface RawBounds {
  readonly smtp: SmtpBound;
  readonly rabbitmq: RabbitmqBound;
  readonly postgres: PostgresBound;
  /** Absent in results written before it was measured. */
  readonly pipeline?: PipelineBound;
}

/** A stream of events through a consumer (the service, or the bare pipeline) until every email and outcome is out. */
export interface PipelineRun {
  readonly events: number;
  readonly warmupEvents: number;
  readonly seconds: number;
  readonly throughput: number;
  readonly failed: number;
  readonly avgEmailBytes: number;
  /** Write transactions (transaction ids assigned, whole server) per event. */
  readonly writeTransactionsPerEvent: number;
  /** CPU time of the consumer's process (user + system) per event. */
  readonly cpuMsPerEvent: number;
  /** Share of the machine's CPU time (all cores) that was busy during the run. */
  readonly machineBusyPercent: number;
}

export interface E2eResult extends PipelineRun {
  /** Run only to give latency/backlog/soak their maximum, with fewer events than BENCH_EVENTS. */
  readonly shortened: boolean;
}

/**
 * The bare pipeline: the durable work of every event (consume, inbox + preference read +
 * notification in one transaction, ack, SMTP, outcome + outbox row, outcome publish) done by a
 * plain loop with the same libraries and servers and none of the service's code.
 */
export interface PipelineBound extends PipelineRun {
  readonly smtpConnections: number;
  readonly prefetch: number;
}

export interface LatencyFigures {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

export interface LatencyResult extends LatencyFigures {
  readonly percentOfMax: number;
  readonly offeredRate: number;
  readonly achievedRate: number;
  readonly events: number;
  readonly failed: number;
}

export interface BacklogResult {
  readonly events: number;
  readonly startupSeconds: number;
  readonly drainSeconds: number;
  readonly rate: number;
  readonly failed: number;
}

/**
 * Scheduled sends: `recurring` every-minute schedules and `oneOff` one-off ones, all due at the same
 * minute boundary (`dueAt`), inserted while the service was stopped, the service started before it.
 */
export interface SchedulesResult {
  readonly recurring: number;
  readonly oneOff: number;
  /** recurring + oneOff: the occurrences due at `dueAt`. */
  readonly occurrences: number;
  readonly dueAt: string;
  readonly insertSeconds: number;
  readonly serviceUpBeforeDueSeconds: number;
  /** From `dueAt` to the last of the occurrences' emails at the sink and outcome events captured. */
  readonly seconds: number;
  /** Occurrences fired and delivered per second: occurrences / seconds. */
  readonly rate: number;
  /** The first occurrence's firing (its fired_at) after `dueAt`. */
  readonly firstFiringLatenessMs: number;
  /** The first email's acceptance at the sink after `dueAt`. */
  readonly firstEmailLatenessMs: number;
  /** From `dueAt` to the last occurrence's firing (fired_at), and occurrences / that: the firing loop alone. */
  readonly firingSeconds: number;
  readonly firingRate: number;
  /** `notification.failed` outcomes. */
  readonly failed: number;
  /** schedule_occurrences rows keyed at `dueAt` (occurrences expected). */
  readonly occurrencesRecorded: number;
  readonly refused: number;
  /** Distinct occurrence keys (`<schedule id>@<dueAt>`) among the notifications' sources. */
  readonly keyedNotifications: number;
  /** Occurrences without a notification keyed by them. */
  readonly missing: number;
  /** Notifications beyond one per occurrence key, all occurrences. */
  readonly duplicateNotifications: number;
  /** Emails at the sink beyond one per occurrence. */
  readonly duplicateEmails: number;
  /** Later occurrences of the recurring schedules fired before their minute (must be none). */
  readonly repeatsTooEarly: number;
  /** Later occurrences of the recurring schedules (due at dueAt + 1 min and after), fired because the measurement lasted past them. */
  readonly laterOccurrences: number;
  readonly laterOccurrencesDuringMeasurement: number;
  /** Every occurrence at `dueAt` recorded once, with one notification and one email, none refused, none repeated early. */
  readonly exactlyOnce: boolean;
}

export interface HttpFigures {
  readonly maxRps: number;
  readonly fixedRate: number;
  readonly achievedRps: number;
  readonly p50: number;
  readonly p99: number;
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
}

export interface HistoryResult {
  readonly rows: number;
  readonly users: number;
  readonly seconds: number;
  readonly service: HttpFigures;
  readonly baseline: HttpFigures;
  /** p99 of the history endpoint / p99 of the baseline, both at the fixed rate. */
  readonly p99Ratio: number;
}

/** One case of the search phase at the fixed rate. */
export interface SearchCase extends Omit<HttpFigures, 'maxRps' | 'fixedRate'> {
  readonly name: string;
  /** One of the paths drawn (each request draws its own values). */
  readonly example: string;
  /** One connection, one request after another: the latency a console sees. */
  readonly oneAtATime: { readonly p50: number; readonly p99: number; readonly requests: number };
}

export interface SearchResult {
  readonly rows: number;
  /** Notifications in the table when measured: the phase's and any an earlier phase of the run left. */
  readonly tableRows: number;
  readonly seconds: number;
  /** Requests per second of each case. */
  readonly rate: number;
  /** GET /notifications with each filter. */
  readonly cases: readonly SearchCase[];
  /** GET /notifications/{id}: the primary-key lookup, with the detail's links, events and render. */
  readonly byId: SearchCase;
  readonly baseline: SearchCase;
}

export interface SoakResult extends LatencyFigures {
  readonly seconds: number;
  readonly rate: number;
  readonly events: number;
  readonly failed: number;
  readonly samples: ReadonlyArray<{ readonly atSeconds: number; readonly rssMb: number }>;
  readonly firstMb: number;
  /** Mean of the three samples around the middle of the soak. */
  readonly midMb: number;
  /** Mean of the last three samples. */
  readonly lastMb: number;
  readonly maxMb: number;
  /** RSS growth over the second half of the soak (the first half absorbs heap warm-up), per cent. */
  readonly secondHalfGrowthPct: number;
}

/** One channel's fake driven by a bare client loop at the service's concurrency (bench/raw-clients/). */
export interface ProviderBound {
  readonly channel: string;
  /** The client's connection pool (the service's default for the channel). */
  readonly connections: number;
  /** Requests/s with the loop alone on the machine. */
  readonly alone: number;
  /** Requests/s of this channel's loop while the four loops ran at once. */
  readonly together: number;
}

/** One channel of the mixed phase. */
export interface MixedChannel {
  readonly channel: string;
  /** Events of the measured batch on this channel. */
  readonly events: number;
  /** Distinct recipients of the measured batch that reached the provider (its fake or the SMTP sink). */
  readonly delivered: number;
  /** Events of the open-loop batch on this channel. */
  readonly latencyEvents: number;
  /** Acceptances at the provider beyond one per recipient (both batches). */
  readonly duplicates: number;
  /** Events whose recipient never reached the provider (both batches). */
  readonly missing: number;
  readonly failed: number;
  /** Attempts recorded `ambiguous` (the provider may have it): what may explain a duplicate. */
  readonly ambiguousAttempts: number;
  /** Seconds from the first publish to this channel's last delivery, and events / that. */
  readonly seconds: number;
  readonly rate: number;
  readonly raw: ProviderBound;
  /** rate / raw.alone. */
  readonly ratioToRaw: number;
  /** Publish → acceptance at the provider, open loop at `latencyPercentOfMax` of the batch's rate. */
  readonly latency: LatencyFigures;
}

/**
 * The mixed phase: `request.notification` events in rotation to email, SMS, push and webhook, the
 * HTTP providers' fakes in a process of their own (bench/provider-fakes.ts); a batch published at
 * once for the rates, then an open-loop batch for latencies.
 */
export interface MixedResult {
  readonly events: number;
  readonly warmupEvents: number;
  readonly sendsInFlight: number;
  /** From the first publish to the last delivery or outcome of the batch, and events / that. */
  readonly seconds: number;
  readonly throughput: number;
  readonly failed: number;
  readonly cpuMsPerEvent: number;
  readonly fakesCpuMsPerEvent: number;
  /** Peak RSS (VmHWM) of the fakes' process over the whole phase, raw loops included. */
  readonly fakesPeakRssMb: number;
  readonly machineBusyPercent: number;
  readonly rawMessages: number;
  /** Requests/s of the four raw loops together. */
  readonly rawTogether: number;
  readonly emailBytes: { readonly service: number; readonly raw: number };
  readonly latencyPercentOfMax: number;
  readonly latencyOfferedRate: number;
  readonly latencyAchievedRate: number;
  readonly latencyEvents: number;
  readonly channels: readonly MixedChannel[];
  /** Every event of both batches delivered once, none failed, none missing. */
  readonly exactlyOnce: boolean;
}

/** Commit (the outcome event's timestamp) → receipt at a WebSocket client, over every client's receipts of a burst. */
export interface WsLatency {
  /** Events × clients. */
  readonly expected: number;
  readonly receipts: number;
  /** Clients left with fewer frames than the best one (a dropped client, a lost message). */
  readonly behind: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface WsRss {
  readonly before: number;
  readonly connected: number;
  readonly afterBroadcast: number;
}

/** The ws phase: admin streams on one instance, a burst fanned out to all, beside a bare `ws` server doing the same. */
export interface WsResult {
  readonly clients: number;
  /** Events per burst, and bursts per target (the figures are over all their receipts). */
  readonly events: number;
  readonly rounds: number;
  readonly warmupEvents: number;
  /** Seconds to open every stream to the service (200 handshakes at a time). */
  readonly connectSeconds: number;
  readonly service: WsLatency;
  readonly baseline: WsLatency;
  /** service.p99 / baseline.p99. */
  readonly p99Ratio: number;
  /** VmRSS, MB. */
  readonly serviceRssMb: WsRss;
  readonly baselineRssMb: WsRss;
  /** (connected − before) / clients, KB. */
  readonly rssPerConnectionKb: { readonly service: number; readonly baseline: number };
  /** CPU time over the bursts, ms: the service (delivering and fanning out), the bare server (fanning out the replay), the clients' process (the larger of its two runs). */
  readonly cpuMs: { readonly service: number; readonly baseline: number; readonly clients: number };
  /** CPU time per receipt, µs: the service's (everything it did), the bare server's. */
  readonly cpuUsPerReceipt: { readonly service: number; readonly baseline: number };
  readonly slowClientsDropped: number;
}

export interface Goal {
  readonly name: string;
  readonly target: string;
  readonly value: number | null;
  readonly unit: string;
  /** null: not measured in this run. */
  readonly pass: boolean | null;
}

/** Requests sent one after another; latencies in ms. */
export interface SequentialFigures {
  readonly requests: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly non2xx: number;
}

export interface AnalyticsWindowFigures {
  readonly label: string;
  readonly path: string;
  /** The summary's total: outcomes in the window. */
  readonly notifications: number;
  /** Aggregate rows in both tables. */
  readonly rows: number;
  readonly service: SequentialFigures;
  readonly baseline: SequentialFigures;
}

export interface AnalyticsResult {
  readonly windows: readonly AnalyticsWindowFigures[];
  /** Outcomes per measured transaction. */
  readonly batch: number;
  readonly transactionMsWithCounts: number;
  readonly transactionMsWithout: number;
  readonly extraMsPerBatch: number;
}

export interface BenchResult {
  readonly meta: Meta;
  raw?: RawBounds;
  e2e?: E2eResult;
  latency?: LatencyResult[];
  backlog?: BacklogResult;
  schedules?: SchedulesResult;
  history?: HistoryResult;
  search?: SearchResult;
  analytics?: AnalyticsResult;
  mixed?: MixedResult;
  soak?: SoakResult;
  ws?: WsResult;
  /** Peak RSS (VmHWM) of the service by phase, MB (the peak is reset between phases). */
  serviceRssMb?: Record<string, number>;
  goals?: Goal[];
}
