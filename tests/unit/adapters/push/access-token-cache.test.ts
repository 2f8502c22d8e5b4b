import { expect } from 'chai';
import { AccessTokenCache, type FetchedToken } from '../../../../src/adapters/push/access-token-cache.js';

/** A token endpoint whose answers the test releases one by one, and a clock the test moves. */
function world() {
  const clock = { ms: 1_000_000 };
  const pending: Array<(answer: FetchedToken) => void> = [];
  let fetches = 0;
  const cache = new AccessTokenCache(
    () => {
      fetches += 1;
      return new Promise<FetchedToken>((resolve) => pending.push(resolve));
    },
    () => clock.ms,
  );
  const answer = (fetched: FetchedToken): void => pending.shift()?.(fetched);
  const issue = (accessToken: string, expiresInS = 3_599): void => answer({ ok: true, accessToken, expiresInS });
  return { cache, clock, answer, issue, fetches: () => fetches };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('AccessTokenCache', () => {
  it('10 concurrent callers share one refresh and get the same token', async () => {
    const w = world();
    const callers = Array.from({ length: 10 }, () => w.cache.get());
    await settle();
    w.issue('ya29.one');

    const tokens = await Promise.all(callers);
    expect(w.fetches()).to.equal(1);
    expect(tokens).to.deep.equal(Array(10).fill({ ok: true, accessToken: 'ya29.one' }));
  });

  it('serves the cached token until 5 minutes before it expires, then refreshes once', async () => {
    const w = world();
    const first = w.cache.get();
    w.issue('ya29.one', 3_600);
    await first;

    w.clock.ms += (3_600 - 300) * 1_000 - 1;
    expect(await w.cache.get()).to.deep.equal({ ok: true, accessToken: 'ya29.one' });
    w.clock.ms += 1;
    const refreshing = [w.cache.get(), w.cache.get()];
    await settle();
    w.issue('ya29.two');
    expect(await Promise.all(refreshing)).to.deep.equal([{ ok: true, accessToken: 'ya29.two' }, { ok: true, accessToken: 'ya29.two' }]);
    expect(w.fetches()).to.equal(2);
  });

  it('a failed refresh is not cached: every waiting caller gets the failure, the next call tries again', async () => {
    const w = world();
    const waiting = [w.cache.get(), w.cache.get()];
    await settle();
    w.answer({ ok: false, error: 'token endpoint refused the service account: 400 invalid_grant', configurationFault: true });
    expect((await Promise.all(waiting)).map((t) => t.ok)).to.deep.equal([false, false]);

    const retry = w.cache.get();
    await settle();
    w.issue('ya29.after');
    expect(await retry).to.deep.equal({ ok: true, accessToken: 'ya29.after' });
    expect(w.fetches()).to.equal(2);
  });

  it('a token that lives less than 10 minutes is kept for half its life', async () => {
    const w = world();
    const first = w.cache.get();
    w.issue('ya29.short', 120);
    await first;
    w.clock.ms += 59_000;
    expect(await w.cache.get()).to.deep.equal({ ok: true, accessToken: 'ya29.short' });
    w.clock.ms += 1_000;
    void w.cache.get();
    expect(w.fetches()).to.equal(2);
  });

  it('forget drops the refused token once; a stale refusal of an older token changes nothing', async () => {
    const w = world();
    const first = w.cache.get();
    w.issue('ya29.one');
    await first;
    w.cache.forget('ya29.one');
    const second = [w.cache.get(), w.cache.get()];
    await settle();
    w.issue('ya29.two');
    await Promise.all(second);
    w.cache.forget('ya29.one');
    expect(await w.cache.get()).to.deep.equal({ ok: true, accessToken: 'ya29.two' });
    expect(w.fetches()).to.equal(2);
  });

  it('a fetch that throws is answered as a failure, never thrown', async () => {
    const cache = new AccessTokenCache(() => Promise.reject(new Error('bug')), () => 0);
    expect(await cache.get()).to.deep.equal({ ok: false, error: 'access token: bug', configurationFault: false });
  });
});
