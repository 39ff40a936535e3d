// Search in Chromium against the real server: a message hit far back in a
// long conversation opens it at that message (paged in through the history
// cursors), scrolled into view and highlighted; task hits are listed too.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  PageHarness,
  assertAccessible,
  screenshot,
  skipWithoutBrowser,
} from './support/browser.ts';

// More than two history pages (50 each), so the hit is not in the newest one.
const MESSAGES = 130;
const HIT = 7;

describe('search in the page', { skip: skipWithoutBrowser }, () => {
  const harness = new PageHarness();
  before(() => harness.start());
  after(async () => {
    await harness.stop();
    assert.deepEqual(harness.pageErrors, []);
  });

  it('opens a long conversation at a message hit, in view and highlighted', async () => {
    const account = await harness.account('search');
    const long = await harness.conversation(account, 'Holiday planning');
    for (let seq = 1; seq <= MESSAGES; seq++) {
      await harness.message(
        account,
        long,
        seq % 2 === 1 ? 'user' : 'assistant',
        seq === HIT ? 'we could fly to Zanzibar in March' : `ordinary message number ${seq}`,
      );
    }
    await harness.api('POST', '/api/tasks', account.token, { title: 'book Zanzibar flights' });
    await harness.conversation(account, 'Something else');
    const page = await harness.openAs(account);
    const sidebar = page.getByRole('complementary', { name: 'Conversations' });

    const box = sidebar.getByRole('searchbox', { name: 'Search messages and tasks' });
    await box.fill('zanzibar');
    await box.press('Enter');
    const results = sidebar.getByRole('list', { name: 'Search results' });
    await results.getByText('Task 1').waitFor();
    const hit = results.getByRole('link', { name: /You in Holiday planning.*Zanzibar in March/ });
    assert.equal(await hit.getAttribute('href'), `/c/${long}?seq=${HIT}`);
    await assertAccessible(page, 'search results');
    await hit.click();

    await page.waitForURL(`**/c/${long}?seq=${HIT}`);
    const thread = page.getByRole('list', { name: 'Messages' });
    const message = thread.locator(`li[data-seq="${HIT}"]`);
    await message.getByText('we could fly to Zanzibar in March').waitFor();
    assert.match((await message.getAttribute('class')) ?? '', /\bhit\b/);
    const inView = await message.evaluate((element) => {
      const scroller = element.closest('.scroller');
      if (scroller === null) return false;
      const own = element.getBoundingClientRect();
      const area = scroller.getBoundingClientRect();
      return own.top >= area.top && own.bottom <= area.bottom;
    });
    assert.ok(inView, 'the hit is scrolled into view');
    // The thread holds everything from the hit's page down to the newest message.
    await thread.getByText(`ordinary message number ${MESSAGES}`).waitFor({ state: 'attached' });
    await screenshot(page, '22-search-hit');
    // The highlight is brief.
    await page.waitForFunction(
      (seq) => document.querySelector(`li[data-seq="${seq}"]`)?.classList.contains('hit') === false,
      HIT,
      { timeout: 5000 },
    );
    await page.context().close();
  });
});
