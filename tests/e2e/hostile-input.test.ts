import { expect } from 'chai';
import { connect } from 'node:net';
import { eventually, sqlOnPrimary } from '../support/databases.js';
import { PipelineWorld } from '../support/pipeline-world.js';
import { storedDeadLetters } from '../support/stored-dead-letters.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The sum of a Prometheus counter over all its series. */
function counterTotal(text: string, name: string): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

/** A small seeded PRNG (mulberry32): the same inputs on every run. */
function prng(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  return { next, pick };
}

const HOSTILE_STRINGS = [
  "'; drop table notifications; --",
  "' or '1'='1",
  '<%= it.constructor.constructor("return process")().exit() %>',
  '{{7*7}}',
  '${process.exit()}',
  '<script>alert(1)</script>',
  'a\r\nBcc: victim@example.com',
  '\u0000\u0001\u0002',
  '\u202e\u2066reversed',
  '😀'.repeat(50),
  'x'.repeat(200_000),
  '../../../../etc/passwd',
  '%00%0d%0a',
  'ada@example.com\r\nSubject: hi',
];

function deep(levels: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < levels; i++) value = { nested: value };
  return value;
}

function hostileValue(r: ReturnType<typeof prng>): unknown {
  return r.pick<() => unknown>([
    () => r.pick(HOSTILE_STRINGS),
    () => r.next() * 1e308,
    () => -1,
    () => null,
    () => true,
    () => [r.pick(HOSTILE_STRINGS)],
    () => ({ __proto__: { admin: true } }),
    () => JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}'),
    () => deep(200),
    () => Array.from({ length: 1000 }, (_, i) => i),
    () => ({}),
  ])();
}

const FIELDS = ['userid', 'notification_email', 'preferences', 'notification_type', 'recipient_email', 'subject', 'content', 'template_vars', 'name', 'scopes', 'welcome', 'extra'];

function hostileBody(r: ReturnType<typeof prng>): string | Buffer {
  return r.pick<() => string | Buffer>([
    () => JSON.stringify(Object.fromEntries(FIELDS.filter(() => r.next() < 0.5).map((f) => [f, hostileValue(r)]))),
    () => JSON.stringify(hostileValue(r)),
    () => '{"userid": "u", "notification_email": ',
    () => Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]),
    () => '['.repeat(50_000) + ']'.repeat(50_000),
    () => JSON.stringify({ userid: 'u1', notification_email: r.pick(HOSTILE_STRINGS), preferences: { welcome: r.pick(HOSTILE_STRINGS) } }),
    () => JSON.stringify({ notification_type: 'welcome', recipient_email: r.pick(HOSTILE_STRINGS), subject: r.pick(HOSTILE_STRINGS) }),
    () => r.pick(HOSTILE_STRINGS),
  ])();
}

const PATH_IDS = ['u1', encodeURIComponent("'; drop table x; --"), '%E0%A4%A', '%00', 'x'.repeat(300), '..%2F..%2Fetc', '%0d%0aX-Injected:%20yes', encodeURIComponent('<%= 7*7 %>'), '😀'];

function hostileRequest(r: ReturnType<typeof prng>): { method: string; path: string; body?: string | Buffer; contentType?: string } {
  const id = r.pick(PATH_IDS);
  return r.pick<() => { method: string; path: string; body?: string | Buffer; contentType?: string }>([
    () => ({ method: 'POST', path: '/notifications/preferences', body: hostileBody(r) }),
    () => ({ method: 'PUT', path: `/notifications/preferences/${id}`, body: hostileBody(r) }),
    () => ({ method: 'GET', path: `/notifications/preferences/${id}` }),
    () => ({ method: 'GET', path: `/notifications/history/${id}?limit=${encodeURIComponent(String(hostileValue(r)))}&cursor=${encodeURIComponent(r.pick(HOSTILE_STRINGS).slice(0, 2000))}` }),
    () => ({ method: 'POST', path: '/notifications/send', body: hostileBody(r) }),
    () => ({ method: 'POST', path: '/admin/api-keys', body: hostileBody(r) }),
    () => ({ method: 'DELETE', path: `/admin/api-keys/${id}` }),
    () => ({ method: 'POST', path: `/notifications/${id}/retry`, body: '{}' }),
    () => ({ method: 'POST', path: '/notifications/send', body: hostileBody(r), contentType: r.pick(['text/plain', 'application/json; charset=utf-16', 'application/x-www-form-urlencoded', 'multipart/form-data']) }),
  ])();
}

