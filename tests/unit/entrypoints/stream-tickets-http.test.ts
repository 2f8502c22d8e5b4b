import { expect } from 'chai';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StreamTicketStore } from '../../../src/application/ports/stream-access.js';
import { StreamTickets } from '../../../src/application/realtime/stream-tickets.js';
import { RandomStreamTicketSecrets } from '../../../src/adapters/system/stream-ticket-secrets.js';
import { BOOTSTRAP_KEY_ID } from '../../../src/entrypoints/api-key-authenticator.js';
import { httpDepsOf } from '../../../src/entrypoints/composition/http-deps.js';
import { createHttpApp } from '../../../src/entrypoints/http/app.js';
import { HttpClient } from '../../support/http-client.js';
import { TEST_ADMIN_KEY, fakeContainer } from '../../support/test-container.js';

const EXPIRY = new Date('2026-11-29T10:00:30.000Z');

/** Keeps each saved ticket's key; every ticket expires at the store's EXPIRY. */
class RecordingTicketStore implements StreamTicketStore {
  readonly saved: Array<{ keyId: string; ttlMs: number }> = [];
  async save(_hash: string, keyId: string, ttlMs: number): Promise<Date> {
    this.saved.push({ keyId, ttlMs });
    return EXPIRY;
  }
  async consume(): Promise<string | null> {
    return null;
  }
}

describe('POST /ws/tickets (fakes behind the real app)', () => {
  let server: Server;
  let store: RecordingTicketStore;
  let world: ReturnType<typeof fakeContainer>;
  let baseUrl: string;

  beforeEach(async () => {
    store = new RecordingTicketStore();
    world = fakeContainer({ streamTickets: new StreamTickets(store, new RandomStreamTicketSecrets()) });
    server = createHttpApp(httpDepsOf(world.app)).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => void server.close());

  it("issues a ticket on behalf of the calling key, answering the store's expiry", async () => {
    const { id, key } = await world.bus.handle({ type: 'CreateApiKey', name: 'console', scopes: ['notifications:read'] });
    const [mine, bootstrap] = [await new HttpClient(baseUrl, key).post('/ws/tickets', {}), await new HttpClient(baseUrl, TEST_ADMIN_KEY).post('/ws/tickets', {})];
    expect([mine.status, bootstrap.status]).to.deep.equal([201, 201]);
    expect(mine.body.expires_at).to.equal(EXPIRY.toISOString());
    expect(store.saved).to.deep.equal([
      { keyId: id, ttlMs: 30_000 },
      { keyId: BOOTSTRAP_KEY_ID, ttlMs: 30_000 },
    ]);
  });
});
