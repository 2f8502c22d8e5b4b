import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import express, { type Router } from 'express';
import type { ConsoleFiles } from './console-files.js';
import { PREVIEW_FRAME_POLICY, consolePolicy } from './console-policy.js';

/**
 * `/console`: the on-call page, static files served as they are (ES modules, no bundle), with a
 * strict Content-Security-Policy. Files are revalidated on every load (no-cache), so a new
 * release is picked up at once; the API key never appears in a URL (docs/adr/0026-on-call-console.md).
 */
export function consoleRouter(files: ConsoleFiles): Router {
  const policy = consolePolicy(readFileSync(join(files.page, 'index.html'), 'utf8'));
  const headers = {
    'Content-Security-Policy': policy,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-cache',
  };
  const framed = { ...headers, 'Content-Security-Policy': PREVIEW_FRAME_POLICY, 'X-Frame-Options': 'SAMEORIGIN' };
  const secure = (res: ServerResponse, path = '') => {
    for (const [name, value] of Object.entries(path.endsWith('preview-frame.html') ? framed : headers)) res.setHeader(name, value);
  };
  const router = express.Router({ strict: true });
  router.get('/console', (_req, res) => res.redirect(301, '/console/'));
  router.get('/console/vendor/:file', (req, res, next) => {
    // Own keys only: `constructor` or `__proto__` would find Object's members, not a file.
    const path = Object.hasOwn(files.vendor, req.params.file) ? files.vendor[req.params.file] : undefined;
    if (path === undefined) return next();
    secure(res);
    res.sendFile(path);
  });
  router.use('/console/', express.static(files.page, { index: 'index.html', redirect: false, setHeaders: secure, dotfiles: 'ignore' }));
  return router;
}
