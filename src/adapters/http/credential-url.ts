import type { EnvReader } from '../system/env-reader.js';

const LOOPBACK_IPV4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** 127.0.0.0/8, ::1 or localhost, as WHATWG URL parsing leaves a host (lower case, IPv4 normalised, IPv6 in brackets). */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || LOOPBACK_IPV4.test(hostname);
}

/**
 * Whether a URL that credentials are sent to (Twilio's Basic auth, FCM's access token, the signed
 * JWT assertion) is safe to use: https, or http to this machine, where the local fakes run. Any
 * other http would show the credentials to whoever is on the path, for a typo's sake.
 */
export function isTlsOrLoopback(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === 'https:' || (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname));
}

/** The configuration problem for `name` holding an http URL to another host. */
export function plainHttpProblem(name: string): string {
  return `${name} must be an https:// URL: credentials are sent to it (http:// is accepted only for a loopback host: 127.0.0.0/8, ::1, localhost)`;
}

/** An http(s) URL variable that credentials are sent to; undefined, with a problem naming it, when not https or loopback. */
export function credentialUrl(env: EnvReader, name: string, fallback: string): string | undefined {
  const url = env.url(name, ['https', 'http'], { required: false, fallback });
  if (url === undefined || isTlsOrLoopback(url)) return url;
  env.problems.push(plainHttpProblem(name));
  return undefined;
}
