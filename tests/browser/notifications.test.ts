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
    const row = page.locator(`tr[data-id="${failedId}"]`);
    // The list reads the standby, which may not have replayed both rows yet after a busy suite: search
    // again, as a person would, until both are there (each search is a real request; none may fail).
    await eventually(async () => {
      await page.getByRole('button', { name: 'Search' }).click();
      const shown = await row.waitFor({ timeout: 2_000 }).then(() => page.locator('tbody tr').count(), () => 0);
      return shown === 2 || undefined;
    }, 20_000, "the user's two notifications in the list");
    expect(page.url()).to.match(/#\/notifications\?userid=u-ana$/);
    // The same search again reads again (the route does not change, the list must).
    const [again] = await Promise.all([page.waitForResponse((r) => r.url().includes('/notifications?userid=u-ana')), page.getByRole('button', { name: 'Search' }).click()]);
    expect(again.status()).to.equal(200);
    await row.waitFor();
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

  it('keeps the retry in place (no second retry offered), and opens the new notification even while the standby has not got it yet', async () => {
    const { page } = tabs[0]!;
    const retryButton = page.getByRole('button', { name: `Retry notification ${failedId}` });
    await page.waitForTimeout(1_000);
    expect(await retryButton.count()).to.equal(0);
    const link = page.getByRole('status').filter({ hasText: 'Retried as' }).getByRole('link');
    const retryId = (await link.getAttribute('href'))!.split('/').pop()!;
    // The standby lags: the first read of the new notification answers 404, as it would then.
    tabs[0]!.expectRefused(new RegExp(`/notifications/${retryId}`));
    const problem = { type: 'about:blank', title: 'Not Found', status: 404, detail: 'No such notification' };
    await page.route(`**/notifications/${retryId}`, (route) => route.fulfill({ status: 404, contentType: 'application/problem+json', body: JSON.stringify(problem) }), { times: 1 });
    await link.click();
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    expect(await page.locator('h1').textContent()).to.include(retryId);
    expect(await page.getByRole('alert').count()).to.equal(0);
    await tabs[0]!.go('#/notifications?userid=u-ana');
    await page.locator(`tr[data-id="${failedId}"] .retried a`).waitFor();
    expect(await retryButton.count()).to.equal(0);
  });

  it('reconnects a dropped stream with a new ticket, and marks the time it was away', async () => {
    const tab = await open();
    let connections = 0;
    const first: { drop?: () => Promise<void> } = {};
    await tab.page.routeWebSocket(/\/ws\?ticket=/, (ws) => {
      const server = ws.connectToServer();
      if (++connections === 1) first.drop = async () => (await ws.close({ code: 1012, reason: 'service restart' }), await server.close());
    });
    await tab.go('#/stream');
    const status = tab.page.getByRole('status').filter({ hasText: /^(Live|Disconnected)/ });
    await tab.page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await first.drop!();
    await tab.page.getByRole('status').filter({ hasText: 'Disconnected — reconnecting' }).waitFor();
    await tab.page.getByRole('status').filter({ hasText: /^Live$/ }).waitFor({ timeout: 10_000 });
    expect(await status.textContent()).to.equal('Live');
    expect(connections).to.equal(2);
    expect(tab.urls.filter((url) => url.endsWith('/ws/tickets')).length).to.equal(2);
    expect(await tab.page.locator('tr.gap').textContent()).to.include('Missed while disconnected');
  });

  it('opens no stream when the view is left while its ticket is on its way', async () => {
    const tab = await open();
    const streams = async () => Number(((await world.admin.get('/broker/health')).body.components as Record<string, { connections?: number }>).stream?.connections);
    const before = await streams();
    let answer: (() => void) | null = null;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    await tab.page.route('**/ws/tickets', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      await route.continue();
      answer!();
    }, { times: 1 });
    await tab.go('#/stream');
    await tab.page.getByRole('status').filter({ hasText: 'Connecting…' }).waitFor();
    await tab.go('#/notifications');
    await answered;
    await tab.page.waitForTimeout(1_000);
    expect(await streams()).to.equal(before);
  });
});
