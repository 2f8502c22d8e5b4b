// The matching is the domain's (a replay of a dead letter checks it too): src/domain/topic-binding.ts.
export { matchesBinding } from '../../domain/topic-binding.js';
