// Local SMTP sink for `make run` when no SMTP server is configured: `npx tsx scripts/dev-smtp-sink.ts`.
// Accepts every message on 127.0.0.1:${DEV_SMTP_PORT:-2525}, keeps it as an .eml file in
// ${DEV_MAIL_DIR:-.run/mail}, and lists the captured mail on http://127.0.0.1:${DEV_MAIL_HTTP_PORT:-8025}/.
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import type { EventEmitter } from 'node:events';
import http from 'node:http';
import type { Server } from 'node:net';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

const HOST = '127.0.0.1';
const EML_NAME = /^[\w.@+=-]+\.eml$/; // the only names this sink writes and serves (no '/', so no traversal)
const PARSE = { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true } as const;

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65_535) {
    console.error(`dev-smtp-sink: ${name} must be a port number, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return value;
}

const smtpPort = portFromEnv('DEV_SMTP_PORT', 2525);
const httpPort = portFromEnv('DEV_MAIL_HTTP_PORT', 8025);
const mailDir = path.resolve(process.env.DEV_MAIL_DIR || '.run/mail');
await mkdir(mailDir, { recursive: true });

function fileName(messageId: string | undefined, receivedAt: Date): string {
  const id = (messageId ?? '').replace(/^<|>$/g, '').replace(/[^\w.@+=-]/g, '_').slice(0, 120) || 'no-message-id';
  return `${receivedAt.toISOString().replace(/[:.]/g, '-')}-${id}.eml`;
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const smtp = new SMTPServer({
  disabledCommands: ['AUTH', 'STARTTLS'],
  authOptional: true,
  disableReverseLookup: true,
  logger: false,
  size: 25 * 1024 * 1024,
  closeTimeout: 1_000,
  onData(stream, _session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      const raw = Buffer.concat(chunks);
      simpleParser(raw, PARSE)
        .then((parsed) => writeFile(path.join(mailDir, fileName(parsed.messageId, new Date())), raw, { flag: 'wx' }))
        .then(() => callback(null, 'saved'), (error: Error) => callback(error));
    });
  },
});

async function indexPage(): Promise<string> {
  const names = (await readdir(mailDir)).filter((name) => EML_NAME.test(name)).sort().reverse().slice(0, 200);
  const rows = await Promise.all(
    names.map(async (name) => {
      const file = path.join(mailDir, name);
      const [info, parsed] = await Promise.all([stat(file), readFile(file).then((raw) => simpleParser(raw, PARSE))]);
      const to = [parsed.to ?? []].flat().map((address) => address.text).join(', ');
      const cells = [info.mtime.toISOString(), to, parsed.subject ?? ''].map((cell) => `<td>${escapeHtml(cell)}</td>`);
      return `<tr>${cells.join('')}<td><a href="/mail/${encodeURIComponent(name)}">raw</a></td></tr>`;
    }),
  );
  return `<!doctype html><html><head><meta charset="utf-8"><title>Captured mail</title>
<style>body{font:14px sans-serif;margin:2em}td,th{padding:.3em .8em;text-align:left;border-bottom:1px solid #ddd}</style></head>
<body><h1>Captured mail (${names.length})</h1><p>${escapeHtml(mailDir)}</p>
<table><tr><th>Received</th><th>To</th><th>Subject</th><th></th></tr>${rows.join('\n')}</table></body></html>`;
}

const web = http.createServer((req, res) => {
  const send = (status: number, type: string, body: string | Buffer): void => {
    res.writeHead(status, {
      'content-type': `${type}; charset=utf-8`,
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain', 'read-only\n');
  const { pathname } = new URL(req.url ?? '/', 'http://localhost');
  if (pathname === '/') {
    return void indexPage().then((html) => send(200, 'text/html', html), (error: Error) => send(500, 'text/plain', `${error.message}\n`));
  }
  let name = '';
  try {
    name = decodeURIComponent(/^\/mail\/([^/]+)$/.exec(pathname)?.[1] ?? '');
  } catch {
    // malformed escape: not found below
  }
  if (!EML_NAME.test(name)) return send(404, 'text/plain', 'not found\n');
  readFile(path.join(mailDir, name)).then((raw) => send(200, 'text/plain', raw), () => send(404, 'text/plain', 'not found\n'));
});

// smtp-server re-emits its listen errors, and errors of clients that vanish mid-transaction, on itself.
const listen = (emitter: EventEmitter, server: Server, start: () => void): Promise<void> =>
  new Promise((resolve, reject) => {
    emitter.once('error', reject);
    server.once('listening', () => {
      emitter.off('error', reject);
      resolve();
    });
    start();
  });

try {
  await listen(smtp, smtp.server, () => smtp.listen(smtpPort, HOST));
  await listen(web, web, () => web.listen(httpPort, HOST));
} catch (error) {
  console.error(`dev-smtp-sink: cannot listen: ${(error as Error).message}`);
  process.exit(1);
}
smtp.on('error', (error: Error) => console.error(`dev-smtp-sink: ${error.message}`));
console.log(`dev SMTP sink: smtp://${HOST}:${smtpPort}  mail index: http://${HOST}:${httpPort}/  (saving to ${mailDir})`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  web.close();
  web.closeAllConnections();
  smtp.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2_000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
