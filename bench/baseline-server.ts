/**
 * The baseline of the history benchmark, run as its own process: express with one route doing
 * one trivial query (`select 1`) through a pg Pool, to the same database server as the service reads.
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.BASELINE_DATABASE_URL, max: 10 });
// An idle connection that fails (a standby restarted by another suite) must not end the process.
pool.on('error', () => undefined);
const app = express();
app.get('/baseline/:userid', async (req, res) => {
  const { rows } = await pool.query<{ one: number }>('select 1 as one');
  res.json({ userid: req.params.userid, one: rows[0]?.one });
});
const server = app.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on('disconnect', () => process.exit(0));
