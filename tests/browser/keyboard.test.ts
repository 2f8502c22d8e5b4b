import { expect } from 'chai';
import { ConsoleBrowser, type ConsolePage } from '../support/console-browser.js';
import { E2E_ADMIN_KEY, E2eService } from '../support/e2e-service.js';

describe('console: the keyboard alone reaches and operates the main views (built service, Chromium)', function () {
  let world: E2eService;
  let browser: ConsoleBrowser;
  let tab: ConsolePage;

  const focused = () => tab.page.evaluate('document.activeElement?.textContent?.trim() ?? ""') as Promise<string>;
  /** Tabs until the focused element's text is `text` (at most 40 presses), checks its focus is visible, then presses Enter. */
  const tabTo = async (text: string) => {
    for (let i = 0; i < 40; i++) {
      await tab.page.keyboard.press('Tab');
      if ((await focused()) !== text) continue;
      expect(await tab.page.evaluate('getComputedStyle(document.activeElement).outlineStyle'), `focus visible on ${text}`).to.equal('solid');
      return tab.page.keyboard.press('Enter');
    }
    throw new Error(`Tab never reached "${text}"`);
  };

  before(async () => {
    [world, browser] = await Promise.all([E2eService.start('browser_keyboard'), ConsoleBrowser.launch()]);
    await world.admin.post('/templates', { name: 'keyboard_note', channel: 'email', subject: 'Hi {{ name }}', body: 'Hello {{ name }}', variables: ['name'] });
    tab = await browser.open(world.admin.baseUrl);
  });
  afterEach(() => expect(tab.problems).to.deep.equal([]));
  after(async () => {
    await browser?.close();
    await world?.stop();
  });

  it('signs in by typing the key and pressing Enter (the field has focus on arrival)', async () => {
    await tab.page.keyboard.type(E2E_ADMIN_KEY);
    await tab.page.keyboard.press('Enter');
    await tab.page.getByRole('navigation', { name: 'Sections' }).waitFor();
  });

  it('skips to the content with the first Tab and Enter', async () => {
    await tab.page.keyboard.press('Tab');
    expect(await focused()).to.equal('Skip to content');
    await tab.page.keyboard.press('Enter');
    expect(await tab.page.evaluate('document.activeElement.id')).to.equal('main');
  });

  it('searches a user from the keyboard and sees the empty state', async () => {
    await tab.page.keyboard.press('Tab');
    await tab.page.keyboard.press('Tab');
    await tab.page.keyboard.type('u-nobody');
    await tab.page.keyboard.press('Enter');
    await tab.page.getByText('No notifications for user u-nobody.').waitFor();
  });

  it('reaches each section by Tab and Enter, and focus lands on its heading', async () => {
    for (const [link, heading] of [['Live stream', 'Live stream'], ['Templates', 'Templates'], ['Notifications', 'Notifications']]) {
      await tab.page.evaluate('document.activeElement.blur()');
      await tabTo(link!);
      await tab.page.locator('h1:focus', { hasText: heading! }).waitFor();
    }
  });

  it('opens a template by keyboard, edits a draft and saves it with Enter on the button', async () => {
    await tab.page.evaluate('document.activeElement.blur()');
    await tabTo('Templates');
    await tabTo('keyboard_note');
    await tab.page.locator('.rendered-out[data-version="1"]').waitFor();
    await tabTo('Save draft');
    await tab.page.getByRole('status').filter({ hasText: 'Saved as draft v2.' }).waitFor();
    await tabTo('Publish v2');
    await tab.page.getByRole('status').filter({ hasText: 'v2 is live.' }).waitFor();
  });
});
