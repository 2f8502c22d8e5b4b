import { InvalidValueError } from './errors.js';

/** Highest first: claims take `critical` before `high` before `normal` before `low`. */
export const PRIORITIES = ['critical', 'high', 'normal', 'low'] as const;

export type Priority = (typeof PRIORITIES)[number];

export const Priority = {
  is(raw: unknown): raw is Priority {
    return typeof raw === 'string' && (PRIORITIES as readonly string[]).includes(raw);
  },

  of(raw: unknown, field = 'priority'): Priority {
    if (!Priority.is(raw)) throw new InvalidValueError(field, `must be one of ${PRIORITIES.join(', ')}`);
    return raw;
  },

  /** 0 for `critical` up to 3 for `low`: the order in which due notifications are claimed. */
  rank(priority: Priority): number {
    return PRIORITIES.indexOf(priority);
  },

  fromRank(rank: number): Priority {
    const priority = PRIORITIES[rank];
    if (priority === undefined) throw new InvalidValueError('priority', `rank ${rank} is not a priority`);
    return priority;
  },
};
