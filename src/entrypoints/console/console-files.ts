import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the console's files are: its page (`console/`) and the vendor modules it imports. */
export interface ConsoleFiles {
  readonly page: string;
  /** File name under /console/vendor/ -> its path on disk. */
  readonly vendor: Readonly<Record<string, string>>;
}

/** The packages' ES modules the page imports (by the names of the page's import map), served as they ship. */
const VENDOR: Readonly<Record<string, string>> = {
  'preact.mjs': 'preact/dist/preact.mjs',
  'hooks.mjs': 'preact/hooks/dist/hooks.mjs',
  'htm.mjs': 'htm/dist/htm.mjs',
  'uPlot.esm.js': 'uplot/dist/uPlot.esm.js',
  'uPlot.min.css': 'uplot/dist/uPlot.min.css',
};

/**
 * `console/` and `node_modules/` at the repository (or image) root, found by walking up from this
 * file, so it resolves the same from src/ (tsx) and from dist/ (the build, the image).
 */
export function consoleFiles(from = dirname(fileURLToPath(import.meta.url))): ConsoleFiles {
  let dir = from;
  while (!existsSync(join(dir, 'console', 'index.html'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no console/index.html above ${from}`);
    dir = parent;
  }
  const vendor = Object.fromEntries(Object.entries(VENDOR).map(([name, path]) => [name, join(dir, 'node_modules', path)]));
  return { page: join(dir, 'console'), vendor };
}
