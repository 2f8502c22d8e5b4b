/**
 * Self-test of tests/faults/support/private-servers.ts: the private PostgreSQL cluster (with
 * standby) and RabbitMQ node the fault scenarios run against, and each fault lever on them.
 * Run: npx mocha --node-option import=tsx --timeout 180000 tests/faults/private-servers.test.ts
 */
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { expect } from 'chai';
import amqp from 'amqplib';
import pg from 'pg';
import { PrivatePostgres, PrivateRabbit, portAccepts, SERVICE_EXCHANGE_POLICY, SERVICE_QUEUE_POLICY } from './support/private-servers.js';
import { rejection } from '../unit/rejection.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function timed<T>(what: string, work: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  const result = await work();
  console.log(`      ${what}: ${Date.now() - t0} ms`);
  return result;
}

function client(url: string, options: Partial<pg.ClientConfig> = {}): pg.Client {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000, ...options });
  c.on('error', () => undefined);
  return c;
}

function settledWithin<T>(promise: Promise<T>, ms: number): Promise<boolean> {
  return Promise.race([promise.then(() => true, () => true), sleep(ms).then(() => false)]);
}

describe('private fault servers', function () {
  describe('PrivatePostgres (with standby)', function () {
    let server: PrivatePostgres;
    const db = 'faults_selftest';

    before(async function () {
      server = await timed('PrivatePostgres.start({ withStandby: true })', () => PrivatePostgres.start({ withStandby: true }));
      await timed('createDatabase (visible on the standby)', () => server.createDatabase(db));
    });

    after(async function () {
      await server?.destroy();
    });

    it('runs its own primary and standby on free ports, not the machine ones', async function () {
      expect(server.port).to.not.be.oneOf([5432, 5433]);
      expect(server.standbyPort).to.not.be.oneOf([5432, 5433, server.port]);
      const [primary] = await server.sql<{ recovery: boolean; sync: string; wal: string }>(
        "select pg_is_in_recovery() as recovery, current_setting('synchronous_commit') as sync, current_setting('wal_level') as wal",
      );
      expect(primary).to.deep.equal({ recovery: false, sync: 'on', wal: 'replica' });
      const [standby] = await server.sql<{ recovery: boolean }>('select pg_is_in_recovery() as recovery', { standby: true });
      expect(standby?.recovery).to.equal(true);
      expect(server.url(db)).to.equal(`postgres://postgres@127.0.0.1:${server.port}/${db}`);
      expect(server.standbyUrl(db)).to.equal(`postgres://postgres@127.0.0.1:${server.standbyPort}/${db}`);
    });

    it('replicates a table created on the primary to the standby', async function () {
      await server.sql('create table t (id int primary key, note text)', { db });
      await server.sql("insert into t values (1, 'one')", { db });
      await server.waitForStandbyCatchUp();
      const rows = await server.sql<{ id: number; note: string }>('select id, note from t', { db, standby: true });
      expect(rows).to.deep.equal([{ id: 1, note: 'one' }]);
    });

    it('freeze() hangs the primary (queries and new connections time out); thaw() lets a waiting query finish', async function () {
      const withTimeout = client(server.url(db), { query_timeout: 1_500 });
      const patient = client(server.url(db));
      await Promise.all([withTimeout.connect(), patient.connect()]);
      try {
        server.freeze();
        expect(server.isFrozen).to.equal(true);
        const t0 = Date.now();
        const timeout = await rejection(withTimeout.query('select 1'));
        expect(timeout.message).to.match(/timeout/i);
        expect(Date.now() - t0).to.be.within(1_300, 4_000);

        const fresh = client(server.url(db), { connectionTimeoutMillis: 1_000 });
        const connectError = await rejection(fresh.connect());
        expect(connectError.message).to.match(/timeout/i);
        await fresh.end().catch(() => undefined);

        const waiting = patient.query<{ n: number }>('select count(*)::int as n from t');
        expect(await settledWithin(waiting, 1_000)).to.equal(false);
        await timed('thaw', async () => server.thaw());
        expect((await waiting).rows[0]?.n).to.equal(1);
      } finally {
        server.thaw();
        await Promise.all([withTimeout.end().catch(() => undefined), patient.end().catch(() => undefined)]);
      }
    });

    it('restartImmediate() crashes and restarts the primary; committed data survives, the standby streams again', async function () {
      const oldPid = server.postmasterPid();
      await server.sql("insert into t values (2, 'two')", { db });
      await timed('restartImmediate', () => server.restartImmediate());
      expect(server.postmasterPid()).to.be.a('number').and.not.equal(oldPid);
      const rows = await server.sql<{ n: number }>('select count(*)::int as n from t', { db });
      expect(rows[0]?.n).to.equal(2);
      await server.sql("insert into t values (3, 'three')", { db });
      await server.waitForStandbyCatchUp(30_000);
      expect((await server.sql<{ n: number }>('select count(*)::int as n from t', { db, standby: true }))[0]?.n).to.equal(3);
    });

    it('stopStandby() refuses connections fast; startStandby() streams again', async function () {
      await timed('stopStandby', () => server.stopStandby());
      const t0 = Date.now();
      const error = await rejection(server.sql('select 1', { standby: true }));
      expect(error.message).to.match(/ECONNREFUSED/);
      expect(Date.now() - t0).to.be.below(1_000);
      await server.sql("insert into t values (4, 'written while the standby was down')", { db });
      await timed('startStandby (until streaming)', () => server.startStandby());
      await server.waitForStandbyCatchUp();
      expect((await server.sql<{ n: number }>('select count(*)::int as n from t', { db, standby: true }))[0]?.n).to.equal(4);
    });

    it('pauseReplay() makes the standby lag; resumeReplay() catches up', async function () {
      await server.pauseReplay();
      try {
        await server.sql("insert into t values (5, 'lagging')", { db });
        await sleep(500);
        expect((await server.sql('select 1 from t where id = 5', { db, standby: true })).length).to.equal(0);
      } finally {
        await server.resumeReplay();
      }
      await server.waitForStandbyCatchUp();
      expect((await server.sql('select 1 from t where id = 5', { db, standby: true })).length).to.equal(1);
    });

    it('destroy() leaves no process and no directory', async function () {
      const pids = [server.postmasterPid(), server.standbyPostmasterPid()];
      expect(pids.every((p) => typeof p === 'number')).to.equal(true);
      await timed('PrivatePostgres.destroy', () => server.destroy());
      for (const pid of pids) expect(() => process.kill(pid!, 0)).to.throw();
      expect(existsSync(server.root)).to.equal(false);
      expect(await portAccepts(server.port)).to.equal(false);
      expect(await portAccepts(server.standbyPort)).to.equal(false);
      await server.destroy(); // idempotent
    });
  });

  describe('PrivateRabbit', function () {
    let node: PrivateRabbit;

    before(async function () {
      node = await timed('PrivateRabbit.start', () => PrivateRabbit.start());
    });

    after(async function () {
      await node?.destroy();
    });

    it('is its own node on free ports and accepts an amqplib connection', async function () {
      expect(node.nodename).to.match(/^faults-[0-9a-f]+@localhost$/);
      expect(node.port).to.not.equal(5672);
      expect(node.distPort).to.not.equal(25672);
      const connection = await amqp.connect(node.url);
      try {
        const channel = await connection.createChannel();
        const { queue } = await channel.assertQueue('', { exclusive: true });
        channel.sendToQueue(queue, Buffer.from('hello'));
        const message = await (async () => {
          for (let i = 0; i < 50; i++) {
            const got = await channel.get(queue, { noAck: true });
            if (got) return got;
            await sleep(50);
          }
          return false;
        })();
        expect(message && message.content.toString()).to.equal('hello');
      } finally {
        await connection.close();
      }
      const status = await node.ctl('status', '--formatter', 'json');
      const listeners = (JSON.parse(status) as { listeners: Array<{ port: number; protocol: string }> }).listeners;
      expect(listeners.map((l) => `${l.protocol}:${l.port}`)).to.include.members([`amqp:${node.port}`, `clustering:${node.distPort}`]);
    });

    it('has the service policies on vhost /', async function () {
      expect(await node.policyNames()).to.include.members([SERVICE_QUEUE_POLICY, SERVICE_EXCHANGE_POLICY]);
      const policies = JSON.parse(await node.ctl('list_policies', '-p', '/', '--formatter', 'json')) as Array<{ name: string; definition: unknown }>;
      const queuePolicy = policies.find((p) => p.name === SERVICE_QUEUE_POLICY);
      const definition = typeof queuePolicy?.definition === 'string' ? JSON.parse(queuePolicy.definition) : queuePolicy?.definition;
      expect(definition).to.include({ 'delivery-limit': 20, 'dead-letter-strategy': 'at-least-once', overflow: 'reject-publish' });
    });

    it('closeAllConnections() closes client connections', async function () {
      const connection = await amqp.connect(node.url);
      connection.on('error', () => undefined);
      const closed = once(connection, 'close');
      await node.closeAllConnections();
      await closed;
    });

    it('stopApp() refuses connections; startApp() accepts them again', async function () {
      const connection = await amqp.connect(node.url);
      connection.on('error', () => undefined);
      const closed = once(connection, 'close');
      await timed('stop_app', () => node.stopApp());
      await closed;
      const error = await rejection(amqp.connect(node.url));
      expect(error.message).to.match(/ECONNREFUSED/);
      await timed('start_app', () => node.startApp());
      const again = await amqp.connect(node.url);
      await again.close();
      expect(await node.policyNames()).to.include(SERVICE_QUEUE_POLICY);
    });

    it('a disk alarm blocks a publisher and clearing it unblocks', async function () {
      const connection = await amqp.connect(node.url);
      try {
        const channel = await connection.createConfirmChannel();
        const { queue } = await channel.assertQueue('', { exclusive: true });
        const blocked = once(connection, 'blocked');
        await node.raiseDiskAlarm();
        channel.sendToQueue(queue, Buffer.from('during the alarm'), { persistent: true });
        const confirmed = channel.waitForConfirms();
        await blocked;
        expect(await settledWithin(confirmed, 1_000)).to.equal(false);
        const unblocked = once(connection, 'unblocked');
        await node.clearDiskAlarm();
        await unblocked;
        await confirmed;
        expect((await channel.checkQueue(queue)).messageCount).to.equal(1);
      } finally {
        await node.clearDiskAlarm().catch(() => undefined);
        await connection.close().catch(() => undefined);
      }
    });

    it('destroy() leaves no process and no directory', async function () {
      const pids = node.pids();
      expect(pids).to.not.be.empty;
      await timed('PrivateRabbit.destroy', () => node.destroy());
      for (const pid of pids) expect(() => process.kill(pid, 0)).to.throw();
      expect(node.pids()).to.be.empty;
      expect(existsSync(node.root)).to.equal(false);
      expect(await portAccepts(node.port)).to.equal(false);
      await node.destroy(); // idempotent
    });
  });
});
