import { expect } from 'chai';
import { SendReportRecorder } from '../../../src/application/delivery/send-report-recorder.js';
import type { RecordedStatus } from '../../../src/application/handler-types.js';
import type { SendReport } from '../../../src/domain/commands.js';
import { T0, accepted } from '../mothers.js';

const report = (id: string): SendReport => ({ notificationId: id, claimToken: `claim-${id}`, outcome: accepted(), attemptedAt: T0, latencyMs: 3 });
const unavailable = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

/** A recorder whose writes are recorded batch by batch and answered by `answer`. */
function recorder(answer: (ids: string[]) => Promise<RecordedStatus[]>, giveUpAfterMs = 60_000) {
  const batches: string[][] = [];
  const sleeps: number[] = [];
  const subject = new SendReportRecorder({
    write: async (reports) => {
      const ids = reports.map((r) => r.notificationId);
      batches.push(ids);
      await new Promise((resolve) => setImmediate(resolve));
      return answer(ids);
    },
    isRetryable: (error) => (error as { code?: string }).code === 'ECONNREFUSED',
    backoff: { initialMs: 100, maxMs: 1_000 },
    giveUpAfterMs,
    sleep: async (ms) => void sleeps.push(ms),
  });
  return { batches, sleeps, subject };
}

describe('SendReportRecorder', () => {
  it('writes the reports that arrive while a batch is being written together, in the next batch', async () => {
    const { batches, subject } = recorder(async (ids) => ids.map((id) => (id === 'c' ? 'claim_lost' : 'sent')));
    const statuses = await Promise.all(['a', 'b', 'c', 'd'].map((id) => subject.record(report(id))));
    expect(batches).to.deep.equal([['a'], ['b', 'c', 'd']]);
    expect(statuses).to.deep.equal(['sent', 'sent', 'claim_lost', 'sent']);
  });

  it('tries each report of a failed batch alone, so one bad report fails only its own send', async () => {
    const { batches, subject } = recorder(async (ids) => {
      if (ids.includes('bad')) throw new Error('notification not found: bad');
      return ids.map(() => 'sent');
    });
    const first = subject.record(report('a'));
    const rest = ['b', 'bad', 'c'].map((id) => subject.record(report(id)).then((s) => s, (e: Error) => e.message));
    expect(await first).to.equal('sent');
    expect(await Promise.all(rest)).to.deep.equal(['sent', 'notification not found: bad', 'sent']);
    expect(batches).to.deep.equal([['a'], ['b', 'bad', 'c'], ['b'], ['bad'], ['c']]);
  });

  it('waits out a database outage with the growing backoff and records the batch once the database is back', async () => {
    let failures = 3;
    const { batches, sleeps, subject } = recorder(async (ids) => {
      if (failures-- > 0) throw unavailable();
      return ids.map(() => 'retrying');
    });
    expect(await subject.record(report('a'))).to.equal('retrying');
    expect(batches).to.deep.equal([['a'], ['a'], ['a'], ['a']]);
    expect(sleeps).to.have.length(3);
    sleeps.forEach((ms, i) => expect(ms).to.be.within(0, 100 * 2 ** i));
  });

  it('gives up after the bound so the claim is let go, with the database error', async () => {
    const { subject } = recorder(async () => {
      throw unavailable();
    }, 0);
    const error = await subject.record(report('a')).then(() => null, (e: Error) => e.message);
    expect(error).to.equal('connect ECONNREFUSED 127.0.0.1:5432');
  });
});
