import type { DomainError } from '../../domain/errors.js';

/** An occurrence whose request the sender refused when it fell due: recorded, and the schedule moves on. */
export class RefusedOccurrence extends Error {
  constructor(
    readonly scheduleId: string,
    readonly occurrenceAt: Date,
    readonly refusal: DomainError,
  ) {
    super(`${refusal.code}: ${refusal.message}`);
    this.name = 'RefusedOccurrence';
  }
}
