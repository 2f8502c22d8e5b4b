import { expect } from 'chai';
import { replayDeadLetters } from '../../../src/application/handlers/dead-letter.handlers.js';
import { auditedDeadLetterCommands } from '../../../src/application/handlers/audited-dead-letters.js';
import { DeadLetterReplay, UNROUTABLE_LISTED } from '../../../src/application/operations/dead-letter-replay.js';
import type { UnitOfWork } from '../../../src/application/ports/unit-of-work.js';
import type { AuditEntry } from '../../../src/domain/audit.js';
import type { Command } from '../../../src/domain/commands.js';
import type { DeadLetterPosition, ReplayCandidate } from '../../../src/domain/dead-letter.js';
import { FakeClock } from '../../support/fakes.js';

const NO_FILTER = { reason: null, routingKey: null, from: null, to: null };
const UNROUTABLE = 50_000;

/** 50,000 dead letters no binding routes (500 routing keys), newest first, then 10 the service's bindings route. */
function rows(): ReplayCandidate[] {
  const at = (n: number) => new Date(Date.UTC(2026, 10, 29) - n * 1000);
  const unroutable = Array.from({ length: UNROUTABLE }, (_, n) => ({ id: `u-${n}`, createdAt: at(n), routingKey: `billing.${n % 500}`, exchange: 'notification.events', bodySize: 10 }));
  const routed = Array.from({ length: 10 }, (_, n) => ({ id: `r-${n}`, createdAt: at(UNROUTABLE + n), routingKey: 'user.registered', exchange: 'notification.events', bodySize: 10 }));
  return [...unroutable, ...routed];
}

/** The chunk handler (audited, as the container wires it) over rows in memory: counts its transactions and audit entries. */
function world() {
  const table = rows();
  const index = new Map(table.map((row, i) => [row.id, i]));
  const after = (before: DeadLetterPosition | null) => (before === null ? 0 : index.get(before.id)! + 1);
  const audit: AuditEntry[] = [];
  let replayed = 0;
  const uow = {
    deadLetters: {
      lockReplayable: async (_f: unknown, before: DeadLetterPosition | null, limit: number) => table.slice(after(before), after(before) + limit),
      replay: async (ids: readonly string[]) => (replayed += ids.length, ids.length),
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
  const readModel = { countReplayable: async (_f: unknown, cap: number, before: DeadLetterPosition | null = null) => Math.min(cap, table.length - after(before)) };
  return { replay: new DeadLetterReplay(bus, readModel), audit, stats: () => ({ transactions, replayed }) };
}

describe('DeadLetterReplay over 50,000 unroutable dead letters', () => {
  it('looks at 10,000 per call at most (100 chunks), audits no chunk that replayed none, and names at most 100 routing keys', async () => {
    const { replay, audit, stats } = world();
    const result = await replay.run({ filter: NO_FILTER, bindings: ['user.#', 'order.#'], actor: 'key-1' });
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
