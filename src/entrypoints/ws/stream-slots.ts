/** One admitted upgrade's place: held from admission until its socket closes. */
export interface StreamSlot {
  /** Takes a place among the streams of `subject` too; false (and nothing taken) when it has all it may. */
  claim(subject: string): boolean;
  /** Gives every place back; idempotent (a socket's close may come after a refusal already gave them back). */
  release(): void;
}

/**
 * The instance's stream places (WS_MAX_CONNECTIONS) and each subject's (WS_MAX_STREAMS_PER_SUBJECT:
 * one user, one API key). A place is taken when an upgrade is admitted, before its credentials
 * are checked, and given back when its socket closes, whatever happened in between (refused,
 * failed, open then closed): nothing between the two can get past the caps.
 */
export class StreamSlots {
  private taken = 0;
  private readonly bySubject = new Map<string, number>();

  constructor(
    private readonly max: number,
    private readonly maxPerSubject: number,
  ) {}

  get size(): number {
    return this.taken;
  }

  /** A place for an upgrade about to be checked, or null when the instance holds all it takes. */
  reserve(): StreamSlot | null {
    if (this.taken >= this.max) return null;
    this.taken += 1;
    let subject: string | null = null;
    let released = false;
    return {
      claim: (of) => {
        const held = this.bySubject.get(of) ?? 0;
        if (subject !== null || held >= this.maxPerSubject) return false;
        subject = of;
        this.bySubject.set(of, held + 1);
        return true;
      },
      release: () => {
        if (released) return;
        released = true;
        this.taken -= 1;
        if (subject !== null) this.giveBack(subject);
      },
    };
  }

  private giveBack(subject: string): void {
    const held = (this.bySubject.get(subject) ?? 1) - 1;
    if (held > 0) this.bySubject.set(subject, held);
    else this.bySubject.delete(subject);
  }
}
