import nodemailer, { type SendMailOptions } from 'nodemailer';
import type { SmtpBound } from '../results.js';
import type { SinkClient } from '../sink-client.js';
import { log, round, wallNow } from '../util.js';

const CONNECTION_COUNTS = [1, 2, 4, 8, 16];

const ROWS = Array.from({ length: 16 }, (_, i) => `<tr><td style="padding:4px 8px">Item ${i + 1}</td><td style="padding:4px 8px;text-align:right">9.99</td></tr>`).join('');
export const HTML = `<!doctype html><html><body style="font-family:Arial,sans-serif;color:#222"><h1 style="font-size:20px">Your order is confirmed</h1><p>Hello, thank you for your order. We will let you know when it ships.</p><table style="border-collapse:collapse">${ROWS}</table><p>Total: 159.84</p><p style="color:#888;font-size:12px">Bench Notifications. You receive this email because you have an account with us.</p></body></html>`;
export const TEXT = `Your order is confirmed\n\nHello, thank you for your order. We will let you know when it ships.\n\n${Array.from({ length: 16 }, (_, i) => `Item ${i + 1}    9.99`).join('\n')}\n\nTotal: 159.84\n\nBench Notifications. You receive this email because you have an account with us.\n`;

/** An email shaped like the service's: multipart HTML and text, a Message-ID, ~3.2 KB on the wire (the service's are ~3.3 KB). */
function mail(i: number): SendMailOptions {
  return {
    from: 'notifications@example.com',
    to: `raw-${i}@bench.example.com`,
    subject: `Order #${100_000 + i} Confirmed`,
    messageId: `<raw-${i}@example.com>`,
    html: HTML,
    text: TEXT,
  };
}

async function sendAll(port: number, connections: number, messages: number, warmup: number): Promise<number> {
  const transport = nodemailer.createTransport({ pool: true, host: '127.0.0.1', port, secure: false, ignoreTLS: true, maxConnections: connections, maxMessages: Infinity });
  try {
    let next = 0;
    const send = async (until: number) => {
      while (next < until) await transport.sendMail(mail(next++));
    };
    // Twice as many senders as connections, so the pool always has the next message queued.
    const run = (until: number) => Promise.all(Array.from({ length: connections * 2 }, () => send(until)));
    await run(warmup);
    const start = wallNow();
    await run(warmup + messages);
    return messages / ((wallNow() - start) / 1_000);
  } finally {
    transport.close();
  }
}

/** nodemailer pooled into the sink process, at each connection count: the SMTP bound. */
export async function measureSmtp(sink: SinkClient, messages: number): Promise<SmtpBound> {
  const byConnections: Array<{ connections: number; rate: number }> = [];
  let messageBytes = 0;
  for (const connections of CONNECTION_COUNTS) {
    await sink.reset();
    const warmup = connections * 10;
    const rate = await sendAll(sink.port, connections, messages, warmup);
    const stats = await sink.stats();
    if (stats.accepted !== messages + warmup) throw new Error(`raw SMTP: the sink accepted ${stats.accepted} of ${messages + warmup}`);
    messageBytes = Math.round(stats.bytes / stats.accepted);
    byConnections.push({ connections, rate: round(rate) });
    log(`  nodemailer pool, ${connections} connection(s): ${round(rate)} messages/s`);
  }
  const best = byConnections.reduce((a, b) => (b.rate > a.rate ? b : a));
  return { messages, messageBytes, byConnections, best };
}
