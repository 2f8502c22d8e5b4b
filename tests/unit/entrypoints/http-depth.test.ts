import { expect } from 'chai';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../../../src/adapters/observability/logger.js';
import { Api } from '../../../src/entrypoints/http/api.js';
import { errorHandler } from '../../../src/entrypoints/http/problem.js';
import { SendNotificationBody } from '../../../src/entrypoints/http/schemas.js';
import type { ApiKeyAuthenticator } from '../../../src/entrypoints/services.js';

function nested(levels: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < levels; i++) value = { inner: value };
  return value;
}

/** The send route's validation in front of a handler that only counts, on a local port. */
async function sendApp(): Promise<{ post: (body: string) => Promise<{ status: number; body: Record<string, unknown> }>; handled: () => number; close: () => void }> {
  let handled = 0;
  const api = new Api({} as ApiKeyAuthenticator, 100 * 1024);
  api.route({
    method: 'post',
    path: '/send',
    summary: 'test',
    tag: 'test',
    body: SendNotificationBody,
    responses: { 202: { description: 'accepted' } },
    handle: async (_input, res) => void (handled++, res.status(202).end()),
  });
  const app = express().use(api.router).use(errorHandler(createLogger('silent')));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/send`;
  const post = async (body: string) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
  };
  return { post, handled: () => handled, close: () => server.close() };
}

describe('HTTP JSON nested too deep', () => {
  const send = (templateVars: unknown) => JSON.stringify({ notification_type: 'welcome', recipient_email: 'ada@example.com', template_vars: templateVars });

  it('answers 400 naming the field and too_deep, for a body 15,000 levels deep and one 33 deep', async () => {
    const app = await sendApp();
    try {
      for (const body of [`{"notification_type":"welcome","recipient_email":"a@example.com","template_vars":${'{"a":'.repeat(15_000)}1${'}'.repeat(15_000)}}`, send(nested(32))]) {
        const res = await app.post(body);
        expect(res.status).to.equal(400);
        expect(res.body.errors).to.deep.equal([{ field: 'template_vars', message: 'too_deep: nested deeper than 32 levels' }]);
      }
      expect(app.handled()).to.equal(0);
    } finally {
      app.close();
    }
  });

  it('lets a body 32 levels deep through to validation', async () => {
    const app = await sendApp();
    try {
      expect((await app.post(send(nested(31)))).status).to.equal(202);
      expect(app.handled()).to.equal(1);
    } finally {
      app.close();
    }
  });
});
