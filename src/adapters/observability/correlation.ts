import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

const storage = new AsyncLocalStorage<{ readonly correlationId: string }>();
const ACCEPTABLE = /^[\x21-\x7e]{1,128}$/;

/** Runs `work` with a correlation id that every log line inside it carries. */
export function withCorrelationId<T>(correlationId: string, work: () => T): T {
  return storage.run({ correlationId }, work);
}

export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

/** A sane token: visible ASCII, no spaces or control characters, at most 128 characters. */
export function isCorrelationId(candidate: unknown): candidate is string {
  return typeof candidate === 'string' && ACCEPTABLE.test(candidate);
}

/** The caller's id when it is a sane token, else a new one. */
export function correlationIdFrom(candidate: unknown): string {
  return isCorrelationId(candidate) ? candidate : randomUUID();
}
