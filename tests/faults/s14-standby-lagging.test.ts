import { expect } from 'chai';
import { PrivateWorld, report, userEvents } from './support/private-world.js';

const OPTED_OUT = 20;
const OTHERS = 80;

describe('S14 standby lagging (pg_wal_replay_pause())', function () {
  let w: PrivateWorld;
  before(async function () {
    this.timeout(90_000);
    w = await PrivateWorld.create();
  });
  after(async function () {
    this.timeout(60_000);
    await w?.postgres.resumeReplay().catch(() => undefined);
    await w?.stop();
  });

  it('honours an opt-out written just before the event (the decision reads the primary)', async function () {
    this.timeout(240_000);
    const started = Date.now();
    await w.startService();
    const alerts = userEvents(OPTED_OUT, 's14-alert', 'security_alert');
    const others = userEvents(OTHERS, 's14-other');
    // Everyone opted in first, replicated to the standby.
    for (const a of alerts) {
      const res = await w.admin.put(`/notifications/preferences/${a.userId}`, { notification_email: a.email, preferences: { security_alert: true } });
      expect(res.status, res.text).to.be.oneOf([200, 201]);
    }
    await w.postgres.waitForStandbyCatchUp();

    await w.postgres.pauseReplay();
    let staleOnStandby = 0;
    try {
      await w.publish(others.map((e) => e.message));
      // For each user: the opt-out over REST, then at once the security alert for that user.
      for (const a of alerts) {
        const res = await w.admin.put(`/notifications/preferences/${a.userId}`, { notification_email: a.email, preferences: { security_alert: false } });
        expect(res.status, res.text).to.equal(200);
        await w.publish([a.message]);
      }
      await w.waitForCount(
        "select count(*) as n from notifications where status in ('sent','failed','suppressed')",
        OPTED_OUT + OTHERS,
        60_000,
        'every notification final while the standby lags',
      );
      // The standby still has the opt-in: the lag was real while the decisions were taken.
      const ids = alerts.map((a) => a.userId);
      const [standby] = await w.postgres.sql<{ n: string }>(
        "select count(*) as n from notification_preferences where user_id = any($1) and (preferences->>'security_alert')::boolean is true",
        { db: 'notifications_faults', standby: true, values: [ids] },
      );
      staleOnStandby = Number(standby?.n ?? 0);
    } finally {
      await w.postgres.resumeReplay();
    }
    expect(staleOnStandby, 'opted-in rows still on the lagging standby').to.equal(OPTED_OUT);

    // The alerts those events made are suppressed, and none reached the sink. (The REST writes make
    // notifications of their own — a welcome on create, an alert on update — which are not checked here.)
    const alertRows = await w.sql<{ id: string; status: string; reason: string | null }>(
      'select id, status, reason from notifications where source_event_id = any($1)',
      [alerts.map((a) => a.eventId)],
    );
    expect(alertRows.length).to.equal(OPTED_OUT);
    expect(alertRows.filter((r) => r.status !== 'suppressed').map((r) => `${r.id} ${r.status}`), 'alerts not suppressed').to.deep.equal([]);
    const atSink = new Set([...w.smtp.byMessageId().keys()].map((m) => m.split('@')[0]));
    expect(alertRows.filter((r) => atSink.has(r.id)).map((r) => r.id), 'suppressed alerts at the sink').to.deep.equal([]);
    const reasons = [...new Set(alertRows.map((r) => r.reason))];

    const counts = await w.checkInvariants({ accepted: OPTED_OUT + OTHERS, expectSuppressed: OPTED_OUT });
    expect(counts.sent).to.equal(OTHERS);
    report('S14', counts, started, `(standby still opted-in for ${staleOnStandby}/${OPTED_OUT} while the decisions were taken; reasons ${reasons.join(',')})`);
  });
});
