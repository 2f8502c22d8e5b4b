import { mkdir } from 'node:fs/promises';
import { type Browser, type Page, chromium } from 'playwright-core';

/** Debian's chromium (scripts/setup.sh --only-packages installs it); CHROMIUM_PATH overrides. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/**
 * Where each view's screenshot goes: .run/console (ignored) in every run, so that `make test` leaves
 * the tree clean; docs/console (shown in the README) with CONSOLE_SCREENSHOTS=docs/console, as
 * `make console-screenshots` runs it.
 */
const SHOTS = process.env.CONSOLE_SCREENSHOTS ?? '.run/console';

/** Headless Chromium for the console's browser tests: one context (tab storage, cookies) per page. */
export class ConsoleBrowser {
  private constructor(private readonly browser: Browser) {}

  static async launch(): Promise<ConsoleBrowser> {
    return new ConsoleBrowser(await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] }));
  }

  async open(baseUrl: string): Promise<ConsolePage> {
    const context = await this.browser.newContext({ viewport: { width: 1280, height: 860 }, colorScheme: 'light', reducedMotion: 'reduce' });
    const page = await context.newPage();
    const opened = new ConsolePage(page, baseUrl);
    await page.goto(`${baseUrl}/console/`);
    return opened;
  }

  close(): Promise<void> {
    return this.browser.close();
  }
}

/**
 * A console tab that records what must not happen: console errors, uncaught exceptions, failed
 * requests and answers of 400 or above, except those a test expects (`expectRefused`).
 */
export class ConsolePage {
  readonly problems: string[] = [];
  readonly urls: string[] = [];
  private readonly expected: RegExp[] = [];

  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {
    const expected = (text: string) => this.expected.some((pattern) => pattern.test(text));
    page.on('console', (message) => {
      const where = message.location().url ?? '';
      if (message.type() === 'error' && !expected(`${message.text()} ${where}`)) this.problems.push(`console: ${message.text()} (${where})`);
    });
    page.on('pageerror', (error) => this.problems.push(`pageerror: ${error.message}`));
    page.on('requestfailed', (request) => {
      if (!expected(request.url())) this.problems.push(`request failed: ${request.method()} ${request.url()} ${request.failure()?.errorText}`);
    });
    page.on('request', (request) => this.urls.push(request.url()));
    page.on('response', (response) => {
      if (response.status() >= 400 && !expected(response.url())) this.problems.push(`HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
    });
  }

  /** A refusal the test provokes on purpose (its URL, and the console's report of it). */
  expectRefused(pattern: RegExp): void {
    this.expected.push(pattern);
  }

  async signIn(key: string): Promise<void> {
    await this.page.getByLabel('API key').fill(key);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
    await this.page.getByRole('navigation', { name: 'Sections' }).waitFor();
  }

  async go(hash: string): Promise<void> {
    await this.page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
  }

  async screenshot(name: string): Promise<void> {
    await mkdir(SHOTS, { recursive: true });
    await this.page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
  }

  async close(): Promise<void> {
    await this.page.context().close();
  }
}
