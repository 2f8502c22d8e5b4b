import { randomUUID } from 'node:crypto';
import type { DeadLetters, ReplaySelection } from '../../src/application/ports/dead-letters.js';
import { DEATH_HEADERS, type DeadLetterFilter, type DeadLetterMessage, REPLAYED_FROM_HEADER, type ReplayState } from '../../src/domain/dead-letter.js';
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
    return found ? { id, replayedAt: found.replayedAt, bodyTruncated: found.bodyTruncated } : null;
  }

  async replay(selection: ReplaySelection, at: Date): Promise<number> {
    const replayable = [...this.draft.deadLetters.values()]
      .filter((d) => d.replayedAt === null && !d.bodyTruncated)
      .filter((d) => ('ids' in selection ? selection.ids.includes(d.id) : matches(d, selection.filter)))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id.localeCompare(a.id));
    const chosen = 'ids' in selection ? replayable : replayable.slice(0, selection.limit);
    for (const d of chosen) {
      this.draft.set('deadLetters', d.id, { ...d, replayedAt: at });
      const headers = Object.fromEntries(Object.entries(d.headers).filter(([key]) => !DEATH_HEADERS.includes(key)));
      const raw = { body: d.body, headers: { ...headers, [REPLAYED_FROM_HEADER]: d.id }, messageId: d.properties.messageId ?? null, contentType: d.properties.contentType ?? null };
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
