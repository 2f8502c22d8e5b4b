import { createHash } from 'node:crypto';

const IMPORT_MAP = /<script type="importmap">([\s\S]*?)<\/script>/;

/**
 * The page's Content-Security-Policy: scripts and styles from this origin only, no inline script
 * but the import map (allowed by its hash, it maps module names and runs nothing), requests to
 * this origin only (its WebSocket included), never framed. The email preview has a policy of its own
 * (`PREVIEW_FRAME_POLICY`) (docs/adr/0026-on-call-console.md).
 */
export function consolePolicy(indexHtml: string): string {
  const importMap = IMPORT_MAP.exec(indexHtml)?.[1];
  if (importMap === undefined) throw new Error('console/index.html has no import map');
  const hash = createHash('sha256').update(importMap, 'utf8').digest('base64');
  return [
    "default-src 'none'",
    `script-src 'self' 'sha256-${hash}'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "frame-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The email preview's frame (console/preview-frame.html, sandboxed by the console into an opaque
 * origin): its one script from this origin, a rendered email's inline styles, images only inline
 * (no remote fetch that would tell a sender the preview was opened), framed by the console only.
 */
export const PREVIEW_FRAME_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'unsafe-inline'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
].join('; ');
