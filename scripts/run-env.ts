/**
 * The settings scripts/setup.sh writes to .run/env (server URLs with their generated passwords),
 * for the tests and the bench: the environment wins (the make targets export .run/env through
 * scripts/with-env.sh, and a user may give their own), else the file is read, so that
 * `npx mocha --config config/mocha.integration.json` works after `make setup`.
 */
import { readFileSync } from 'node:fs';

const ENV_FILE = new URL('../.run/env', import.meta.url);

let fileValues: Record<string, string> | undefined;

function fromFile(): Record<string, string> {
  if (fileValues) return fileValues;
  const values: Record<string, string> = {};
  try {
    for (const line of readFileSync(ENV_FILE, 'utf8').split('\n')) {
      const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
      if (match) values[match[1]!] = match[2]!;
    }
  } catch {
    /* no .run/env: setup has not run */
  }
  fileValues = values;
  return values;
}

/** A setting from the environment, else from .run/env; undefined when neither has it. */
export function runSetting(name: string): string | undefined {
  const value = process.env[name] || fromFile()[name];
  return value === undefined || value === '' ? undefined : value;
}

/** Like runSetting, but a missing setting is an error that says what to do. */
export function requiredRunSetting(name: string): string {
  const value = runSetting(name);
  if (value === undefined) {
    throw new Error(`${name} is not set and .run/env has none: run \`make setup\` first (it starts the project's own servers), or set ${name}`);
  }
  return value;
}
