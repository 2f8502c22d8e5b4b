import { expect } from 'chai';
import { eventually, sqlOnPrimary } from '../support/databases.js';
import { checkInvariants } from './support/invariants.js';
import { type FaultWorld, faultWorld, report, welcomes } from './support/scenario.js';
import { TcpProxy } from './support/tcp-proxy.js';

const EVENTS = 100;
const OUTAGE_MS = 60_000;

describe('S09 SMTP down for 60 s under load: circuit opens, few probes, all delivered after', function () {
  let f: FaultWorld;
  let proxy: TcpProxy;
  before(async () => {
    f = await faultWorld('flt_s09');
    proxy = await TcpProxy.start(f.world.smtp.port);
  });
  after(async () => {
    await proxy.close();
    await f.world.stop();
  });

  it('opens the circuit, probes about once per half-open period, and delivers everything once SMTP is back', async () => {
    const started = Date.now();
    // SMTP unreachable: the proxy accepts connections and never answers (no greeting).
    proxy.blackhole();
    await f.world.startService({
      SMTP_PORT: String(proxy.port),
      SMTP_CONNECTION_TIMEOUT_MS: '500',
      SMTP_CIRCUIT_FAILURES: '3',
      SMTP_CIRCUIT_HALF_OPEN_MS: '5000',
      DELIVERY_CONCURRENCY: '4',
    });
    await f.broker.publishAll(welcomes(EVENTS, 's09').map((e) => e.message));
    await eventually(async () => {
      const h = await f.world.admin.get('/broker/health');
      return (h.body.components as Record<string, { circuit?: string }>).smtp?.circuit === 'open';
    }, 20_000, 'the circuit to open');
    const outageStarted = Date.now();
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS - 5_000));
    const [during] = await sqlOnPrimary<{ attempts: string }>(f.world.db.name, 'select count(*) as attempts from notification_attempts');
    // Up to `concurrency` sends were in flight when it opened; then one probe per 5 s half-open period.
    const bound = 4 + 3 + Math.ceil((Date.now() - outageStarted) / 5_000) + 2;
    expect(Number(during?.attempts)).to.be.at.most(bound);
    // While open the worker claims nothing, so nothing is even deferred: the rows just stay due.
    // The gauge reads 2 (open), or 1 while a probe is in flight.
    expect((await f.world.admin.get('/broker/prometheus')).text).to.match(/notification_circuit_state\{channel="email"\} [12]/);

    proxy.pass();
    const counts = await checkInvariants(f.world, f.broker, { accepted: EVENTS, poison: 0, allowAmbiguous: false, quiescenceMs: 90_000 });
    expect(counts).to.include({ sent: EVENTS, failed: 0, duplicates: 0 });
    report('S09', counts, started);
    console.log(`      (attempts during the ${OUTAGE_MS / 1000} s outage: ${String(during?.attempts)}, bound ${bound})`);
  });
});
