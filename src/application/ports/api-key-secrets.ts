/** Makes API keys and the one-way hashes under which they are stored. */
export interface ApiKeySecrets {
  /** A new high-entropy key, shown to its owner once. */
  generate(): string;
  /** The stored form of a key: lookups hash the presented key and compare hashes. */
  hash(key: string): string;
}
