import { expect } from 'chai';
import { E2eService } from '../support/e2e-service.js';
import type { JsonResponse } from '../support/http-client.js';

function expectProblem(res: JsonResponse, status: number, field?: string): void {
  expect(res.status, res.text).to.equal(status);
  expect(res.contentType).to.match(/^application\/problem\+json/);
  expect(res.body).to.include({ status });
  expect(res.body.title).to.be.a('string').that.is.not.empty;
  expect(res.body.detail).to.be.a('string').that.is.not.empty;
  if (field !== undefined) {
    const fields = (res.body.errors as Array<{ field: string }>).map((e) => e.field);
    expect(fields).to.include(field);
  }
}

describe('bad input over HTTP (built service)', () => {
  let world: E2eService;
  before(async () => {
    world = await E2eService.start('e2e_bad_input', { HTTP_BODY_LIMIT_BYTES: '4096' });
  });
  after(() => world.stop());

  const create = (raw: string, contentType = 'application/json') =>
    world.admin.request('POST', '/notifications/preferences', { raw, headers: { 'content-type': contentType } });

  it('answers malformed JSON with 400 naming the body', async () => {
    expectProblem(await create('{"userid": "u1", "notification_email": '), 400, 'body');
  });

  it('answers wrong types with 400 naming each field', async () => {
    const res = await create(JSON.stringify({ userid: ['u1'], notification_email: 7, preferences: { welcome: 'yes' } }));
    expectProblem(res, 400, 'userid');
    expectProblem(res, 400, 'notification_email');
    expectProblem(res, 400, 'preferences.welcome');
  });

  it('answers missing fields with 400 naming them', async () => {
    expectProblem(await create('{}'), 400, 'notification_email');
  });

  it('answers unknown fields, top-level and in preferences, with 400 naming them', async () => {
    const res = await create(JSON.stringify({ userid: 'u1', notification_email: 'u1@example.com', admin: true, preferences: { sms: true } }));
    expectProblem(res, 400, 'admin');
    expectProblem(res, 400, 'preferences.sms');
  });

  it('answers a body over the limit with 413', async () => {
    const res = await create(JSON.stringify({ userid: 'u1', notification_email: 'u1@example.com', padding: 'x'.repeat(10_000) }));
    expectProblem(res, 413);
  });

  it('answers CRLF in an email address with 400 naming the field', async () => {
    const res = await create(JSON.stringify({ userid: 'u1', notification_email: 'victim@example.com\r\nBcc: all@example.com' }));
    expectProblem(res, 400, 'notification_email');
    expect((res.body.errors as Array<{ message: string }>)[0]?.message).to.include('CR or LF');
  });

  it('answers malformed JSON that says timeout or terminated with 400, not with 503 and Retry-After', async () => {
    for (const raw of ['{"userid": timeout}', '{"userid": "u1", "notification_email": terminated}', '{"x": Connection terminated}']) {
      const res = await create(raw);
      expectProblem(res, 400, 'body');
      expect(res.headers.get('retry-after'), raw).to.equal(null);
    }
  });

  it('answers a body that is not JSON with 415', async () => {
    expectProblem(await create('userid=u1', 'application/x-www-form-urlencoded'), 415, 'content-type');
  });

  it('answers a JSON array or scalar body with 400', async () => {
    expectProblem(await create('[1,2,3]'), 400);
    expectProblem(await create('"text"'), 400);
  });

  it('answers control characters and oversized user ids with 400 naming userid', async () => {
    expectProblem(await create(JSON.stringify({ userid: 'a\u0000b', notification_email: 'a@example.com' })), 400, 'userid');
    expectProblem(await create(JSON.stringify({ userid: 'u'.repeat(129), notification_email: 'a@example.com' })), 400, 'userid');
  });

  it('answers a NUL character in a stored string with 400 naming the field', async () => {
    const send = (body: unknown) => world.admin.request('POST', '/notifications/send', { json: body });
    expectProblem(await send({ notification_type: 'welcome', recipient_email: 'a@example.com', template_vars: { username: 'a\u0000b' } }), 400, 'template_vars.username');
    expectProblem(await send({ notification_type: 'welcome', recipient_email: 'a@example.com', content: 'x\u0000' }), 400, 'content');
    expectProblem(await send({ notification_type: 'welcome', recipient_email: 'a@example.com', subject: 'x\u0000' }), 400, 'subject');
    expectProblem(await send({ notification_type: 'welcome', recipient_email: 'a@example.com', template_vars: { username: 'a\ud800' } }), 400, 'template_vars.username');
  });

  it('answers a PUT whose body user id differs from the path with 400', async () => {
    expectProblem(await world.admin.put('/notifications/preferences/u1', { userid: 'u2', notification_email: 'a@example.com' }), 400, 'userid');
  });

  it('answers bad history parameters with 400 naming them', async () => {
    expectProblem(await world.admin.get('/notifications/history/u1?limit=0'), 400, 'limit');
    expectProblem(await world.admin.get('/notifications/history/u1?limit=500'), 400, 'limit');
    expectProblem(await world.admin.get('/notifications/history/u1?limit=ten'), 400, 'limit');
    expectProblem(await world.admin.get('/notifications/history/u1?cursor=not-a-cursor'), 400, 'cursor');
    expectProblem(await world.admin.get('/notifications/history/u1?sort=asc'), 400, 'sort');
  });

  it('answers JSON nested deeper than 32 levels (33 and 601 here) with 400 naming the field and too_deep', async () => {
    const nested = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
    const send = (vars: string) =>
      world.admin.request('POST', '/notifications/send', { raw: `{"notification_type":"welcome","recipient_email":"a@example.com","template_vars":${vars}}`, headers: { 'content-type': 'application/json' } });
    for (const levels of [32, 600]) {
      const res = await send(nested(levels));
      expectProblem(res, 400, 'template_vars');
      expect((res.body.errors as Array<{ message: string }>)[0]?.message).to.match(/^too_deep/);
    }
    expectProblem(await create(`{"userid":"u1","notification_email":"a@example.com","preferences":${nested(40)}}`), 400, 'preferences');
  });

  it('answers a history cursor with a date out of range with 400 naming cursor', async () => {
    const cursor = (at: unknown) => Buffer.from(JSON.stringify([at, '0b9f3c52-6a1e-4f3e-9c1d-2f6b7a8c9d0e'])).toString('base64url');
    for (const at of ['-271821-04-20T00:00:00.000Z', '+275760-09-13T00:00:00.000Z', '2026-02-30T00:00:00.000Z']) {
      expectProblem(await world.admin.get(`/notifications/history/u1?cursor=${cursor(at)}`), 400, 'cursor');
    }
  });

  it('answers a broken percent-encoding in the path with 400', async () => {
    expectProblem(await world.admin.get('/notifications/preferences/%E0%A4%A'), 400);
  });

  it('answers an unknown route with a 404 problem', async () => {
    expectProblem(await world.admin.get('/notifications/nowhere'), 404);
  });

  it('answers a malformed API key id with 400 naming it', async () => {
    expectProblem(await world.admin.delete('/admin/api-keys/not-a-uuid'), 400, 'id');
  });

  it('never answered with a 5xx and logged no request failure', () => {
    const failures = world.service.logLines().filter((l) => l.msg === 'request failed' || (typeof l.status === 'number' && l.status >= 500));
    expect(failures).to.deep.equal([]);
  });
});
