import type { Api } from '../api.js';
import { apiKeyIdOf } from '../auth.js';
import type { HttpDeps } from '../http-deps.js';
import { z } from '../zod.js';

const StreamTicketResponse = z
  .object({
    ticket: z.string().openapi({ description: 'Opens one admin stream: /ws?ticket=<ticket>; shown once, only its hash is stored' }),
    expires_at: z.iso.datetime().openapi({ description: "30 s after it was issued, by the database's clock" }),
  })
  .openapi('StreamTicket');

/** The admin stream's tickets: a browser cannot put the API key on a WebSocket, and must not put it in a URL. */
export function streamTicketRoutes(api: Api, { streamTickets }: HttpDeps): void {
  api.route({
    method: 'post',
    path: '/ws/tickets',
    summary: 'A single-use ticket, valid 30 s on any instance, that opens the admin WebSocket stream (/ws?ticket=...) on behalf of the calling key',
    tag: 'stream',
    scope: 'notifications:read',
    responses: { 201: { description: 'Issued', schema: StreamTicketResponse } },
    handle: async (_input, res) => {
      const { ticket, expiresAt } = await streamTickets.issue(apiKeyIdOf(res));
      res.status(201).set('Cache-Control', 'no-store').json({ ticket, expires_at: expiresAt.toISOString() });
    },
  });
}
