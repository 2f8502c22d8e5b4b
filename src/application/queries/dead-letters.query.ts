import { type DeadLetterFilter, type DeadLetterPosition, REPLAY_CAP } from '../../domain/dead-letter.js';
import { DeadLetterNotFoundError, InvalidValueError } from '../../domain/errors.js';
import type { DeadLetterDetail, DeadLetterPage, DeadLetterPaging, DeadLetterReadModel } from '../ports/dead-letters.js';
import { checkPage } from './paging.js';

export const DEAD_LETTERS_DEFAULT_SIZE = 20;
export const DEAD_LETTERS_MAX_SIZE = 100;
/** Pages by number reach this many rows deep (an offset reads every row before it); past that, a cursor. */
export const DEAD_LETTERS_PAGE_DEPTH = 10_000;

/** A time range the wrong way round matches nothing: refused, so a typo is not read as "no dead letters". */
function checkRange(filter: DeadLetterFilter): void {
  if (filter.from && filter.to && filter.from > filter.to) throw new InvalidValueError('from', 'must not be after to');
}

/** Dead letters as the API reads them (the standby may lag a moment behind the mover). */
export class DeadLettersQuery {
  constructor(private readonly readModel: DeadLetterReadModel) {}

  list(filter: DeadLetterFilter, paging: DeadLetterPaging): Promise<DeadLetterPage> {
    checkPage('page' in paging ? paging.page : 1, paging.size, DEAD_LETTERS_MAX_SIZE);
    if ('page' in paging && paging.page * paging.size > DEAD_LETTERS_PAGE_DEPTH) {
      throw new InvalidValueError('page', `page × page_size must be at most ${DEAD_LETTERS_PAGE_DEPTH}: go further with cursor (next_cursor)`);
    }
    checkRange(filter);
    return this.readModel.page(filter, paging);
  }

  async find(id: string): Promise<DeadLetterDetail> {
    const found = await this.readModel.find(id);
    if (!found) throw new DeadLetterNotFoundError(id);
    return found;
  }

  /** What a replay by this filter would cover now: a dry run. */
  replayable(filter: DeadLetterFilter): Promise<number> {
    checkRange(filter);
    return this.readModel.countReplayable(filter, REPLAY_CAP);
  }

  /** What a replay by filter that stopped at `before` leaves, at most `cap`. */
  countReplayable(filter: DeadLetterFilter, cap: number, before: DeadLetterPosition | null = null): Promise<number> {
    return this.readModel.countReplayable(filter, cap, before);
  }
}
