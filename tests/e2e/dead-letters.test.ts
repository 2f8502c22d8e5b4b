import { expect } from 'chai';
import { eventually } from '../support/databases.js';
import type { HttpClient, JsonResponse } from '../support/http-client.js';
import { PipelineWorld } from '../support/pipeline-world.js';

type Item = Record<string, unknown> & { id: string };

describe('dead letters over REST (built service)', function () {
  this.timeout(120_000);
  let world: PipelineWorld;
  let manager: HttpClient;
  let key: string;
  let keyId: string;

  const list = async (query = ''): Promise<{ items: Item[]; total: number } & Record<string, unknown>> => {
    const res = await manager.get(`/dead-letters${query}`);
    expect(res.status, res.text).to.equal(200);
    return res.body as { items: Item[]; total: number };
  };
  const byMarker = async (marker: string, count = 1): Promise<Item[]> =>
    eventually(async () => {
      const found = (await list('?page_size=100')).items.filter((d) => JSON.stringify(d).includes(marker) || Buffer.from(String(d.body), 'base64').toString().includes(marker));
      return found.length >= count ? found : undefined;
    }, 20_000, `${count} dead letters with ${marker}`);
  const expectStatus = (res: JsonResponse, status: number) => expect(res.status, res.text).to.equal(status);

  before(async () => {
    world = await PipelineWorld.create('e2e_dead_letters');
    // An event whose handling throws every time: the broker dead-letters it past the delivery limit.
    await world.startService({ FAILPOINT_HANDLER_THROWS_ON: 'throws-until-fixed' });
    const created = await world.admin.post('/admin/api-keys', { name: 'on-call', scopes: ['dead_letters:manage'] });
    key = String(created.body.key);
    keyId = String(created.body.id);
    manager = world.admin.withKey(key);
  });
  after(() => world.stop());

  it('lists a malformed message and an event the consumer refused, with reason, body and headers', async () => {
    await world.vhost.publish('user.registered', null, { raw: Buffer.from('{"marker":"malformed-1",'), messageId: 'm-malformed', headers: { trace: 't-1' } });
    await world.vhost.publish('user.registered', { event_type: 'UserRegistered', data: { userid: 5, marker: 'refused-1' } }, { messageId: 'm-refused' });
    const [malformed] = await byMarker('malformed-1');
    expect(malformed).to.deep.include({ reason: 'unparseable', routing_key: 'user.registered', exchange: 'notification.events', queue: 'notification-service.events', body_encoding: 'utf8', replay_of: null, replayed_at: null, death_count: 1 });
    expect(malformed?.body).to.equal('{"marker":"malformed-1",');
    expect(malformed?.headers).to.include({ trace: 't-1', 'x-dead-letter-reason': 'unparseable' });
    const [refused] = await byMarker('refused-1');
    expect(refused).to.deep.include({ reason: 'invalid_payload', body_encoding: 'utf8' });
    expect(JSON.parse(String(refused?.body))).to.deep.equal({ event_type: 'UserRegistered', data: { userid: 5, marker: 'refused-1' } });
    const page = await list('?reason=unparseable&page_size=5');
    expect(page).to.include({ page: 1, page_size: 5 });
    expect(page.items.every((d) => d.reason === 'unparseable')).to.equal(true);
    const health = await world.admin.get('/broker/health');
    expect((health.body.components as Record<string, Record<string, unknown>>).rabbitmq?.dead_letters).to.deep.equal({ consuming: true, held: 0, oldest_held_seconds: null });
  });

  it('replays one as it was: it dies again and comes back as a new dead letter naming the first; a second replay is a 409', async () => {
    const [first] = await byMarker('malformed-1');
    const replayed = await manager.post(`/dead-letters/${first!.id}/replay`, {});
    expectStatus(replayed, 202);
    expect(replayed.body.id).to.equal(first!.id);
    expect(Date.parse(String(replayed.body.replayed_at))).to.be.a('number').and.not.NaN;
    expectStatus(await manager.post(`/dead-letters/${first!.id}/replay`, {}), 409);
    const again = await eventually(async () => (await byMarker('malformed-1')).find((d) => d.replay_of === first!.id), 20_000, 'the replay dead-lettered again');
    expect(again).to.deep.include({ reason: 'unparseable', routing_key: 'user.registered' });
    expect(again.headers).to.include({ trace: 't-1', 'x-replayed-from': first!.id });
    const detail = await eventually(async () => {
      const res = await manager.get(`/dead-letters/${first!.id}`);
      return (res.body.replays as string[] | undefined)?.length ? res.body : undefined;
    }, 10_000, 'the first naming its replay');
    expect(detail).to.deep.include({ replays: [again.id], id: first!.id });
    expect(detail.replayed_at).to.be.a('string');
  });

  it('replays by filter: a dry run counts, the replay answers how many, and each comes back linked', async () => {
    const dry = await manager.post('/dead-letters/replay', { reason: 'invalid_payload', dry_run: true });
    expectStatus(dry, 202);
    expect(dry.body).to.deep.equal({ count: 1, dry_run: true });
    const done = await manager.post('/dead-letters/replay', { reason: 'invalid_payload' });
    expectStatus(done, 202);
    expect(done.body).to.deep.equal({ count: 1, dry_run: false, remaining: 0, unroutable: [], unroutable_capped: false });
    const [refused] = await byMarker('refused-1');
    await eventually(async () => (await byMarker('refused-1')).find((d) => d.replay_of !== null), 20_000, 'the refused event back');
    expect((await manager.post('/dead-letters/replay', { reason: 'invalid_payload', routing_key: 'order.placed', dry_run: true })).body).to.deep.equal({ count: 0, dry_run: true });
    expect(refused?.reason).to.equal('invalid_payload');
  });

  it('discards one: 204, then 404', async () => {
    const [one] = await byMarker('refused-1');
    expectStatus(await manager.delete(`/dead-letters/${one!.id}`), 204);
    expectStatus(await manager.delete(`/dead-letters/${one!.id}`), 404);
    await eventually(async () => (await manager.get(`/dead-letters/${one!.id}`)).status === 404, 10_000, 'the discarded one gone');
  });

  it('records each replay and discard in the audit log with the key that asked', async () => {
    const actions = await eventually(async () => {
      const res = await world.admin.get(`/admin/audit?key_id=${keyId}&page_size=100`);
      const items = (res.body.items ?? []) as Array<{ action: string; key_id: string; target_type: string }>;
      return items.length >= 3 ? items : undefined;
    }, 10_000, 'the audit entries');
    expect(actions.map((a) => a.action).sort()).to.deep.equal(['dead_letter.discarded', 'dead_letter.replayed', 'dead_letters.replayed']);
    expect(actions.every((a) => a.key_id === keyId)).to.equal(true);
  });

  it('refuses without a key (401), without the scope (403), and bad paging, ranges and ids (400); an unknown id is a 404', async () => {
    expectStatus(await world.admin.withKey(undefined).get('/dead-letters'), 401);
    const reader = await world.admin.post('/admin/api-keys', { name: 'reader', scopes: ['notifications:read'] });
    const readerClient = world.admin.withKey(String(reader.body.key));
    expectStatus(await readerClient.get('/dead-letters'), 403);
    expectStatus(await readerClient.post('/dead-letters/replay', { dry_run: true }), 403);
    const tooBig = await manager.get('/dead-letters?page_size=101');
    expectStatus(tooBig, 400);
    expect(JSON.stringify(tooBig.body.errors)).to.include('page_size');
    expectStatus(await manager.get('/dead-letters?from=2026-11-29T12:00:00Z&to=2026-11-29T11:00:00Z'), 400);
    expectStatus(await manager.get('/dead-letters?cursor=bogus'), 400);
    expectStatus(await manager.get('/dead-letters?page=1&cursor=bogus'), 400);
    expectStatus(await manager.get('/dead-letters/not-a-uuid'), 400);
    expectStatus(await manager.post('/dead-letters/replay', { reason: 'x', surprise: true }), 400);
    expectStatus(await manager.get('/dead-letters/0b8a4f3c-5a9e-4f5e-9d0c-1f2e3d4c5b6a'), 404);
    expectStatus(await manager.post('/dead-letters/0b8a4f3c-5a9e-4f5e-9d0c-1f2e3d4c5b6a/replay', {}), 404);
  });

  it('pages with a cursor newest first, ending with a null next_cursor', async () => {
    const first = await list('?page_size=1');
    expect(first.total).to.be.at.least(3);
    const next = await list(`?page_size=1&cursor=${encodeURIComponent(String(first.next_cursor))}`);
    expect(next.items[0]!.id).to.not.equal(first.items[0]!.id);
    expect(String(next.items[0]!.created_at) <= String(first.items[0]!.created_at)).to.equal(true);
    expect((await list('?page_size=100')).next_cursor).to.equal(null);
  });

  it('replays an event the broker dead-lettered past the delivery limit once the fault is fixed: it goes through the inbox and is sent', async () => {
    const eventId = '6f1d0c52-7a4e-4c1b-9a55-0c3e2b1d4f70';
    const body = { event_id: eventId, userid: 'dl-fixed', email: 'dl-fixed@example.com', username: 'throws-until-fixed' };
    await world.vhost.publish('user.welcome_requested', body, { messageId: eventId, type: 'UserWelcomeRequested' });
    const [dead] = await byMarker('throws-until-fixed');
    expect(dead).to.deep.include({ reason: 'delivery_limit', routing_key: 'user.welcome_requested', queue: 'notification-service.events', body_encoding: 'utf8' });
    expect(dead?.detail).to.match(/^dead-lettered by the broker: delivery_limit/);
    expect(dead?.headers).to.have.property('x-death');
    // The fix: the same service without the fault.
    await world.service.stop();
    await world.startService();
    manager = world.admin.withKey(key);
    expectStatus(await manager.post(`/dead-letters/${dead!.id}/replay`, {}), 202);
    const sent = await eventually(async () => {
      const res = await world.admin.get('/notifications/history/dl-fixed');
      const items = (res.body.notifications ?? []) as Array<{ status: string }>;
      return items.some((n) => n.status === 'sent') ? items : undefined;
    }, 30_000, 'the replayed event sent');
    expect(sent).to.have.length(1);
    expect((await byMarker('throws-until-fixed')).filter((d) => d.replay_of === dead!.id)).to.deep.equal([]);
  });

  it('shows a dead-lettered password reset without its token, in the list and in the detail', async () => {
    const event = { event_type: 'user.password_reset_requested', data: { userid: 'u-9', email: 42, reset_token: 'TOKEN-must-not-show', marker: 'secret-1' } };
    await world.vhost.publish('user.password_reset_requested', event, { messageId: 'm-secret' });
    const [letter] = await byMarker('secret-1');
    const listed = await manager.get('/dead-letters?routing_key=user.password_reset_requested');
    expect(listed.text).to.include('secret-1').and.not.include('TOKEN-must-not-show');
    const detail = await manager.get(`/dead-letters/${letter!.id}`);
    expect(detail.text).to.not.include('TOKEN-must-not-show');
    expect(JSON.parse(String(detail.body.body)).data).to.include({ reset_token: '[redacted]', marker: 'secret-1' });
  });
});
