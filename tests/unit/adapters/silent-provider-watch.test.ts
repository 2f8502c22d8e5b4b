import { expect } from 'chai';
import { SILENT_TIMEOUTS_TO_DOWN, SilentProviderWatch } from '../../../src/adapters/http/silent-provider-watch.js';
import { classifyHttpFailure, isSilentTimeout, silentProviderDown, type HttpFailure } from '../../../src/adapters/sms/http-failure.js';

const failure = (phase: HttpFailure['phase'], code: string): HttpFailure => ({ kind: 'failure', phase, code, message: `${phase}: ${code}` });

describe('SilentProviderWatch: timeouts after writing, in a row, until an answer', () => {
  it('takes the provider as down from the third timeout in a row by default', () => {
    const watch = new SilentProviderWatch();
    expect(SILENT_TIMEOUTS_TO_DOWN).to.equal(3);
    expect([watch.timedOut(), watch.timedOut(), watch.timedOut(), watch.timedOut()]).to.deep.equal([false, false, true, true]);
    expect(watch.inARow).to.equal(4);
  });

  it('an answer starts the count again', () => {
    const watch = new SilentProviderWatch(2);
    expect([watch.timedOut(), watch.timedOut()]).to.deep.equal([false, true]);
    watch.answered();
    expect(watch.inARow).to.equal(0);
    expect([watch.timedOut(), watch.timedOut()]).to.deep.equal([false, true]);
  });
});

describe('SMS: which failures are silent timeouts, and what one past the threshold says', () => {
  const cases: ReadonlyArray<[string, HttpFailure, boolean]> = [
    ['no answer in time after the request was written', failure('await', 'ETIMEDOUT'), true],
    ['the connection dropped after the request was written', failure('await', 'ECONNRESET'), false],
    ['a connect timeout', failure('connect', 'ETIMEDOUT'), false],
    ['stuck writing the request', failure('send', 'ETIMEDOUT'), false],
  ];
  for (const [name, given, silent] of cases) {
    it(`${name}: ${silent ? 'counted' : 'not counted'}`, () => {
      expect(isSilentTimeout(given)).to.equal(silent);
    });
  }

  it('below the threshold a silent timeout is ambiguous; past it, provider_down, attempted, naming the count', () => {
    const timeout = failure('await', 'ETIMEDOUT');
    expect(classifyHttpFailure(timeout)).to.have.property('kind', 'ambiguous');
    expect(silentProviderDown(timeout, 3)).to.deep.equal({
      kind: 'provider_down',
      error: 'Twilio answered none of the last 3 requests in time, so it is taken as down (ETIMEDOUT: await: ETIMEDOUT)',
      response: null,
      attempted: true,
      configurationFault: false,
    });
  });
});
