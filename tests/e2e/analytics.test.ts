import { expect } from 'chai';
import { eventually } from '../support/databases.js';
import type { HttpClient, JsonResponse } from '../support/http-client.js';
import { PipelineWorld } from '../support/pipeline-world.js';

type Summary = {
  total: number;
  by_status: Record<string, number>;
  by_type: Record<string, number>;
  by_channel_delivery_rates: Record<string, { delivered: number; total: number; rate: number }>;
  avg_delivery_time_ms: number | null;
  delivery_time_ms: { p50: number | null; p95: number | null; p99: number | null };
  failure_reasons: Record<string, number>;
  receipts: { delivered: number; undelivered: number };
};
type Point = { at: string; sent: number; failed: number; suppressed: number; failure_reasons: Record<string, number> };

describe('analytics (built service)', function () {
  this.timeout(90_000);
  let world: PipelineWorld;
  let analyst: HttpClient;
  const started = new Date(Date.now() - 60_000);

  before(async () => {
    world = await PipelineWorld.create('e2e_analytics');
    await world.startService();
    const key = await world.admin.post('/admin/api-keys', { name: 'analyst', scopes: ['analytics:read'] });
    analyst = world.admin.withKey(String(key.body.key));
  });
  after(() => world.stop());

  const send = (body: unknown) => world.admin.post('/notifications/send', body);
  const window = () => `from=${started.toISOString()}&to=${new Date(Date.now() + 120_000).toISOString()}`;
  const status = async (id: string) => (await world.admin.get(`/notifications/${id}/status`)).body.status;

  it('counts what the service sent, failed and suppressed, exactly, in the summary and the time series', async () => {
    world.smtp.respondWith([{ reply: 550, message: 'mailbox unavailable' }, { reply: 550, message: 'mailbox unavailable' }]);
    const failing = await Promise.all(['gone1@example.com', 'gone2@example.com'].map((to) => send({ notification_type: 'security_alert', recipient_email: to, template_vars: { alert_message: 'New sign-in' } })));
    await eventually(async () => ((await Promise.all(failing.map((r) => status(String(r.body.notification_id))))).every((s) => s === 'failed') ? true : undefined), 20_000, 'both to fail');
    const sending: JsonResponse[] = [];
    for (let i = 0; i < 3; i++) sending.push(await send({ notification_type: 'welcome', recipient_email: `ok${i}@example.com` }));
    const suppressed = await send({ channel: 'sms', recipient: '+15005550006', content: { subject: 'Hi', body: 'hello' } });
    expect(suppressed.status).to.equal(202);
    await eventually(async () => ((await Promise.all(sending.map((r) => status(String(r.body.notification_id))))).every((s) => s === 'sent') ? true : undefined), 20_000, 'the three to be sent');

    const summary = await eventually(async () => {
      const body = (await analyst.get(`/analytics/summary?${window()}`)).body as Summary;
      return body.total === 6 ? body : undefined;
    }, 15_000, 'the summary to count six');
    expect(summary).to.deep.include({
      total: 6,
      by_status: { sent: 3, failed: 2, suppressed: 1 },
      failure_reasons: { permanent_failure: 2 },
      receipts: { delivered: 0, undelivered: 0 },
    });
    expect(summary.by_type).to.deep.include({ welcome: 3, security_alert: 2 });
    expect(Object.values(summary.by_type).reduce((a, b) => a + b, 0)).to.equal(6);
    expect(summary.by_channel_delivery_rates).to.deep.equal({ email: { delivered: 3, total: 5, rate: 0.6 }, sms: { delivered: 0, total: 1, rate: 0 } });
    const { p50, p95, p99 } = summary.delivery_time_ms;
    expect(summary.avg_delivery_time_ms).to.be.a('number').and.at.least(0);
    expect(p50! <= p95! && p95! <= p99!).to.equal(true);

    const series = (await analyst.get(`/analytics/timeseries?${window()}&interval=minute`)).body as { interval: string; points: Point[] };
    expect(series.interval).to.equal('minute');
    const sum = (k: 'sent' | 'failed' | 'suppressed') => series.points.reduce((n, p) => n + p[k], 0);
    expect([sum('sent'), sum('failed'), sum('suppressed')]).to.deep.equal([3, 2, 1]);
    expect(series.points.reduce((n, p) => n + (p.failure_reasons.permanent_failure ?? 0), 0)).to.equal(2);
  });

  it('answers 401 without a key, 403 without analytics:read, and 400 for a window it cannot answer', async () => {
    expect((await world.admin.withKey(undefined).get('/analytics/summary')).status).to.equal(401);
    const reader = await world.admin.post('/admin/api-keys', { name: 'reader', scopes: ['notifications:read'] });
    expect((await world.admin.withKey(String(reader.body.key)).get('/analytics/timeseries')).status).to.equal(403);
    const bad = await analyst.get('/analytics/summary?from=2026-11-22T10:00:00Z&to=2026-11-21T10:00:00Z');
    expect(bad.status).to.equal(400);
    expect(bad.contentType).to.match(/problem\+json/);
    expect((await analyst.get('/analytics/timeseries?interval=week')).status).to.equal(400);
    expect((await analyst.get('/analytics/summary?from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z')).status).to.equal(400);
  });
});
