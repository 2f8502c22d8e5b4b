import { randomUUID } from 'node:crypto';
import type { DeadLetters } from '../../src/application/ports/dead-letters.js';
import { type DeadLetterFilter, type DeadLetterMessage, type DeadLetterPosition, type ReplayCandidate, type ReplayState, replayHeaders } from '../../src/domain/dead-letter.js';
import type { Draft } from './fakes.js';

export type StoredDeadLetter = DeadLetterMessage & { readonly id: string; readonly createdAt: Date; readonly replayedAt: Date | null };

function matches(d: StoredDeadLetter, f: DeadLetterFilter): boolean {
  return (f.reason === null || d.reason === f.reason) && (f.routingKey === null || d.routingKey === f.routingKey) && (f.from === null || d.createdAt >= f.from) && (f.to === null || d.createdAt <= f.to);
}

/** The dead_letters table in memory; a replay writes its outbox row as the real one does. */
export class FakeDeadLetters implements DeadLetters {
  constructor(private readonly draft: Draft) {}

  async add(id: string, message: DeadLetterMessage, at: Date): Promise<'stored' | 'duplicate'> {
    if ([...this.draft.deadLetters.values()].some((d) => d.messageKey === message.messageKey)) return 'duplicate';
    this.draft.set('deadLetters', id, { ...message, id, createdAt: at, replayedAt: null });
    return 'stored';
  }

  async lockForReplay(id: string): Promise<ReplayState | null> {
    const found = this.draft.deadLetters.get(id);
    return found ? { id, routingKey: found.routingKey, exchange: found.exchange, replayedAt: found.replayedAt, bodyTruncated: found.bodyTruncated } : null;
  }

  async lockReplayable(filter: DeadLetterFilter, before: DeadLetterPosition | null, limit: number): Promise<ReplayCandidate[]> {
    const after = (d: StoredDeadLetter) => before === null || d.createdAt < before.createdAt || (d.createdAt.getTime() === before.createdAt.getTime() && d.id < before.id);
    return [...this.draft.deadLetters.values()]
      .filter((d) => d.replayedAt === null && !d.bodyTruncated && (filter.includeReplays || d.replayOf === null) && matches(d, filter) && after(d))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id.localeCompare(a.id))
      .slice(0, limit)
      .map((d) => ({ id: d.id, createdAt: d.createdAt, routingKey: d.routingKey, exchange: d.exchange, bodySize: d.bodySize }));
  }

  async replay(ids: readonly string[], at: Date): Promise<number> {
    const chosen = [...this.draft.deadLetters.values()].filter((d) => d.replayedAt === null && !d.bodyTruncated && ids.includes(d.id));
    for (const d of chosen) {
      this.draft.set('deadLetters', d.id, { ...d, replayedAt: at });
      const raw = { body: d.body, headers: replayHeaders(d.headers, d.id), messageId: d.properties.messageId ?? null, contentType: d.properties.contentType ?? null };
      const eventId = randomUUID();
      this.draft.set('outbox', eventId, { eventId, className: d.properties.type ?? '', routingKey: d.routingKey, correlationId: d.properties.correlationId ?? null, body: {}, raw, createdAt: at, publishedAt: null });
    }
    return chosen.length;
  }

  async discard(id: string): Promise<boolean> {
    if (!this.draft.deadLetters.has(id)) return false;
    this.draft.delete('deadLetters', id);
    return true;
  }
}
