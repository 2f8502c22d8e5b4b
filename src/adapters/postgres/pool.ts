import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';
import { typeParsers } from './timestamps.js';

export interface PoolSettings {
  readonly url: string;
  readonly name: string;
  readonly max: number;
  readonly connectionTimeoutMs: number;
  readonly statementTimeoutMs: number;
  /** Client-side bound: fires even when the server hangs and cannot enforce statement_timeout. */
  readonly queryTimeoutMs: number;
  readonly onError: (error: Error) => void;
}

/**
 * A pg Client whose queries fail with "Query read timeout" when no answer has come within
 * `timeoutMs`; the connection is then destroyed (its server may still be working on the query, or
 * be frozen), so the pool replaces it instead of queueing the next query behind it.
 *
 * It replaces pg's `query_timeout` and its promise form (the form Kysely uses), which both kept every
 * query's rows reachable until a full mark-compact: a third of what a history request allocated
 * outlived two young-generation collections and was promoted (--trace-gc-nvp: promotion rate
 * 94-100 %), so the old generation filled with dead rows every few seconds. The callback form with
 * a promise of our own, and a timer that captures only the client, keep it under 1 %. A Submittable
 * (a cursor) is passed through untouched: it manages its own reads.
 */
export function clientWithReadTimeout(timeoutMs: number): typeof pg.Client {
  return class ReadTimeoutClient extends pg.Client {
    // Typed `never` to satisfy every overload of pg's query: it returns what that overload returns.
    override query(...args: unknown[]): never {
      const submit = (super.query as (...a: unknown[]) => unknown).bind(this);
      if (typeof (args[0] as { submit?: unknown } | null)?.submit === 'function') return submit(...args) as never;
      const callback = typeof args.at(-1) === 'function' ? (args.pop() as (error: Error | null, result: unknown) => void) : null;
      const timer = setTimeout(() => this.connection.stream.destroy(new Error('Query read timeout')), timeoutMs);
      const answered = (error: Error | null, result: unknown, settle: (error: Error | null, result: unknown) => void) => {
        clearTimeout(timer);
        settle(error, result);
      };
      try {
        if (callback) return submit(...args, (error: Error | null, result: unknown) => answered(error, result, callback)) as never;
        let settle: (error: Error | null, result: unknown) => void = () => undefined;
        const result = new Promise((resolve, reject) => {
          settle = (error, value) => (error ? reject(error) : resolve(value));
        });
        submit(...args, (error: Error | null, value: unknown) => answered(error, value, settle));
        return result as never;
      } catch (error) {
        // Refused before it was sent (pg throws on a missing query): nothing to time out.
        clearTimeout(timer);
        throw error;
      }
    }
  };
}

/** A Kysely over its own pg pool. Nothing connects until the first query (docs/architecture.md, rule 8). */
export function createDatabase(settings: PoolSettings): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: settings.url,
    max: settings.max,
    application_name: `notification-service:${settings.name}`,
    connectionTimeoutMillis: settings.connectionTimeoutMs,
    statement_timeout: settings.statementTimeoutMs,
    Client: clientWithReadTimeout(settings.queryTimeoutMs),
    idle_in_transaction_session_timeout: settings.statementTimeoutMs,
    idleTimeoutMillis: 30_000,
    types: typeParsers,
  });
  // A client losing its server emits 'error': the pool listens only while the client is idle, so
  // every client gets its own listener too; unhandled, the event would crash the process. The
  // query in flight still fails, with the connection error, and is retried by its caller.
  pool.on('error', settings.onError);
  pool.on('connect', (client) => client.on('error', settings.onError));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

const CONNECTION_FAILURE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE', 'ENOTFOUND']);

/**
 * SQLSTATEs that say "try later", not "this query is wrong": the same statement can succeed once
 * the server has a free connection, disk or memory, the lock or the conflicting transaction is gone,
 * an operator restored a grant, or a new primary accepts writes. Treated as bugs, they would be
 * requeued at once (burning the queue's delivery limit in seconds, so that healthy events get
 * dead-lettered), answered 500, or (the dead-letter mover) stored without their headers: every
 * caller waits and retries instead, and REST answers 503 with Retry-After. Whole classes: 08
 * (connection exception), 53 (insufficient resources: disk full 53100, out of memory 53200, too
 * many connections 53300), 57 (operator intervention: a statement timeout or cancel 57014, a
 * shutdown 57P01-57P03, a session timeout 57P05) but 57P04 (the database was dropped), 58 (system
 * error: an I/O error 58030).
 */
const TRY_LATER_CLASSES = ['08', '53', '57', '58'];
const TRY_LATER_CODES = new Set([
  '25P03', // idle-in-transaction timeout: the server closed the session
  '40001', // serialization failure
  '40P01', // deadlock detected: the other transaction won
  '25006', // read-only transaction: a standby or a demoted primary after a failover
  '55P03', // lock not available: lock_timeout, or NOWAIT, met a lock another transaction holds
  '42501', // insufficient privilege: a grant revoked or not yet given; the statement is right
]);
const NEVER_LATER_CODES = new Set(['57P04']); // database dropped

/**
 * What pg, pg-pool and clientWithReadTimeout say, with no code, when a connection is lost or never
 * came. Anchored: any other error text that merely mentions a timeout (a JSON parse error quoting
 * the body, say) must not read as "try later".
 */
const LOST_CONNECTION =
  /^(timeout exceeded when trying to connect|timeout expired|Query read timeout|Connection terminated( unexpectedly| due to connection timeout)?|Client (has encountered a connection error|was closed) and is not queryable)$/;

/** body-parser and express tag the errors a request causes with `type` or an HTTP status. */
function isHttpClientError(error: Error): boolean {
  const { type, status, statusCode } = error as { type?: unknown; status?: unknown; statusCode?: unknown };
  return typeof type === 'string' || typeof status === 'number' || typeof statusCode === 'number';
}

/**
 * Errors that mean the database cannot serve us now (as opposed to a bad query or a value it
 * refuses): socket errors, pool and query timeouts, and the SQLSTATE classes and codes above.
 */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (CONNECTION_FAILURE_CODES.has(code) || TRY_LATER_CODES.has(code)) return true;
    return TRY_LATER_CLASSES.includes(code.slice(0, 2)) && !NEVER_LATER_CODES.has(code);
  }
  return !isHttpClientError(error) && LOST_CONNECTION.test(error.message);
}

/**
 * 22021 (a NUL or a byte sequence invalid in UTF-8) and 22P05 (a \u0000 in jsonb): the value can
 * never be stored, however often it is tried. Input checks refuse such characters first; this
 * covers whatever they miss, so that it is refused at once instead of retried.
 */
export function isUnstorableText(error: unknown): boolean {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return code === '22021' || code === '22P05';
}

/**
 * The database refuses the values themselves, not the moment: SQLSTATE class 22 (data exception: a
 * value out of range, text it cannot store), 23 (a constraint) and 54 (a program limit: an index row
 * too large, JSON nested too deep). The same row is refused however often it is tried.
 */
export function isRefusedValue(error: unknown): boolean {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && ['22', '23', '54'].includes(code.slice(0, 2));
}

/** 23505: a unique or primary key constraint (this one, when named) refused the row. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (!(error instanceof Error)) return false;
  const { code, constraint: refusedBy } = error as { code?: unknown; constraint?: unknown };
  return code === '23505' && (constraint === undefined || refusedBy === constraint);
}
