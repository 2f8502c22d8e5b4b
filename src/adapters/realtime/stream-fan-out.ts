/**
 * This instance's open streams, as the relay reaches them. A frame is given lazily: it is rendered
 * once, and only when someone here is listening (every instance receives every message).
 */
export interface StreamFanOut {
  toUser(userId: string, frame: () => Buffer): void;
  toAdmins(frame: () => Buffer): void;
}
