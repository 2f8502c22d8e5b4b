/**
 * The SMTP sink, run as its own process (forked by sink-client.ts) so that it competes for the
 * cores like a real mail server would, not inside the harness. It accepts everything, reads the
 * data without parsing it, and records for each message its first RCPT TO and the wall-clock
 * time of the 250. Recipients look like `<tag>-<i>@bench.example.com`; counts are kept per tag,
 * of messages and of distinct recipients (a recipient sent to twice counts once).
 * Only types are exported: importing a value from here would start a sink.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { tagOf, wallNow } from './util.js';

export type SinkCommand = { readonly cmd: 'reset' } | { readonly cmd: 'stats'; readonly tag: string } | { readonly cmd: 'dump'; readonly tag: string };
export type SinkRequest = { readonly id: number } & SinkCommand;

export interface SinkStats {
  /** Messages accepted since the last reset, all tags. */
  readonly accepted: number;
  /** Messages accepted for the tag asked about. */
  readonly tagged: number;
  /** Distinct recipients among them. */
  readonly taggedRecipients: number;
  readonly connections: number;
  readonly bytes: number;
}

export interface SinkDump {
  readonly recipients: string[];
  readonly acceptedAt: number[];
}

export type SinkReply = { readonly id: number } & ({ readonly kind: 'ok' } | { readonly kind: 'stats'; readonly stats: SinkStats } | { readonly kind: 'dump'; readonly dump: SinkDump });

let recipients: string[] = [];
let acceptedAt: number[] = [];
let perTag = new Map<string, { messages: number; recipients: Set<string> }>();
let connections = 0;
let bytes = 0;

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['AUTH', 'STARTTLS'],
  logger: false,
  disableReverseLookup: true,
  closeTimeout: 100,
  onConnect: (_session, callback) => {
    connections += 1;
    callback();
  },
  onData: (stream, session, callback) => {
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    stream.on('end', () => {
      const recipient = (session.envelope.rcptTo[0]?.address ?? '').toLowerCase();
      recipients.push(recipient);
      acceptedAt.push(wallNow());
      const tag = tagOf(recipient);
      const counts = perTag.get(tag) ?? { messages: 0, recipients: new Set<string>() };
      perTag.set(tag, counts);
      counts.messages += 1;
      counts.recipients.add(recipient);
      callback(null, 'OK');
    });
  },
});
// Clients that drop mid-session are reported here; a sink must not die of them.
server.on('error', () => undefined);

function answer(request: SinkRequest): SinkReply {
  switch (request.cmd) {
    case 'reset':
      recipients = [];
      acceptedAt = [];
      perTag = new Map();
      connections = 0;
      bytes = 0;
      return { id: request.id, kind: 'ok' };
    case 'stats': {
      const counts = perTag.get(request.tag);
      return { id: request.id, kind: 'stats', stats: { accepted: recipients.length, tagged: counts?.messages ?? 0, taggedRecipients: counts?.recipients.size ?? 0, connections, bytes } };
    }
    case 'dump': {
      const dump: SinkDump = { recipients: [], acceptedAt: [] };
      recipients.forEach((recipient, i) => {
        if (tagOf(recipient) !== request.tag) return;
        dump.recipients.push(recipient);
        dump.acceptedAt.push(acceptedAt[i] ?? 0);
      });
      return { id: request.id, kind: 'dump', dump };
    }
  }
}

process.on('message', (request: SinkRequest) => process.send?.(answer(request)));
// The harness went away: so does the sink.
process.on('disconnect', () => process.exit(0));

server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.server.address() as AddressInfo).port });
});
