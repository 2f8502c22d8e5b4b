import { expect } from 'chai';
import { ConsoleBrowser, type ConsolePage } from '../support/console-browser.js';
import { E2E_ADMIN_KEY, E2eService } from '../support/e2e-service.js';

describe('console: sign in (built service, Chromium)', function () {
  let world: E2eService;
  let browser: ConsoleBrowser;
  let tab: ConsolePage;

  before(async () => {
    [world, browser] = await Promise.all([E2eService.start('browser_signin'), ConsoleBrowser.launch()]);
  });
  afterEach(async () => {
    expect(tab.problems).to.deep.equal([]);
    await tab.close();
  });
  after(async () => {
    await browser?.close();
    await world?.stop();
  });

  it('serves /console with a strict Content-Security-Policy and its modules from the service itself', async () => {
    const res = await fetch(`${world.admin.baseUrl}/console`, { redirect: 'manual' });
    expect([res.status, res.headers.get('location')]).to.deep.equal([301, '/console/']);
    const page = await fetch(`${world.admin.baseUrl}/console/`);
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(policy).to.match(/^default-src 'none'; script-src 'self' 'sha256-[A-Za-z0-9+/=]+'; style-src 'self';/);
    expect(policy).to.include("frame-ancestors 'none'").and.not.include('unsafe');
    expect((await fetch(`${world.admin.baseUrl}/console/vendor/preact.mjs`)).headers.get('content-type')).to.match(/javascript/);
    expect((await fetch(`${world.admin.baseUrl}/console/vendor/nothing.mjs`)).status).to.equal(404);
    tab = await browser.open(world.admin.baseUrl);
  });

  it('refuses a wrong key with the service\'s problem detail, then signs in, keeps the key in this tab only, and signs out', async () => {
    tab = await browser.open(world.admin.baseUrl);
    tab.expectRefused(/\/notifications\/history\/console-sign-in/);
    const { page } = tab;
    await page.getByLabel('API key').fill('not-a-key-0123456789');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await expect(await alert.textContent()).to.match(/Sign in refused \(401/);
    await page.getByLabel('API key').fill('');
    await tab.screenshot('signin');

    await tab.signIn(E2E_ADMIN_KEY);
    expect(await page.evaluate('Object.values(sessionStorage)')).to.deep.equal([E2E_ADMIN_KEY]);
    expect(await page.evaluate('localStorage.length')).to.equal(0);
    await page.reload();
    await page.getByRole('navigation', { name: 'Sections' }).waitFor();
    expect(tab.urls.filter((url) => url.includes(E2E_ADMIN_KEY))).to.deep.equal([]);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    expect(await page.evaluate('sessionStorage.length')).to.equal(0);
  });
});
