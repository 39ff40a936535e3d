// The chat page in Chromium against the real server: signing in, addresses,
// the sidebar, markdown, the task panel, phones, dark mode and accessibility.
// The chat turn itself (streaming, stop, retry) is in chat-thread.test.ts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import {
  PASSWORD,
  PageHarness,
  assertAccessible,
  screenshot,
  skipWithoutBrowser,
} from './support/browser.ts';

const MARKDOWN_REPLY = [
  'Here is your plan, **in bold** and *in italics*:',
  '',
  '1. Buy milk',
  '2. Call Ada',
  '',
  '- [docs](https://example.com/docs)',
  '- [a trap](javascript:window.pwned=1)',
  '',
  '<img src=x onerror="window.pwned=2"> <script>window.pwned=3</script><b>raw</b>',
  '',
  '```js',
  'const answer = 42;',
  '```',
  '',
  '| task | done |',
  '| --- | --- |',
  '| milk | yes |',
].join('\n');

describe('the chat page', { skip: skipWithoutBrowser }, () => {
  const harness = new PageHarness();
  before(() => harness.start());
  after(async () => {
    await harness.stop();
    assert.deepEqual(harness.pageErrors, []);
  });

  /** Visible controls under `area` smaller than 44x44 px (a checkbox counts with its label). */
  function smallTargets(area: Locator): Promise<string[]> {
    return area.evaluate((root) =>
      [...root.querySelectorAll('button, input, summary, a')].flatMap((element) => {
        const box = (element.closest('label') ?? element).getBoundingClientRect();
        if (box.width === 0) return [];
        return box.width >= 44 && box.height >= 44
          ? []
          : [`${element.outerHTML.slice(0, 60)} ${box.width}x${box.height}`];
      }),
    );
  }

  /** WCAG contrast between the focus ring of `control` (focused by keyboard) and the panel behind it. */
  async function focusRingContrast(page: Page, control: Locator): Promise<number> {
    await control.focus();
    // A string, not a function: the test runner's transform would add helpers the page lacks.
    return page.evaluate(`(() => {
      const element = document.activeElement;
      const luminance = (color) => {
        const [r, g, b] = (color.match(/[\\d.]+/g) ?? []).slice(0, 3).map((channel) => {
          const c = Number(channel) / 255;
          return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      let behind = element.parentElement;
      while (behind !== null && getComputedStyle(behind).backgroundColor === 'rgba(0, 0, 0, 0)')
        behind = behind.parentElement;
      const ring = luminance(getComputedStyle(element).outlineColor);
      const back = luminance(getComputedStyle(behind ?? document.documentElement).backgroundColor);
      return (Math.max(ring, back) + 0.05) / (Math.min(ring, back) + 0.05);
    })()`);
  }

  function messages(page: Page) {
    return page.getByRole('list', { name: 'Messages' }).locator(':scope > li');
  }

  it('signs up into a welcome with suggested prompts, at its own address, and signs out', async () => {
    const page = await harness.open('/');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await assertAccessible(page, 'signed out');
    await screenshot(page, '01-signed-out');

    await page.getByLabel('Email').fill('short');
    await page.getByLabel('Password').fill('x');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('alert').filter({ hasText: 'valid email' }).waitFor();

    await page.getByLabel('Email').fill('welcome@example.com');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'What shall we get done?' }).waitFor();
    assert.match(new URL(page.url()).pathname, /^\/c\/[0-9a-f-]{36}$/);
    for (const prompt of ['Add a task to buy milk', 'What is on my list?'])
      await page.getByRole('button', { name: prompt }).waitFor();
    await page.getByRole('link', { name: /New conversation/ }).waitFor();
    await assertAccessible(page, 'empty thread');
    await screenshot(page, '02-empty-thread');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/');
    assert.equal(await page.evaluate(() => localStorage.getItem('todochat.token')), null);

    // The next person on this browser sees nothing of the last one's.
    await page.getByLabel('Email').fill('next@example.com');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('next@example.com').waitFor();
    await page.getByRole('heading', { name: 'What shall we get done?' }).waitFor();
    assert.equal(await page.getByText('welcome@example.com').count(), 0);
    await page.getByRole('link', { name: /New conversation/ }).waitFor();
    assert.equal(
      await page.getByRole('navigation', { name: 'Conversations' }).getByRole('link').count(),
      1,
    );
    await page.context().close();
  });

  it('renders replies as markdown with safe links, inert HTML and copyable code', async () => {
    const ada = await harness.account('markdown');
    const id = await harness.conversation(ada, 'Markdown');
    for (let i = 1; i <= 20; i++) {
      await harness.message(ada, id, 'user', `question ${i}`);
      await harness.message(
        ada,
        id,
        'assistant',
        `answer ${i} with \`code\` and a [link](https://example.com/${i})`,
      );
    }
    await harness.message(ada, id, 'user', 'make me a plan');
    await harness.message(ada, id, 'assistant', MARKDOWN_REPLY);
    const page = await harness.openAs(ada, `/c/${id}`, {
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    const reply = page.getByRole('listitem').filter({ hasText: 'Here is your plan' });
    await reply.waitFor();

    assert.equal(await reply.locator('strong').first().textContent(), 'in bold');
    assert.equal(await reply.locator('em').first().textContent(), 'in italics');
    assert.deepEqual(await reply.locator('ol > li').allTextContents(), ['Buy milk', 'Call Ada']);
    const docs = reply.getByRole('link', { name: 'docs' });
    assert.equal(await docs.getAttribute('href'), 'https://example.com/docs');
    assert.equal(await docs.getAttribute('target'), '_blank');
    assert.match((await docs.getAttribute('rel')) ?? '', /noopener/);
    // The javascript: link is plain text, and no HTML from the reply became an element.
    assert.equal(await reply.getByRole('link', { name: 'a trap' }).count(), 0);
    await reply.getByText('a trap').waitFor();
    assert.equal(await reply.locator('img, script, b').count(), 0);
    await reply.getByText('a trap').click();
    assert.equal(await page.evaluate(() => (window as { pwned?: number }).pwned), undefined);
    assert.deepEqual(await reply.getByRole('cell').allTextContents(), ['milk', 'yes']);
    assert.deepEqual(await reply.getByRole('columnheader').allTextContents(), ['task', 'done']);

    await reply.getByRole('button', { name: 'Copy code' }).click();
    await reply.getByRole('button', { name: 'Copied' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), 'const answer = 42;');

    // Messages are a list, each with its author seen and spoken.
    const items = messages(page);
    assert.equal(await items.count(), 42);
    assert.match((await items.first().textContent()) ?? '', /^Youquestion 1$/);
    assert.match((await items.nth(1).textContent()) ?? '', /^Assistantanswer 1/);
    await assertAccessible(page, 'long thread with markdown');
    const search = page.getByLabel('Search conversations');
    await page.keyboard.press('Tab');
    assert.ok((await focusRingContrast(page, search)) >= 3, 'focus ring contrast (light)');
    await screenshot(page, '03-markdown-thread');

    // Dark: from the system's preference, and the toggle overrides it and is kept.
    await page.emulateMedia({ colorScheme: 'dark' });
    const background = () =>
      page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    assert.equal(await background(), 'rgb(15, 19, 24)');
    await page.getByRole('button', { name: 'Use light theme' }).waitFor();
    await assertAccessible(page, 'dark mode');
    assert.ok((await focusRingContrast(page, search)) >= 3, 'focus ring contrast (dark)');
    await screenshot(page, '04-dark-mode');
    await page.getByRole('button', { name: 'Use light theme' }).click();
    await page.reload();
    await page.getByRole('button', { name: 'Use dark theme' }).waitFor();
    assert.equal(await background(), 'rgb(245, 246, 248)');
    await page.context().close();
  });

  it('gives each conversation an address: reload reopens it, Back and Forward move, others are not found', async () => {
    const ada = await harness.account('addresses');
    const first = await harness.conversation(ada, 'First trip');
    await harness.message(ada, first, 'user', 'first conversation text');
    const second = await harness.conversation(ada, 'Second trip');
    await harness.message(ada, second, 'user', 'second conversation text');

    const requests: { path: string; depth: number }[] = [];
    const page = await harness.open('/healthz');
    await page.evaluate((token) => {
      localStorage.setItem('todochat.token', token);
    }, ada.token);
    // How many requests had to finish, one after another, before each one started.
    const finished: number[] = [];
    const depths = new Map<unknown, number>();
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (!path.startsWith('/api/')) return;
      const depth = 1 + Math.max(0, ...finished);
      depths.set(request, depth);
      requests.push({ path, depth });
    });
    page.on('requestfinished', (request) => {
      const depth = depths.get(request);
      if (depth !== undefined) finished.push(depth);
    });
    await page.goto(`${harness.url}/c/${first}`);
    await page.getByText('first conversation text').waitFor();
    const history = requests.find(
      (request) => request.path === `/api/chat/conversations/${first}/messages`,
    );
    assert.equal(history?.depth, 1, JSON.stringify(requests));

    // From `/`, the active conversation is found first: two requests in a row.
    requests.length = 0;
    finished.length = 0;
    await page.goto(harness.url);
    await page.getByText('second conversation text').waitFor();
    const opened = requests.find((request) => request.path.endsWith('/messages'));
    assert.ok(opened !== undefined && opened.depth <= 2, JSON.stringify(requests));
    assert.equal(new URL(page.url()).pathname, `/c/${second}`);

    await page.getByRole('link', { name: /First trip/ }).click();
    await page.getByText('first conversation text').waitFor();
    assert.equal(new URL(page.url()).pathname, `/c/${first}`);
    assert.equal(
      await page.getByRole('link', { name: /First trip/ }).getAttribute('aria-current'),
      'page',
    );
    await page.goBack();
    await page.getByText('second conversation text').waitFor();
    assert.equal(new URL(page.url()).pathname, `/c/${second}`);
    await page.goForward();
    await page.getByText('first conversation text').waitFor();
    await page.reload();
    await page.getByText('first conversation text').waitFor();

    const grace = await harness.account('intruder');
    const intruder = await harness.openAs(grace, `/c/${first}`);
    await intruder.getByRole('heading', { name: 'Conversation not found' }).waitFor();
    assert.equal(await intruder.getByText('first conversation text').count(), 0);
    await intruder.context().close();
    await page.context().close();
  });

  it('groups, searches, renames in place, archives and deletes conversations with in-page dialogs', async () => {
    const ada = await harness.account('sidebar');
    for (let i = 1; i <= 24; i++)
      await harness.conversation(
        ada,
        i === 7 ? 'Quarterly planning with the whole team' : `Trip idea ${i}`,
      );
    const page = await harness.openAs(ada, '/');
    const list = page.getByRole('navigation', { name: 'Conversations' });
    await list.getByRole('heading', { name: 'Today' }).waitFor();
    await list.getByRole('link', { name: /Trip idea 24/ }).waitFor();
    // Titles use the row's width: a long one is not cut to a few characters.
    const long = list.getByRole('link', { name: /Quarterly planning/ });
    const titleBox = await long.locator('.title').boundingBox();
    assert.ok(
      titleBox !== null && titleBox.width > 180,
      `title is ${String(titleBox?.width)}px wide`,
    );
    await assertAccessible(page, 'sidebar with many conversations');
    await screenshot(page, '05-sidebar');

    await page.getByLabel('Search conversations').fill('quarterly');
    assert.deepEqual(
      await list
        .getByRole('link')
        .allInnerTexts()
        .then((texts) => texts.map((text) => text.split('\n')[0])),
      ['Quarterly planning with the whole team'],
    );
    await page.getByLabel('Search conversations').fill('');

    const menuButton = list.getByRole('button', { name: 'Actions for Trip idea 3', exact: true });
    assert.equal(await menuButton.getAttribute('aria-expanded'), 'false');
    await menuButton.click();
    assert.equal(await menuButton.getAttribute('aria-expanded'), 'true');
    await page.getByRole('menuitem', { name: 'Rename' }).click();
    await page.getByLabel('New name for Trip idea 3').fill('Weekend plans');
    await page.getByLabel('New name for Trip idea 3').press('Enter');
    await list.getByRole('link', { name: /Weekend plans/ }).waitFor();

    await list.getByRole('button', { name: 'Actions for Weekend plans' }).click();
    await page.getByRole('menuitem', { name: 'Archive' }).click();
    await list.getByRole('link', { name: /Weekend plans/ }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Archived' }).click();
    const archived = page.getByRole('navigation', { name: 'Archived conversations' });
    await archived.getByRole('link', { name: /Weekend plans/ }).waitFor();
    await archived.getByRole('button', { name: 'Actions for Weekend plans' }).click();
    await page.getByRole('menuitem', { name: 'Unarchive' }).click();
    await archived.getByRole('link', { name: /Weekend plans/ }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Active' }).click();

    await list.getByRole('button', { name: 'Actions for Weekend plans' }).click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this conversation?' });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await list.getByRole('link', { name: /Weekend plans/ }).waitFor();
    await list.getByRole('button', { name: 'Actions for Weekend plans' }).click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await list.getByRole('link', { name: /Weekend plans/ }).waitFor({ state: 'detached' });
    const { conversations } = await harness.api<{ conversations: { title: string }[] }>(
      'GET',
      '/api/chat/conversations?limit=100',
      ada.token,
    );
    assert.ok(!conversations.some((conversation) => conversation.title === 'Weekend plans'));
    await page.context().close();

    // A day later the same conversations are under "Yesterday".
    const tomorrow = await harness.open('/healthz');
    await tomorrow.clock.setFixedTime(Date.now() + 24 * 60 * 60 * 1000);
    await tomorrow.evaluate((token) => {
      localStorage.setItem('todochat.token', token);
    }, ada.token);
    await tomorrow.goto(harness.url);
    await tomorrow.getByRole('heading', { name: 'Yesterday' }).waitFor();
    await tomorrow.context().close();
  });

  it('adds, ticks, folds, wraps, rolls back refused changes and undoes deletes in the task panel', async () => {
    const ada = await harness.account('tasks');
    const page = await harness.openAs(ada, '/');
    const panel = page.getByRole('complementary', { name: 'Tasks' });
    const longTitle = `read https://example.com/${'a'.repeat(150)}`;
    for (const title of ['buy milk', 'call Ada', longTitle]) {
      await panel.getByLabel('New task', { exact: true }).fill(title);
      await panel.getByRole('button', { name: 'Add' }).click();
      await panel.getByRole('checkbox', { name: new RegExp(title.slice(0, 20)) }).waitFor();
    }
    // A long title wraps inside the panel; its delete button stays in view.
    const panelBox = await panel.boundingBox();
    const deleteBox = await panel.getByRole('button', { name: /^Delete task 3/ }).boundingBox();
    assert.ok(panelBox !== null && deleteBox !== null);
    assert.ok(deleteBox.x + deleteBox.width <= panelBox.x + panelBox.width, 'delete is cut off');

    // Ticked, it moves to the folded list of completed tasks.
    await panel.getByRole('checkbox', { name: /buy milk/ }).click();
    const completed = panel.getByRole('list', { name: 'Completed tasks' });
    await panel.getByText('Completed (1)').click();
    await completed.getByRole('checkbox', { name: /buy milk/ }).waitFor();
    assert.deepEqual(
      await panel
        .getByRole('list', { name: 'No date tasks' })
        .getByRole('checkbox')
        .evaluateAll((boxes) => boxes.length),
      2,
    );

    // The server is unreachable: the tick is rolled back, with the reason.
    await page.route('**/api/tasks/*', (route) =>
      route.request().method() === 'PATCH' ? route.abort() : route.continue(),
    );
    const call = panel.getByRole('checkbox', { name: /call Ada/ });
    await call.click();
    await panel.getByRole('alert').filter({ hasText: 'Could not mark task 2 done' }).waitFor();
    assert.equal(await call.isChecked(), false);
    await page.unroute('**/api/tasks/*');
    const server = await harness.api<{ completed: boolean }>(
      'GET',
      '/api/tasks/' + (await taskId(2)),
      ada.token,
    );
    assert.equal(server.completed, false);
    await panel.getByRole('button', { name: 'Dismiss' }).click();
    await screenshot(page, '06-tasks');

    // Delete, then Undo: nothing reaches the server.
    await panel.getByRole('button', { name: /^Delete task 2/ }).click();
    await call.waitFor({ state: 'detached' });
    await panel.getByRole('button', { name: 'Undo' }).click();
    await call.waitFor();
    // Delete and let it go: gone on the server after the undo window.
    await panel.getByRole('button', { name: /^Delete task 1/ }).click();
    await panel.getByRole('button', { name: 'Undo' }).waitFor({ state: 'detached', timeout: 8000 });
    const { tasks } = await harness.api<{ tasks: { number: number }[] }>(
      'GET',
      '/api/tasks',
      ada.token,
    );
    assert.deepEqual(tasks.map((task) => task.number).sort(), [2, 3]);
    await page.context().close();

    async function taskId(number: number): Promise<string> {
      const list = await harness.api<{ tasks: { id: string; number: number }[] }>(
        'GET',
        '/api/tasks',
        ada.token,
      );
      return list.tasks.find((task) => task.number === number)?.id ?? '';
    }
  });

  it('fits a phone: drawers with a backdrop, Escape and a focus trap, 44px targets, and a skip link', async () => {
    const ada = await harness.account('phone');
    const id = await harness.conversation(ada, 'On the go');
    await harness.message(ada, id, 'user', 'add a task to pack');
    await harness.api('POST', '/api/tasks', ada.token, { title: 'pack the bags' });
    const page = await harness.openAs(ada, `/c/${id}`, {
      viewport: { width: 390, height: 844 },
      hasTouch: true,
      isMobile: true,
    });
    await page.getByText('add a task to pack').waitFor();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `page is ${width}px wide`);

    // The skip link is the first stop and lands in the message box.
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to message box' });
    assert.equal(await skip.evaluate((element) => element === document.activeElement), true);
    await page.keyboard.press('Enter');
    assert.equal(
      await page
        .getByRole('textbox', { name: 'Message' })
        .evaluate((element) => element === document.activeElement),
      true,
    );

    const toggle = page.getByRole('button', { name: 'Conversations' });
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    const drawer = page.getByRole('complementary', { name: 'Conversations' });
    await drawer.getByRole('link', { name: /On the go/ }).waitFor();
    // Focus moves in, and Tab cannot leave the drawer while it is open.
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      assert.equal(
        await drawer.evaluate((element) => element.contains(document.activeElement)),
        true,
      );
    }
    await assertAccessible(page, 'phone with a drawer open');
    await screenshot(page, '07-phone-drawer');
    await page.keyboard.press('Escape');
    await drawer.getByRole('link', { name: /On the go/ }).waitFor({ state: 'hidden' });
    assert.equal(await toggle.evaluate((element) => element === document.activeElement), true);

    const tasksToggle = page.getByRole('button', { name: 'Tasks' });
    await tasksToggle.click();
    const tasks = page.getByRole('complementary', { name: 'Tasks' });
    await tasks.getByRole('checkbox', { name: /pack the bags/ }).waitFor();
    // Every control is at least 44 by 44 pixels to a finger: in each drawer and the top bar.
    assert.deepEqual(await smallTargets(tasks), []);
    await page.mouse.click(20, 400);
    await tasks.getByRole('checkbox', { name: /pack the bags/ }).waitFor({ state: 'hidden' });
    assert.deepEqual(await smallTargets(page.locator('header')), []);
    await toggle.click();
    await drawer.getByRole('link', { name: /On the go/ }).waitFor();
    assert.deepEqual(await smallTargets(drawer), []);
    await page.context().close();
  });
});