/** A raw request, for what fetch refuses to send: CR/LF inside header values. */
function rawRequest(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(head));
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString('latin1')));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
    socket.setTimeout(5_000, () => socket.destroy(new Error('raw request timed out')));
  });
}

describe('hostile input on every interface (built service)', function () {
  this.timeout(120_000);
  let world: PipelineWorld;
  before(async () => {
    world = await PipelineWorld.create('e2e_hostile');
    await world.startService();
  });
  after(() => world.stop());

  it('answers 520 generated malformed and hostile REST requests with a 4xx problem, never a 5xx', async () => {
    const r = prng(20261122);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 520; i++) {
      const { method, path, body, contentType } = hostileRequest(r);
      const res = await world.admin.request(method, path, { raw: body, headers: body === undefined ? {} : { 'content-type': contentType ?? 'application/json' } });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      expect(res.status, `${method} ${path.slice(0, 120)} → ${res.status} ${res.text.slice(0, 200)}`).to.be.below(500);
      if (res.status >= 400) expect(res.contentType, `${method} ${path.slice(0, 80)}`).to.match(/^application\/problem\+json/);
    }
    expect([...statuses.keys()].every((s) => s < 500)).to.equal(true);
    expect(statuses.get(400) ?? 0).to.be.greaterThan(100);
  });

  it('refuses a NUL in a text filter or field with a 400 naming it, never a 500 from PostgreSQL', async () => {
    const nul = encodeURIComponent('a\u0000b');
    const requests: Array<[string, () => Promise<{ status: number; body: Record<string, unknown> }>]> = [
      ['key_id', () => world.admin.get(`/admin/audit?key_id=${nul}`)],
      ['target_type', () => world.admin.get(`/admin/audit?target_type=${nul}`)],
      ['target_id', () => world.admin.get(`/admin/audit?target_id=${nul}`)],
      ['type', () => world.admin.post('/notifications/retry', { type: 'a\u0000b', dry_run: true })],
      ['recipient', () => world.admin.get(`/notifications?recipient=${nul}`)],
      ['order_id', () => world.admin.get(`/notifications?order_id=${nul}`)],
      ['type', () => world.admin.get(`/notifications?type=${nul}`)],
    ];
    const seen = [];
    for (const [field, send] of requests) {
      const res = await send();
      const errors = (res.body.errors ?? []) as Array<{ field: string }>;
      seen.push([field, res.status, errors.map((e) => e.field)]);
    }
    expect(seen).to.deep.equal(requests.map(([field]) => [field, 400, [field]]));
  });

  it('answers 404 for console vendor files named after Object members, without a key', async () => {
    const anonymous = world.admin.withKey(undefined);
    const statuses = [];
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) statuses.push([name, (await anonymous.get(`/console/vendor/${name}`)).status]);
    expect(statuses).to.deep.equal([['constructor', 404], ['__proto__', 404], ['toString', 404], ['hasOwnProperty', 404]]);
  });

  it('refuses CR/LF smuggled into header values without a 5xx', async () => {
    const port = Number(new URL(world.admin.baseUrl).port);
    const heads = [
      `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Correlation-ID: a\rb\r\nConnection: close\r\n\r\n`,
      `GET /notifications/history/u1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer a\nb\r\nConnection: close\r\n\r\n`,
      `POST /notifications/send HTTP/1.1\r\nHost: x\r\nIdempotency-Key: k\r\n X-Folded: y\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
    ];
    for (const head of heads) {
      const response = await rawRequest(port, head);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);
      expect(status, response.slice(0, 200)).to.be.within(400, 499);
      expect(response).to.match(/content-type: application\/problem\+json/i);
    }
  });

  it('dead-letters 200 generated malformed or hostile AMQP messages, each with a reason, creating nothing', async () => {
    const r = prng(7);
    const types = ['user.registered', 'user.email_verification_requested', 'user.password_reset_requested', 'user.welcome_requested', 'user.security_alert_requested', 'order.created', 'order.status.updated'];
    for (let i = 0; i < 200; i++) {
      const kind = i % 5;
      const messageId = `hostile-${i}`;
      if (kind === 0) await world.vhost.publish(r.pick(types), null, { messageId, raw: Buffer.from(hostileBody(r)) });
      else if (kind === 1) await world.vhost.publish(`user.${r.pick(['deleted', 'x', 'email_verification_requested.extra'])}`, { userid: 'u', email: 'u@example.com' }, { messageId });
      else if (kind === 2) await world.vhost.publish(r.pick(types), { userid: r.pick(['', '\u0000', 'x'.repeat(200)]), email: r.pick(HOSTILE_STRINGS), user_email: r.pick(HOSTILE_STRINGS), username: hostileValue(r) }, { messageId });
      else if (kind === 3) await world.vhost.publish('order.created', { order_id: 1, user_id: 1, user_email: 'o@example.com', total_amount: r.pick([-1, 'NaN', '1e999', null]), status: 'new', items: r.pick([[], [{ product_id: 1, product_name: 'x', quantity: -1, price: 1 }], 'items', [null]]) }, { messageId });
      else await world.vhost.publish(r.pick(types), hostileValue(r), { messageId, type: r.pick([undefined, 'DropTables', r.pick(HOSTILE_STRINGS).slice(0, 100)]) });
    }
    const dead = await eventually(async () => {
      const messages = await storedDeadLetters(world.db.name);
      return messages.length >= 200 ? messages : undefined;
    }, 60_000, '200 dead-lettered messages');
    expect(dead).to.have.length(200);
    const reasons = new Map<string, number>();
    for (const m of dead) {
      const reason = String(m.headers['x-dead-letter-reason']);
      expect(['too_large', 'unparseable', 'too_deep', 'unknown_event_type', 'invalid_payload']).to.include(reason);
      expect(String(m.headers['x-dead-letter-detail'] ?? '')).to.not.equal('');
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    expect(new Set(dead.map((m) => m.messageId)).size).to.equal(200);
    expect(reasons.size).to.be.at.least(3);
    const [row] = await sqlOnPrimary<{ n: string }>(world.db.name, 'select count(*) as n from notifications');
    expect(Number(row?.n)).to.equal(0);
  });

  it('dead-letters hostile type names, a 300 KiB body and JSON 40 levels deep at their first delivery, each with its reason', async () => {
    const valid = { userid: 'u1', email: 'u1@example.com', username: 'u' };
    let deep: unknown = valid;
    for (let i = 1; i < 40; i++) deep = { data: deep };
    const shapes: Array<[string, string, () => Promise<void>]> = [
      ...['constructor', '__proto__', 'toString'].flatMap((name): Array<[string, string, () => Promise<void>]> => [
        [`type-${name}`, 'unknown_event_type', () => world.vhost.publish('user.welcome_requested', valid, { messageId: `type-${name}`, type: name })],
        [`header-${name}`, 'unknown_event_type', () => world.vhost.publish('user.welcome_requested', valid, { messageId: `header-${name}`, headers: { event_type: name } })],
        [`body-${name}`, 'unknown_event_type', () => world.vhost.publish('user.x', { ...valid, event_type: name }, { messageId: `body-${name}` })],
      ]),
      ['big-1', 'too_large', () => world.vhost.publish('user.welcome_requested', { ...valid, padding: 'x'.repeat(300 * 1024) }, { messageId: 'big-1' })],
      ['deep-1', 'too_deep', () => world.vhost.publish('user.welcome_requested', deep, { messageId: 'deep-1' })],
    ];
    for (const [, , publish] of shapes) await publish();
    const wanted = Object.fromEntries(shapes.map(([id, reason]) => [id, reason]));
    const dead = await eventually(async () => {
      const found = (await storedDeadLetters(world.db.name)).filter((m) => m.messageId !== undefined && m.messageId in wanted);
      return found.length >= shapes.length ? found : undefined;
    }, 30_000, 'the hostile shapes dead-lettered');
    expect(Object.fromEntries(dead.map((m) => [m.messageId, m.headers['x-dead-letter-reason']]))).to.deep.equal(wanted);
    expect(dead.map((m) => m.headers['x-dead-letter-delivery-count']), 'dead-lettered at the first delivery').to.deep.equal(dead.map(() => 0));
  });

  it('dead-letters an event id PostgreSQL cannot store, or over 255 characters, at its first delivery as invalid_payload naming event_id or message_id', async () => {
    const data = { userid: 'bad-id', email: 'bad-id@example.com', username: 'u' };
    const envelope = (eventId: string) => ({ event_type: 'user.welcome_requested', event_id: eventId, data });
    const shapes: Array<[string, string, () => Promise<void>]> = [
      ['nul-event-id', 'event_id', () => world.vhost.publish('user.welcome_requested', envelope('evt\u0000x'), { headers: { probe: 'nul-event-id' } })],
      ['surrogate-event-id', 'event_id', () => world.vhost.publish('user.welcome_requested', envelope('evt-\ud83d'), { headers: { probe: 'surrogate-event-id' } })],
      ['long-event-id', 'event_id', () => world.vhost.publish('user.welcome_requested', envelope('e'.repeat(256)), { headers: { probe: 'long-event-id' } })],
      ['nul-message-id', 'message_id', () => world.vhost.publish('user.welcome_requested', data, { messageId: 'msg\u0000x', headers: { probe: 'nul-message-id' } })],
    ];
    for (const [, , publish] of shapes) await publish();
    const dead = await eventually(async () => {
      const found = (await storedDeadLetters(world.db.name)).filter((m) => shapes.some(([probe]) => m.headers.probe === probe));
      return found.length >= shapes.length ? found : undefined;
    }, 30_000, 'the bad ids dead-lettered');
    const seen = Object.fromEntries(dead.map((m) => [m.headers.probe, [m.headers['x-dead-letter-reason'], String(m.headers['x-dead-letter-detail']).split(':')[0], m.headers['x-dead-letter-delivery-count']]]));
    expect(seen).to.deep.equal(Object.fromEntries(shapes.map(([probe, field]) => [probe, ['invalid_payload', field, 0]])));
    const [row] = await sqlOnPrimary<{ n: string }>(world.db.name, "select count(*) as n from notifications where user_id = 'bad-id'");
    expect(Number(row?.n)).to.equal(0);
  });

  it('processes a valid event whose publisher set x-delivery-count 25, and /broker/health does not call the policies missing', async () => {
    await world.vhost.publish('user.welcome_requested', { event_id: 'forged-count-1', userid: 'forged-1', email: 'forged-1@example.com' }, { headers: { 'x-delivery-count': 25 } });
    await eventually(async () => (await sqlOnPrimary(world.db.name, "select 1 from inbox where event_id = 'forged-count-1'")).length === 1 || undefined, 15_000, 'the event received');
    expect((await storedDeadLetters(world.db.name)).filter((m) => m.body?.event_id === 'forged-count-1')).to.deep.equal([]);
    const rabbitmq = ((await world.admin.get('/broker/health')).body.components as Record<string, Record<string, unknown>>).rabbitmq;
    expect(rabbitmq).to.deep.include({ status: 'up' });
    expect(rabbitmq).to.not.have.property('policies');
  });

  it('dead-letters poison whose 65 KB of headers leave no room for the dead-letter headers once each, and counts exactly those', async () => {
    const counted = async () => counterTotal((await world.admin.get('/broker/prometheus')).text, 'notification_dead_lettered_total');
    const before = await counted();
    for (const id of ['fat-1', 'fat-2']) await world.vhost.publish('user.welcome_requested', { userid: '' }, { messageId: id, headers: { big: 'x'.repeat(65_300) } });
    const fat = async () => (await storedDeadLetters(world.db.name)).filter((m) => m.messageId === 'fat-1' || m.messageId === 'fat-2');
    await eventually(async () => ((await fat()).length >= 2 ? true : undefined), 15_000, 'both dead-lettered');
    await sleep(2_000);
    const copies = await fat();
    const seen = copies.map((m) => [m.messageId, m.headers['x-dead-letter-reason'], m.headers['x-dead-letter-dropped-headers'], m.headers['x-dead-letter-delivery-count']]);
    expect(seen.sort((a, b) => String(a[0]).localeCompare(String(b[0])))).to.deep.equal([
      ['fat-1', 'invalid_payload', 'big', 0],
      ['fat-2', 'invalid_payload', 'big', 0],
    ]);
    expect((await counted()) - before).to.equal(2);
  });

  it('logs dead-letter details bounded and escaped, and poison under a sane correlation id', async () => {
    const key = `\u202e\n${'k'.repeat(200_000)}`;
    await world.vhost.publish('user.welcome_requested', { userid: 'u1', email: 'u1@example.com', [key]: 'a\u0000' }, { messageId: 'long-key-1', correlationId: 'evil id\n\u202e' });
    await eventually(async () => (await storedDeadLetters(world.db.name)).some((m) => m.messageId === 'long-key-1') || undefined, 15_000, 'the long key dead-lettered');
    await eventually(async () => world.service.logLines().some((l) => l.msg === 'event dead-lettered' && String(l.detail).startsWith('\\u202e')) || undefined, 5_000, 'its log line');
    const lines = world.service.logLines().filter((l) => l.msg === 'event dead-lettered');
    expect(lines.length).to.be.greaterThan(200);
    const unbounded = lines.filter((l) => typeof l.detail !== 'string' || l.detail.length > 1_000 || !/^[\x20-\x7e]*$/.test(l.detail));
    expect(unbounded.map((l) => String(l.detail).slice(0, 120))).to.deep.equal([]);
    expect(lines.filter((l) => !/^[\x21-\x7e]{1,128}$/.test(String(l.correlation_id))).map((l) => l.correlation_id)).to.deep.equal([]);
  });

  it('lets no untrusted string become a metric label value', async () => {
    const text = (await world.admin.get('/broker/prometheus')).text;
    const labels = [...text.matchAll(/^notification_\w+\{([^}]*)\}/gm)].flatMap((m) => [...m[1]!.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!] as const));
    const eventTypes = new Set(labels.filter(([name]) => name === 'event_type').map(([, value]) => value));
    const known = ['user.registered', 'user.email_verification_requested', 'user.password_reset_requested', 'user.welcome_requested', 'user.security_alert_requested', 'order.created', 'order.status.updated', 'unknown'];
    expect([...eventTypes].filter((t) => !known.includes(t)), 'event_type label values').to.deep.equal([]);
    expect(eventTypes.has('unknown')).to.equal(true);
    const untrusted = ['constructor', '__proto__', 'toString', 'DropTables', 'user.deleted', 'user.x', ...HOSTILE_STRINGS.map((h) => h.slice(0, 30))];
    expect(labels.filter(([, value]) => untrusted.some((u) => value.includes(u))), 'label values holding what was sent').to.deep.equal([]);
  });

  it('kept running throughout: no restart, no request failure, no unhandled rejection in its logs', () => {
    expect(world.service.logLines().filter((l) => l.msg === 'notification service listening')).to.have.length(1);
    const bad = world.service.logLines().filter((l) => l.msg === 'request failed' || l.msg === 'unhandled rejection' || l.level === 'error' || l.level === 'fatal');
    expect(bad.map((l) => `${String(l.msg)} ${JSON.stringify(l.err ?? '')}`.slice(0, 300))).to.deep.equal([]);
  });
});
