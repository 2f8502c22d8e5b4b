/**
 * This instance's open streams, as the relay reaches them. A frame is given lazily: it is rendered
 * once, and only when someone here is listening (every instance receives every message).
 */
export interface StreamFanOut {
  /** Whether a stream of this user is open here. */
  hasUser(userId: string): boolean;
  toUser(userId: string, frame: () => Buffer): void;
  toAdmins(frame: () => Buffer): void;
}
