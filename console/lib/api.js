import { session } from './session.js';

/** A refused request: the problem+json the service answered (title, detail, field errors). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

const listeners = new Set();
/** Called with every 401, so the shell can send the user back to sign in. */
export const onUnauthorized = (listener) => listeners.add(listener);

/** Calls the service with the session's key as a Bearer token; JSON in and out. */
export async function api(method, path, body, key = session.key()) {
  const headers = { accept: 'application/json, application/problem+json' };
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  const text = await response.text();
  const parsed = text ? safeJson(text) : null;
  if (!response.ok) {
    if (response.status === 401 && key === session.key()) listeners.forEach((l) => l());
    throw new ApiError(response.status, parsed ?? { title: response.statusText, detail: text });
  }
  return parsed;
}

function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** `?a=1&b=2` from an object, leaving out empty values. */
export function query(params) {
  const search = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ''));
  const text = search.toString();
  return text ? `?${text}` : '';
}
