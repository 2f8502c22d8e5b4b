import { expect } from 'chai';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeadLetterDetail, DeadLetterPage, DeadLetterReadModel, DeadLetterView } from '../../../src/application/ports/dead-letters.js';
import { httpDepsOf } from '../../../src/entrypoints/composition/http-deps.js';
import { createHttpApp } from '../../../src/entrypoints/http/app.js';
import { HttpClient } from '../../support/http-client.js';
import { TEST_ADMIN_KEY, fakeContainer } from '../../support/test-container.js';

const ID = '00000000-0000-4000-8000-0000000000d1';
const AT = new Date('2026-11-29T12:00:00.000Z');
const BODY = JSON.stringify({ event_type: 'user.password_reset_requested', data: { userid: 'u-1', email: 'a@example.com', reset_token: 'S3CRET-reset' }, verify_token: 'S3CRET-verify' });

function view(fields: Partial<DeadLetterView> = {}): DeadLetterView {
  return {
    id: ID, exchange: 'notification.events', routingKey: 'user.password_reset_requested', queue: 'q', reason: 'delivery_limit', detail: '',
    body: Buffer.from(BODY), bodyComplete: true, bodyTruncated: false, bodySize: BODY.length, headers: { trace: 't', api_token: 'S3CRET-header' }, droppedHeaders: [],
    firstDeathAt: AT, lastDeathAt: AT, deathCount: 1, replayOf: null, replayedAt: null, createdAt: AT, ...fields,
  };
}

/** Answers one canned page and detail, and records the paging it was asked for. */
class CannedReadModel implements DeadLetterReadModel {
  asked: unknown[] = [];
  constructor(private readonly page_: DeadLetterPage) {}
  async page(_filter: unknown, paging: unknown): Promise<DeadLetterPage> {
    this.asked.push(paging);
    return this.page_;
  }
  async find(): Promise<DeadLetterDetail> {
    return { ...view(), replays: [] };
  }
  async countReplayable(): Promise<number> {
    return 0;
  }
}

describe('dead letters over HTTP (fakes behind the real app)', () => {
  let server: Server;
  let admin: HttpClient;
  let readModel: CannedReadModel;

  beforeEach(async () => {
    const preview = Buffer.from(BODY).subarray(0, 60);
    readModel = new CannedReadModel({ items: [view({ body: preview, bodyComplete: false })], total: 10_000, totalCapped: true, nextCursor: null });
    const world = fakeContainer({ deadLetterReadModel: readModel });
    server = createHttpApp(httpDepsOf(world.app)).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    admin = new HttpClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, TEST_ADMIN_KEY);
  });
  afterEach(() => void server.close());

  it('shows a dead letter without its secrets (verify_token, reset_token, *_token headers); the rest as stored', async () => {
    const res = await admin.get(`/dead-letters/${ID}`);
    expect(res.status).to.equal(200);
    expect(res.text).to.not.include('S3CRET');
    expect(JSON.parse(res.body.body as string)).to.deep.equal({ event_type: 'user.password_reset_requested', data: { userid: 'u-1', email: 'a@example.com', reset_token: '[redacted]' }, verify_token: '[redacted]' });
    expect(res.body.headers).to.deep.equal({ trace: 't', api_token: '[redacted]' });
    expect(res.body).to.deep.include({ body_encoding: 'utf8', body_complete: true });
  });

  it('lists each body as its first bytes, secrets redacted even in JSON cut short, with a total capped at 10,000', async () => {
    const res = await admin.get('/dead-letters');
    expect(res.status).to.equal(200);
    expect(res.text).to.not.include('S3CRET');
    const [item] = res.body.items as Array<Record<string, unknown>>;
    expect(item).to.deep.include({ body_complete: false, body_encoding: 'utf8', body_size: BODY.length });
    expect(item?.body).to.equal(BODY.slice(0, 60).replace(/"reset_token":"S3CRET-re$/, '"reset_token":"[redacted]"'));
    expect(res.body).to.deep.include({ total: 10_000, total_capped: true });
  });

  it('refuses pages past 10,000 rows deep (400 naming page): a cursor goes further', async () => {
    const res = await admin.get('/dead-letters?page=101&page_size=100');
    expect(res.status).to.equal(400);
    expect(res.body.errors).to.deep.equal([{ field: 'page', message: 'page × page_size must be at most 10000: go further with cursor (next_cursor)' }]);
    expect((await admin.get('/dead-letters?page=100&page_size=100')).status).to.equal(200);
    expect(readModel.asked).to.deep.equal([{ page: 100, size: 100 }]);
  });

  it('refuses a NUL in a reason or routing key (400 naming the field), in a list and in a replay by filter', async () => {
    const listed = await admin.get('/dead-letters?reason=a%00b');
    expect([listed.status, (listed.body.errors as Array<{ field: string }>)[0]?.field]).to.deep.equal([400, 'reason']);
    const replayed = await admin.post('/dead-letters/replay', { routing_key: 'user.\u0000x', dry_run: true });
    expect([replayed.status, (replayed.body.errors as Array<{ field: string }>)[0]?.field]).to.deep.equal([400, 'routing_key']);
  });
});
