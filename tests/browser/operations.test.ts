import { expect } from 'chai';
import { ConsoleBrowser, type ConsolePage } from '../support/console-browser.js';
import { eventually } from '../support/databases.js';
import { E2E_ADMIN_KEY } from '../support/e2e-service.js';
import { PipelineWorld } from '../support/pipeline-world.js';

/** The views of the operations endpoints: search, detail, bulk retry, dead letters, analytics. */
describe('console: search, failed and bulk retry, dead letters, analytics (built service, Chromium)', function () {
  let world: PipelineWorld;
  let browser: ConsoleBrowser;
  let tab: ConsolePage;
  const failedIds: string[] = [];

  const send = async (recipient: string) => {
    const res = await world.admin.post('/notifications/send', { notification_type: 'welcome', recipient_email: recipient, userid: 'u-ops', template_vars: { username: 'Ops' } });
    return String(res.body.notification_id);
  };

  before(async () => {
    [world, browser] = await Promise.all([PipelineWorld.create('browser_ops'), ConsoleBrowser.launch()]);
    await world.startService();
    world.smtp.respondWith([{ reply: 550, message: 'mailbox unavailable' }, { reply: 550, message: 'mailbox unavailable' }]);
    failedIds.push(await send('bad-1@example.com'));
    failedIds.push(await send('bad-2@example.com'));
    await send('good@example.com');
    await eventually(async () => {
      const h = await world.admin.get('/notifications/history/u-ops');
      return (h.body.notifications as Array<{ status: string }>).filter((n) => n.status === 'failed').length === 2 || undefined;
    }, 20_000, 'two failed');
    tab = await browser.open(world.admin.baseUrl);
    await tab.signIn(E2E_ADMIN_KEY);
  });
  afterEach(() => expect(tab.problems).to.deep.equal([]));
  after(async () => {
    await browser?.close();
    await world?.stop();
  });

  it('finds a recipient\'s notifications, and opens one with its events', async () => {
    const { page } = tab;
    await tab.go('#/notifications?recipient=bad-1%40example.com');
    const row = page.locator(`tr[data-id="${failedIds[0]}"]`);
    await row.waitFor();
    expect(await page.locator('tbody tr').count()).to.equal(1);
    await row.locator('th a').click();
    await page.getByRole('heading', { name: 'Events published' }).waitFor();
    expect(await page.locator('section', { hasText: 'Events published' }).textContent()).to.include('notification.failed');
    // The email's frame loads its script: leaving before it has would abort that request.
    await page.frameLocator('iframe.preview-frame').locator('body', { hasText: 'Ops' }).waitFor();
  });

  it('lists the failed notifications created since a day, retries one in place, counts a bulk retry first, says why the other listed is left out, and retries it on confirmation; Escape cancels and focus returns', async () => {
    const { page } = tab;
    await page.getByRole('link', { name: 'Failed' }).click();
    // The list first (its render sets the form's fields from the route again).
    for (const id of failedIds) await page.locator(`tr[data-id="${id}"]`).waitFor();
    const today = String(await page.evaluate("new Date().toLocaleDateString('en-CA')"));
    await page.getByLabel('Created since').fill(today);
    const [listed] = await Promise.all([page.waitForResponse((r) => r.url().includes('created_from=')), page.getByRole('button', { name: 'Filter' }).click()]);
    expect(listed.status()).to.equal(200);
    for (const id of failedIds) await page.locator(`tr[data-id="${id}"]`).waitFor();
    expect(new URL(listed.url()).searchParams.get('created_from')).to.equal(String(await page.evaluate(`new Date(${JSON.stringify(`${today}T00:00`)}).toISOString()`)));
    // The same filter again reads again (failures may have come since): the route does not change.
    const [again] = await Promise.all([page.waitForResponse((r) => r.url().includes('created_from=')), page.getByRole('button', { name: 'Filter' }).click()]);
    expect(again.status()).to.equal(200);
    for (const id of failedIds) await page.locator(`tr[data-id="${id}"]`).waitFor();
    const first = page.locator(`tr[data-id="${failedIds[0]}"]`);
    await first.getByRole('button', { name: `Retry notification ${failedIds[0]}` }).click();
    await first.getByRole('status').filter({ hasText: 'Retried as' }).waitFor();
    const open = page.getByRole('button', { name: 'Retry all matching…' });
    await open.click();
    const dialog = page.getByRole('dialog', { name: 'Retry failed notifications' });
    await dialog.waitFor();
    const text = await dialog.textContent();
    expect(text).to.include('This retries 1 failed notifications that failed since');
    expect(text).to.include('1 of the 2 listed are not retried: 1 retried already.');
    await tab.screenshot('failed');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    // Focus returns once the closing render is done: wait for it (a timeout fails the test).
    const focused = () => (globalThis as unknown as { document: { activeElement: { textContent: string } | null } }).document.activeElement?.textContent;
    const returned = () => (globalThis as unknown as { document: { activeElement: { textContent: string } | null } }).document.activeElement?.textContent === 'Retry all matching…';
    await page.waitForFunction(returned, undefined, { timeout: 5_000 }).catch(() => undefined);
    expect(await page.evaluate(focused)).to.equal('Retry all matching…');
    await open.click();
    await dialog.getByRole('button', { name: 'Retry 1' }).click();
    await page.getByRole('status').filter({ hasText: '1 notifications retried.' }).waitFor();
    await eventually(async () => world.smtp.messages.filter((m) => m.to.some((t) => t.startsWith('bad-'))).length === 2 || undefined, 20_000, 'both retried and sent');
  });

  it('shows a dead letter with its reason and body, and replays it', async () => {
    await world.vhost.publish('user.registered', null, { raw: Buffer.from('{"not": "an event"') });
    const { page } = tab;
    // Stored first: clicking the link of the view already shown reads nothing again.
    await eventually(async () => ((await world.admin.get('/dead-letters')).body.items as unknown[]).length === 1 || undefined, 20_000, 'the dead letter stored');
    await page.getByRole('link', { name: 'Dead letters' }).click();
    const row = page.locator('tbody tr', { hasText: 'user.registered' });
    await eventually(async () => (await page.getByRole('link', { name: 'Dead letters' }).click(), (await row.count()) === 1 || undefined), 20_000, 'the dead letter listed');
    await row.getByRole('button').click();
    const dialog = page.getByRole('dialog', { name: 'Dead letter' });
    expect(await dialog.locator('pre.body').textContent()).to.include('not');
    await tab.screenshot('dead-letters');
    await dialog.getByRole('button', { name: 'Replay' }).click();
    await dialog.getByRole('status').filter({ hasText: 'Replayed' }).waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await page.locator('tbody tr', { hasText: 'user.registered' }).first().waitFor();
  });

  it('draws delivery rate per channel, delivery time percentiles and outcomes over time', async () => {
    const { page } = tab;
    await page.getByRole('link', { name: 'Analytics' }).click();
    await page.getByRole('button', { name: 'Last 1h' }).click();
    const rates = page.locator('table.rates tbody tr', { hasText: 'email' });
    await rates.waitFor();
    expect(await rates.locator('meter').count()).to.equal(1);
    await page.locator('figure.chart canvas').first().waitFor();
    expect(await page.locator('figure.chart').count()).to.be.at.least(2);
    // The y axis's labels fit ("60 ms", not a clipped "0 ms"): nothing is drawn in the canvas's first pixels.
    const times = page.locator('figure.chart', { hasText: 'Delivery time percentiles' }).locator('canvas');
    const inkAtLeftEdge = await times.evaluate((canvas: { height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } }) => {
      const { data } = canvas.getContext('2d').getImageData(0, 0, 3, canvas.height);
      return data.filter((_v, i) => i % 4 === 3 && data[i]! > 0).length;
    });
    expect(inkAtLeftEdge).to.equal(0);
    await tab.screenshot('analytics');
  });
});
