import { expect } from 'chai';
import { ConsoleBrowser, type ConsolePage } from '../support/console-browser.js';
import { E2E_ADMIN_KEY, E2eService } from '../support/e2e-service.js';

describe('console: templates, a draft with its preview, publish and roll back (built service, Chromium)', function () {
  let world: E2eService;
  let browser: ConsoleBrowser;
  let tab: ConsolePage;

  before(async () => {
    [world, browser] = await Promise.all([E2eService.start('browser_templates'), ConsoleBrowser.launch()]);
    const created = await world.admin.post('/templates', { name: 'shipping_update', channel: 'email', subject: 'Your order {{ order }} shipped', body: 'Hello {{ name }}, it is on its way.', variables: ['order', 'name'] });
    expect(created.status, created.text).to.equal(201);
    tab = await browser.open(world.admin.baseUrl);
    await tab.signIn(E2E_ADMIN_KEY);
  });
  afterEach(() => expect(tab.problems).to.deep.equal([]));
  after(async () => {
    await browser?.close();
    await world?.stop();
  });

  it('lists the templates with their live version, and opens one with its preview of the live text', async () => {
    const { page } = tab;
    await page.getByRole('link', { name: 'Templates' }).click();
    await page.getByRole('link', { name: 'shipping_update' }).click();
    const preview = page.locator('.rendered-out');
    await preview.waitFor();
    expect(await preview.getAttribute('data-version')).to.equal('1');
    expect(await preview.textContent()).to.include('Your order Ana shipped');
  });

  it('saves an edited draft, and the preview shows the draft with the sample variables as they change', async () => {
    const { page } = tab;
    await page.getByLabel('subject').fill('Order <%= it.order %> is on the road');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved as draft v2.' }).waitFor();
    await page.locator('.rendered-out[data-version="2"]').waitFor();
    expect(await page.locator('.rendered-out').textContent()).to.include('Order Ana is on the road');
    await page.getByLabel('Sample variables (JSON)').fill('{"order": "A-1001", "name": "Ben"}');
    await page.locator('.rendered-out', { hasText: 'Order A-1001 is on the road' }).waitFor();
    expect(await page.locator('.rendered-out').textContent()).to.include('Hello Ben');
    expect((await world.admin.get('/templates/shipping_update')).body.live_version).to.equal(1);
    await tab.screenshot('templates');
  });

  it('publishes the draft, then rolls back to version 1', async () => {
    const { page } = tab;
    await page.getByRole('button', { name: 'Publish v2' }).click();
    await page.getByRole('status').filter({ hasText: 'v2 is live.' }).waitFor();
    expect((await world.admin.get('/templates/shipping_update')).body.live_version).to.equal(2);
    await page.getByRole('button', { name: 'Roll back to v1' }).click();
    await page.getByRole('status').filter({ hasText: 'v1 is live.' }).waitFor();
    expect((await world.admin.get('/templates/shipping_update')).body.live_version).to.equal(1);
    await page.getByRole('button', { name: 'Publish v2' }).waitFor();
  });

  it('keeps an unsaved draft through a 401 mid-session, and restores it after signing in again', async () => {
    const created = await world.admin.post('/admin/api-keys', { name: 'console-draft', scopes: ['notifications:read', 'templates:read', 'templates:write'] });
    expect(created.status, created.text).to.equal(201);
    const other = await browser.open(world.admin.baseUrl);
    try {
      await other.signIn(String(created.body.key));
      const { page } = other;
      await other.go('#/templates/shipping_update');
      await page.getByLabel('subject').fill('Words not saved yet');
      expect((await world.admin.delete(`/admin/api-keys/${String(created.body.id)}`)).status).to.be.below(300);
      other.expectRefused(/\/templates\/shipping_update$/);
      await page.getByRole('button', { name: 'Save draft' }).click();
      expect(await page.getByRole('alert').textContent()).to.include('Unsaved template drafts are kept');
      await other.signIn(E2E_ADMIN_KEY);
      await page.locator('.restored').waitFor();
      expect(await page.getByLabel('subject').inputValue()).to.equal('Words not saved yet');
      await page.getByRole('button', { name: 'Save draft' }).click();
      await page.getByRole('status').filter({ hasText: 'Saved as draft v3.' }).waitFor();
      expect(((await world.admin.get('/templates/shipping_update/versions/3')).body.variants as Array<{ subject: string }>)[0]!.subject).to.equal('Words not saved yet');
      expect(await page.evaluate('Object.keys(sessionStorage).filter((k) => k.includes("draft")).length')).to.equal(0);
      expect(other.problems).to.deep.equal([]);
    } finally {
      await other.close();
    }
  });
});
