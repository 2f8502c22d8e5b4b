/** New unique ids (UUIDs) for aggregates and events. */
export interface IdGenerator {
  newId(): string;
}
