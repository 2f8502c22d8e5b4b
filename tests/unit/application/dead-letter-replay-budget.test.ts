import { expect } from 'chai';
import { replayDeadLetters } from '../../../src/application/handlers/dead-letter.handlers.js';
import { auditedDeadLetterCommands } from '../../../src/application/handlers/audited-dead-letters.js';
import { DeadLetterReplay, UNROUTABLE_LISTED } from '../../../src/application/operations/dead-letter-replay.js';
import { DeadLettersQuery } from '../../../src/application/queries/dead-letters.query.js';
import type { DeadLetterReadModel } from '../../../src/application/ports/dead-letters.js';
import type { UnitOfWork } from '../../../src/application/ports/unit-of-work.js';
import type { AuditEntry } from '../../../src/domain/audit.js';
import type { Command } from '../../../src/domain/commands.js';
import type { DeadLetterPosition, ReplayCandidate } from '../../../src/domain/dead-letter.js';
import { FakeClock } from '../../support/fakes.js';

const NO_FILTER = { reason: null, routingKey: null, from: null, to: null };
const BINDINGS = ['user.#', 'order.#'];
const at = (n: number) => new Date(Date.UTC(2026, 10, 29) - n * 1000);

/** `unroutable` dead letters no binding routes (`keys` routing keys), newest first, then `routed` ones the service's bindings route. */
function rows(unroutable: number, keys: number, routed: ReadonlyArray<Pick<ReplayCandidate, 'routingKey' | 'exchange'>>): ReplayCandidate[] {
  const skipped = Array.from({ length: unroutable }, (_, n) => ({ id: `u-${n}`, createdAt: at(n), routingKey: `billing.${n % keys}`, exchange: 'notification.events', bodySize: 10 }));
  const taken = routed.map((r, n) => ({ id: `r-${n}`, createdAt: at(unroutable + n), bodySize: 10, ...r }));
  return [...skipped, ...taken];
}

/**
 * The chunk handler (audited, as the container wires it) over rows in memory, with the read model
 * over the same rows: counts its transactions and audit entries. `keysRead`: whether the read before
 * the walk sees the routing keys (false: as for keys past its bound, every row is checked in the walk).
 */
function world(table: readonly ReplayCandidate[], keysRead = true) {
  const index = new Map(table.map((row, i) => [row.id, i]));
  const replayed = new Set<string>();
  const visible = (before: DeadLetterPosition | null, excludedKeys: readonly string[] = []) =>
    table
      .slice(before === null ? 0 : index.get(before.id)! + 1)
      .filter((row) => !replayed.has(row.id) && (row.exchange === '' || !excludedKeys.includes(row.routingKey)));
  const audit: AuditEntry[] = [];
  const uow = {
    deadLetters: {
      lockReplayable: async (_f: unknown, before: DeadLetterPosition | null, limit: number, excludedKeys?: readonly string[]) => visible(before, excludedKeys).slice(0, limit),
      replay: async (ids: readonly string[]) => (ids.forEach((id) => replayed.add(id)), ids.length),
    },
    audit: { record: async (entry: AuditEntry) => void audit.push(entry) },
  } as unknown as UnitOfWork;
  const clock = new FakeClock();
  const handler = auditedDeadLetterCommands(clock, { ReplayDeadLetters: replayDeadLetters(clock) } as never).ReplayDeadLetters;
  let transactions = 0;
  const bus = {
    handle: async (command: Command) => {
      transactions++;
      return handler(command as Extract<Command, { type: 'ReplayDeadLetters' }>, uow);
    },
  } as never;
  const readModel = {
    countReplayable: async (_f: unknown, cap: number, before: DeadLetterPosition | null = null, excludedKeys?: readonly string[]) => Math.min(cap, visible(before, excludedKeys).length),
    replayableRoutingKeys: async (_f: unknown, max: number) =>
      keysRead ? [...new Set(visible(null).filter((row) => row.exchange !== '').map((row) => row.routingKey))].sort().slice(0, max) : [],
  } as unknown as DeadLetterReadModel;
  return { replay: new DeadLetterReplay(bus, readModel), query: new DeadLettersQuery(readModel), audit, stats: () => ({ transactions, replayed: replayed.size }) };
}

describe('DeadLetterReplay over 50,000 unroutable dead letters', () => {
  it('looks at 10,000 per call at most (100 chunks) when the read before the walk names none of their keys, audits no chunk that replayed none, and names at most 100 routing keys', async () => {
    const { replay, audit, stats } = world(rows(50_000, 500, Array(10).fill({ routingKey: 'user.registered', exchange: 'notification.events' })), false);
    const result = await replay.run({ filter: NO_FILTER, bindings: BINDINGS, actor: 'key-1' });
    expect(stats()).to.deep.equal({ transactions: 100, replayed: 0 });
    expect(audit).to.deep.equal([]);
    expect({ count: result.count, remaining: result.remaining, listed: result.unroutable.length, capped: result.unroutableCapped }).to.deep.equal({
      count: 0,
      remaining: 10_000,
      listed: UNROUTABLE_LISTED,
      capped: true,
    });
    expect(result.unroutable.slice(0, 3)).to.deep.equal(['billing.0', 'billing.1', 'billing.2']);
  });
});

describe('DeadLetterReplay behind 12,000 unroutable dead letters', () => {
  // 45 the bindings route, and 5 published over REST (the default exchange) with a key no binding routes: those go back to the own queue.
  const routed = [...Array(45).fill({ routingKey: 'user.registered', exchange: 'notification.events' }), ...Array(5).fill({ routingKey: 'billing.0', exchange: '' })];

  it('leaves out, before its walk, the dead letters of routing keys no binding routes: one call replays the 50 routable ones behind them', async () => {
    const { replay, audit, stats } = world(rows(12_000, 40, routed));
    const result = await replay.run({ filter: NO_FILTER, bindings: BINDINGS, actor: 'key-1' });
    expect(stats()).to.deep.equal({ transactions: 1, replayed: 50 });
    expect(audit.map((e) => (e.target.detail as { count: number }).count)).to.deep.equal([50]);
    expect(result).to.deep.include({ count: 50, remaining: 0, unroutableCapped: false });
    expect(result.unroutable).to.have.length(40);
    expect(result.unroutable.slice(0, 3)).to.deep.equal(['billing.0', 'billing.1', 'billing.10']);
  });

  it('counts in a dry run what a run would replay, those of the unroutable keys left out', async () => {
    const { query, stats } = world(rows(12_000, 40, routed));
    expect(await query.replayable(NO_FILTER, BINDINGS)).to.equal(50);
    expect(await query.replayable(NO_FILTER, null), 'no bindings known: no check').to.equal(10_000);
    expect(stats().transactions).to.equal(0);
  });
});
