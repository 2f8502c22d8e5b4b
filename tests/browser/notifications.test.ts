import { expect } from 'chai';
import { ConsoleBrowser, type ConsolePage } from '../support/console-browser.js';
import { eventually } from '../support/databases.js';
import { E2E_ADMIN_KEY } from '../support/e2e-service.js';
import { PipelineWorld } from '../support/pipeline-world.js';

/** The page's global, as much of it as the tests read (the tests compile without the DOM's types). */
interface Window {
  getComputedStyle(element: unknown): { color: string };
}

describe('console: a user\'s failed notification, its timeline, and its retry in the live stream (built service, Chromium)', function () {
  let world: PipelineWorld;
  let browser: ConsoleBrowser;
  const tabs: ConsolePage[] = [];
  let failedId: string;

  const open = async () => {
    const tab = await browser.open(world.admin.baseUrl);
    tabs.push(tab);
    await tab.signIn(E2E_ADMIN_KEY);
    return tab;
  };

  before(async () => {
    [world, browser] = await Promise.all([PipelineWorld.create('browser_notes'), ConsoleBrowser.launch()]);
    await world.startService();
    world.smtp.respondWith([{ reply: 550, message: 'mailbox unavailable' }]);
    const sent = await world.admin.post('/notifications/send', { notification_type: 'welcome', recipient_email: 'ana@example.com', userid: 'u-ana', template_vars: { username: 'Ana' } });
    failedId = String(sent.body.notification_id);
    await eventually(async () => world.smtp.messages.length === 0 || undefined, 1, 'nothing sent yet');
    await world.admin.post('/notifications/send', { notification_type: 'welcome', recipient_email: 'ana@example.com', userid: 'u-ana', template_vars: { username: 'Ana' } });
    await eventually(async () => {
      const h = await world.admin.get('/notifications/history/u-ana');
      const statuses = (h.body.notifications as Array<{ status: string }>).map((n) => n.status).sort();
      return statuses.join() === 'failed,sent' || undefined;
    }, 20_000, 'one failed, one sent');
  });
  afterEach(async () => {
    for (const tab of tabs) expect(tab.problems).to.deep.equal([]);
  });
  after(async () => {
    await browser?.close();
    await world?.stop();
  });

  it('finds the user\'s notifications by user id, the failed one red with its reason and attempts', async () => {
    const { page } = await open();
    await page.getByLabel('Term').fill('u-ana');
    await page.getByRole('button', { name: 'Search' }).click();
    const row = page.locator(`tr[data-id="${failedId}"]`);
    await row.waitFor();
    expect(page.url()).to.match(/#\/notifications\?userid=u-ana$/);
    expect(await row.locator('.badge').textContent()).to.equal('failed');
    expect(await row.locator('.badge').evaluate((e) => (globalThis as unknown as Window).getComputedStyle(e).color)).to.equal('rgb(198, 40, 40)');
    expect(await row.locator('td').nth(1).textContent()).to.match(/^[a-z_]+$/);
    expect(await page.locator('tbody tr').count()).to.equal(2);
    await tabs[0]!.screenshot('notifications');
  });

  it('opens the failed one\'s timeline: each attempt with the provider\'s answer', async () => {
    const { page } = tabs[0]!;
    await page.locator(`tr[data-id="${failedId}"] th a`).click();
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    expect(await page.locator('h1').textContent()).to.include(failedId);
    const attempt = page.locator('.timeline li', { hasText: 'Attempt 1' });
    expect(await attempt.textContent()).to.include('permanent failure');
    await attempt.getByText('Provider response').click();
    expect(await attempt.locator('pre').textContent()).to.include('550');
    await tabs[0]!.screenshot('timeline');
  });

  it('retries it and sees the retry turn sent in the live stream', async () => {
    const stream = await open();
    await stream.go('#/stream');
    await stream.page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    const { page } = tabs[0]!;
    await page.getByRole('button', { name: `Retry notification ${failedId}` }).click();
    const link = page.getByRole('status').filter({ hasText: 'Retried as' }).getByRole('link');
    const retryId = (await link.getAttribute('href'))!.split('/').pop()!;
    const row = stream.page.locator(`tr[data-id="${retryId}"]`);
    await row.waitFor({ timeout: 20_000 });
    expect(await row.locator('.badge').textContent()).to.equal('sent');
    expect(await row.textContent()).to.include('ana@example.com');
    await stream.screenshot('stream');
  });
});
