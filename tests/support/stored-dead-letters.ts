import type { CapturedMessage } from './broker.js';
import { sqlOnPrimary } from './databases.js';

interface Row {
  routing_key: string;
  properties: { messageId?: string; correlationId?: string; type?: string };
  headers: Record<string, unknown>;
  body: Buffer;
}

/**
 * The dead letters the service moved from its dead-letter queue into the dead_letters table (ADR 24),
 * read as the queue's messages were: a JSON body parsed, any other as `{raw}`.
 */
export async function storedDeadLetters(database: string): Promise<CapturedMessage[]> {
  const rows = await sqlOnPrimary<Row>(database, 'select routing_key, properties, headers, body from dead_letters order by created_at, id');
  return rows.map((r) => ({
    routingKey: r.routing_key,
    messageId: r.properties.messageId,
    correlationId: r.properties.correlationId,
    type: r.properties.type,
    headers: r.headers,
    body: bodyOf(r.body),
    persistent: true,
  }));
}

function bodyOf(body: Buffer): Record<string, unknown> {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as unknown;
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { raw: body.toString('utf8') };
  } catch {
    return { raw: body.toString('utf8') };
  }
}

/** Dead letters anywhere: moved into the table, or still in the queue (`queued`, read after the service stopped). */
export async function deadLetterCount(database: string, queued: () => Promise<number>): Promise<number> {
  const [row] = await sqlOnPrimary<{ n: string }>(database, 'select count(*) as n from dead_letters');
  return Number(row?.n ?? 0) + (await queued());
}
