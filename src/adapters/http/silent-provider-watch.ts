/** Timeouts in a row, with no answer in between, from which a provider is taken to be down. */
export const SILENT_TIMEOUTS_TO_DOWN = 3;

/**
 * Counts one sender's timeouts that came after the whole request was written: the provider took
 * the request and said nothing. One such timeout is ambiguous (the provider may have acted on the
 * request, so an attempt is used), and the breaker takes ambiguous for a working provider. A
 * provider that accepts connections and stops answering, a common way for an API to fail, would
 * then use every notification's attempts, resend each (perhaps delivering it twice) and fail them
 * all, the breaker closed throughout; the contract counts "timeouts before a response" as the
 * provider being down.
 *
 * So the first threshold - 1 timeouts in a row stay ambiguous: a provider may be slow for a
 * moment, and the message may have arrived. From the threshold on, each is provider_down,
 * attempted (the breaker counts it and opens; no attempt is used), until an answer of any kind
 * arrives. A dropped connection or a refused one neither counts nor resets: only a timeout shows
 * a provider that hangs, and only an answer shows one that talks again.
 */
export class SilentProviderWatch {
  private timeouts = 0;

  constructor(private readonly threshold: number = SILENT_TIMEOUTS_TO_DOWN) {}

  /** Timeouts after writing since the last answer. */
  get inARow(): number {
    return this.timeouts;
  }

  /** An answer arrived, whatever it said: the provider is talking. */
  answered(): void {
    this.timeouts = 0;
  }

  /** Records a timeout after the request was written; whether the provider is now taken to be down. */
  timedOut(): boolean {
    this.timeouts += 1;
    return this.timeouts >= this.threshold;
  }
}
