import type { Request } from 'express';
import { canonicalJson, sha256Hex } from '../../canonical-json.js';
import type { HttpDeps } from '../http-deps.js';
import { IdempotencyKey } from '../schemas.js';
import { parse } from '../validation.js';

/**
 * The caller's Idempotency-Key (or X-Idempotency-Key), scoped to its credential so two clients'
 * keys never collide, with a hash of the body as sent (key order aside).
 */
export function idempotencyOf(req: Request, callerOf: HttpDeps['callerOf'], body: unknown) {
  const key = parse(IdempotencyKey, req.get('idempotency-key') ?? req.get('x-idempotency-key'), 'idempotency-key');
  if (key === undefined) return null;
  return { key: `${callerOf(req.get('authorization') ?? '')}:${key}`, requestHash: sha256Hex(canonicalJson(body)) };
}
