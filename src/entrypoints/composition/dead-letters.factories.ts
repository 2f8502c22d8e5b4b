import { DeadLettersQuery } from '../../application/queries/dead-letters.query.js';
import { KyselyDeadLetterReadModel } from '../../adapters/postgres/dead-letter-read-model.js';
import type { Factories } from './factory-types.js';

/** The read side of the dead letters (ADR 24); the mover is the broker's (broker.factories.ts). */
export const deadLetterFactories: Pick<Factories, 'deadLetterReadModel' | 'deadLettersQuery'> = {
  deadLetterReadModel: (get) => new KyselyDeadLetterReadModel(get('readRouter')),
  deadLettersQuery: (get) => new DeadLettersQuery(get('deadLetterReadModel')),
};
