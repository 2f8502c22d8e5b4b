import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorJson, type TwilioError } from './twilio-wire.js';

/** An answer the fake gives instead of checking and accepting: Twilio's error JSON, or `rawBody` as it is. */
export interface TwilioAnswer extends Partial<TwilioError> {
  readonly status: number;
  readonly retryAfter?: string;
  readonly rawBody?: string;
}

export interface AcceptedSms {
  readonly sid: string;
  readonly to: string;
  readonly from: string | null;
  readonly messagingServiceSid: string | null;
  readonly body: string;
  readonly statusCallback: string | null;
  readonly numSegments: number;
}

/** Twilio's own code for a bare HTTP status: 20003 refused credentials, else 20000 + status (20429, 20500, 20503). */
function defaultCode(status: number): number {
  return status === 401 ? 20003 : 20_000 + status;
}

export function acceptedSms(sid: string, fields: URLSearchParams, numSegments: number): AcceptedSms {
  const optional = (name: string) => fields.get(name) ?? null;
  return { sid, to: fields.get('To') ?? '', from: optional('From'), messagingServiceSid: optional('MessagingServiceSid'), body: fields.get('Body') ?? '', statusCallback: optional('StatusCallback'), numSegments };
}

export function answer(res: ServerResponse, given: TwilioAnswer): void {
  const headers: Record<string, string> = given.retryAfter === undefined ? {} : { 'retry-after': given.retryAfter };
  if (given.status === 401) headers['www-authenticate'] = 'Basic realm="Twilio API"';
  const body = given.rawBody ?? errorJson({ status: given.status, code: given.code ?? defaultCode(given.status), ...(given.message ? { message: given.message } : {}) });
  json(res, given.status, body, headers);
}

export function json(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(body);
}

export function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  return new Promise((resolve) => {
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}
