import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { eventually } from '../support/databases.js';
import { E2E_ADMIN_KEY, E2eService } from '../support/e2e-service.js';
import { ServiceProcess } from '../support/service-process.js';

describe('operations endpoints and process life cycle (built service)', () => {
  let world: E2eService;
  before(async () => {
    world = await E2eService.start('e2e_ops', { SHUTDOWN_DRAIN_DELAY_MS: '1500' });
  });
  after(() => world.stop());

  it('reports liveness and readiness', async () => {
    expect((await world.anonymous.get('/healthz')).body).to.deep.equal({ status: 'ok' });
    const ready = await world.anonymous.get('/readyz');
    expect(ready.status).to.equal(200);
    expect(ready.body).to.deep.equal({ status: 'ready' });
  });

  it('reports each component in /broker/health, the standby with its replication lag', async () => {
    const res = await world.anonymous.get('/broker/health');
    expect(res.status).to.equal(200);
    const components = res.body.components as Record<string, Record<string, unknown>>;
    expect(components.primary?.status).to.equal('up');
    expect(components.standby?.status).to.equal('up');
    expect(components.standby?.replication_lag_seconds).to.be.a('number').and.at.least(0);
    expect(components.rabbitmq?.status).to.equal('not_configured');
    expect(res.body.status).to.equal('healthy');
  });

  it('answers the same report at the paths earlier deployments probe, /health and /v1/health, without a key', async () => {
    for (const path of ['/health', '/v1/health']) {
      const res = await world.anonymous.get(path);
      expect([path, res.status, res.body.status]).to.deep.equal([path, 200, 'healthy']);
      expect(Object.keys(res.body.components as object)).to.include.members(['primary', 'standby', 'smtp']);
    }
  });

  it('shows each channel in /broker/health, and records a send on a channel without a provider suppressed, channel_not_configured', async () => {
    const components = (await world.anonymous.get('/broker/health')).body.components as Record<string, Record<string, unknown>>;
    expect([components.smtp?.status, components.sms?.status, components.push?.status]).to.deep.equal(['not_configured', 'not_configured', 'not_configured']);
    expect([components.webhook?.status, components.in_app?.status]).to.deep.equal(['up', 'up']);
    for (const [channel, recipient] of [['email', 'ada@example.com'], ['sms', '+15551234567']] as const) {
      const sent = await world.admin.post('/notifications/send', { channel, recipient, content: { subject: 'Hi', body: 'Hello' } });
      expect([channel, sent.status, sent.body.status]).to.deep.equal([channel, 202, 'suppressed']);
      // Read from the standby: the row may take a moment to show there.
      const status = await eventually(async () => {
        const res = await world.admin.get(`/notifications/${String(sent.body.notification_id)}/status`);
        return res.status === 200 ? res.body : undefined;
      }, 5_000, 'the status');
      expect(JSON.stringify(status)).to.include('channel_not_configured');
    }
  });

  it('serves a JSON metrics summary to a key with notifications:read, and nothing without one', async () => {
    expect((await world.anonymous.get('/broker/metrics')).status).to.equal(401);
    const res = await world.admin.get('/broker/metrics');
    expect(res.status).to.equal(200);
    expect(res.body.http_requests).to.be.a('number').and.greaterThan(0);
    expect(res.body.connections).to.deep.include({ primary: 'up', standby: 'up' });
  });

  it('serves Prometheus metrics by route template that promtool accepts', async () => {
    await world.admin.get('/notifications/history/some-user');
    const res = await world.anonymous.get('/broker/prometheus');
    expect(res.status).to.equal(200);
    expect(res.text).to.match(/notification_http_requests_total\{method="GET",route="\/notifications\/history\/:userid",status="200"\} \d+/);
    expect(res.text).to.include('notification_http_request_duration_seconds_bucket');
    expect(res.text).to.include('process_cpu_seconds_total');
    expect(res.text).to.not.include('some-user');
    const check = spawnSync('promtool', ['check', 'metrics'], { input: res.text, encoding: 'utf8' });
    expect(check.error, 'promtool must be installed (make deps)').to.equal(undefined);
    expect(check.stdout + check.stderr).to.equal('');
    expect(check.status).to.equal(0);
  });

  it('describes the API in OpenAPI 3 and renders it at /documentation', async () => {
    const spec = await world.anonymous.get('/openapi.json');
    expect(spec.body.openapi).to.match(/^3\./);
    const paths = spec.body.paths as Record<string, Record<string, unknown>>;
    expect(Object.keys(paths)).to.include.members([
      '/notifications/preferences',
      '/notifications/preferences/{userid}',
      '/notifications/history/{userid}',
      '/admin/api-keys',
      '/admin/api-keys/{id}',
      '/broker/health',
    ]);
    expect(Object.keys(paths['/notifications/preferences/{userid}'] ?? {})).to.include.members(['get', 'put']);
    const docs = await world.anonymous.get('/documentation/');
    expect(docs.status).to.equal(200);
    expect(docs.text).to.include('swagger-ui');
  });

  it('honours and echoes X-Correlation-ID, and puts it on the log line of the request', async () => {
    const res = await world.admin.get('/notifications/history/u1', { 'x-correlation-id': 'trace-abc-123' });
    expect(res.headers.get('x-correlation-id')).to.equal('trace-abc-123');
    const generated = await world.admin.get('/healthz');
    expect(generated.headers.get('x-correlation-id')).to.match(/^[0-9a-f-]{36}$/);
    const bad = await world.admin.post('/notifications/preferences', {}, { 'x-correlation-id': 'trace-bad-1' });
    expect(bad.body.correlation_id).to.equal('trace-bad-1');
    const line = world.service.logLines().find((l) => l.correlation_id === 'trace-abc-123');
    expect(line).to.include({ route: '/notifications/history/:userid', status: 200 });
  });

  it('never writes an API key or Authorization header to its logs', () => {
    const output = world.service.output.join('\n');
    expect(output).to.not.include(E2E_ADMIN_KEY);
    expect(output.toLowerCase()).to.not.include('bearer');
  });

  it('on SIGTERM turns readiness 503, finishes the request in flight, and exits 0', async () => {
    const url = new URL('/notifications/preferences', world.admin.baseUrl);
    const body = JSON.stringify({ userid: 'late-user', notification_email: 'late@example.com' });
    // A request in flight: headers sent now, the body only after SIGTERM.
    const { request } = await import('node:http');
    const inFlight = new Promise<number>((resolve, reject) => {
      const req = request(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${E2E_ADMIN_KEY}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.flushHeaders();
      setTimeout(() => req.end(body), 700);
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    world.service.signal('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const readiness = await world.anonymous.get('/readyz');
    expect(readiness.status).to.equal(503);
    expect(await inFlight).to.equal(201);
    expect(await world.service.exited()).to.equal(0);
    const messages = world.service.logLines().map((l) => l.msg);
    expect(messages).to.include.members(['shutting down', 'stopped']);
  });
});

describe('configuration errors (built service)', () => {
  it('refuses to start without DATABASE_URL, naming it in one line', async () => {
    const service = ServiceProcess.spawn({ ADMIN_API_KEY: E2E_ADMIN_KEY });
    expect(await service.exited()).to.equal(1);
    expect(service.output).to.have.length(1);
    expect(service.output[0]).to.match(/^invalid configuration: DATABASE_URL is required$/);
  });

  it('names every malformed variable without echoing secrets', async () => {
    const service = ServiceProcess.spawn({
      DATABASE_URL: 'mysql://root:hunter2secret@db/x',
      ADMIN_API_KEY: 'short',
      PORT: 'eighty',
      LOG_LEVEL: 'loud',
    });
    expect(await service.exited()).to.equal(1);
    const line = service.output.join('\n');
    expect(service.output).to.have.length(1);
    for (const name of ['DATABASE_URL', 'ADMIN_API_KEY', 'PORT', 'LOG_LEVEL']) expect(line).to.include(name);
    expect(line).to.not.include('hunter2secret');
  });
});
