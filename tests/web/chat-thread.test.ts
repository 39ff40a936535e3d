// The thread in Chromium against the real server and the built-in model:
// suggested prompts, the stream through useChat, typing and Stop, failed
// messages with their own Retry across reloads, older history and "jump to
// latest", and the composer.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { titleFromMessage } from '../../src/chat/title.ts';
import { USER_MESSAGE_MAX } from '../../src/conversations/conversation.service.ts';
import { PageHarness, screenshot, skipWithoutBrowser } from './support/browser.ts';

describe('the chat thread', { skip: skipWithoutBrowser }, () => {
  const harness = new PageHarness();
  before(() => harness.start());
  after(async () => {
    await harness.stop();
    assert.deepEqual(harness.pageErrors, []);
  });

  const messages = (page: Page) =>
    page.getByRole('list', { name: 'Messages' }).locator(':scope > li');
  const composer = (page: Page) => page.getByRole('textbox', { name: 'Message' });

  it('sends a suggested prompt, streams the reply with its tool call, updates the tasks and announces only the finished reply', async () => {
    const ada = await harness.account('ada@example.com');
    for (const title of ['Weekend trip to the coast', 'Birthday party for Grace'])
      await harness.conversation(ada, title);
    const page = await harness.openAs(ada, '/');
    await page.getByRole('button', { name: 'Add a task to buy milk' }).click();
    const reply = messages(page)
      .filter({ hasText: /^Assistant/ })
      .last();
    await reply.getByText("I've added task 1: buy milk.").waitFor();
    assert.deepEqual(
      await reply.getByRole('list', { name: 'Actions' }).getByRole('listitem').allTextContents(),
      ['Added task 1: buy milk'],
    );
    await page
      .getByRole('complementary', { name: 'Tasks' })
      .getByRole('checkbox', { name: /buy milk/ })
      .waitFor();
    await page.getByText("Assistant replied: I've added task 1: buy milk.").waitFor();
    // The thread itself is not a live region: a screen reader hears the reply once, whole.
    assert.equal(await page.locator('[aria-live]').count(), 1);

    await composer(page).fill('what is on my list?');
    await composer(page).press('Enter');
    await messages(page).filter({ hasText: 'Listed 1 task' }).waitFor();
    assert.equal(await messages(page).count(), 4);
    await screenshot(page, '10-conversation');
    // The reply is saved: a reload shows the same thread, tool calls included.
    await page.reload();
    await messages(page).filter({ hasText: 'Listed 1 task' }).waitFor();
    assert.equal(await messages(page).count(), 4);
    await page.context().close();
  });

  it('shows the assistant typing and stops a reply on Stop', async () => {
    const ada = await harness.account('stop');
    const page = await harness.openAs(ada, '/');
    await composer(page).waitFor();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The built-in model answers at once; holding the response shows the wait a real model has.
    await page.route('**/api/chat/stream', async (route) => {
      await held;
      await route.continue().catch(() => undefined);
    });
    await composer(page).fill('add a task to water the plants');
    await composer(page).press('Enter');
    await page.getByText('Assistant is typing').waitFor();
    await screenshot(page, '08-typing');
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.getByRole('button', { name: 'Send' }).waitFor();
    assert.equal(await page.getByText('Assistant is typing').count(), 0);
    release();
    await page.unroute('**/api/chat/stream');
    // Stopped is not failed: no Retry, and the next message goes as usual.
    assert.equal(await page.getByRole('button', { name: 'Retry' }).count(), 0);
    await composer(page).fill('what is on my list?');
    await composer(page).press('Enter');
    await messages(page)
      .filter({ hasText: /^Assistant/ })
      .last()
      .getByText(/task/)
      .first()
      .waitFor();
    await page.context().close();
  });

  it('keeps each failed message with its own Retry across other failures and reloads, and retries with the same id', async () => {
    const ada = await harness.account('retry');
    const page = await harness.openAs(ada, '/');
    await composer(page).waitFor();
    const sent: string[] = [];
    await page.route('**/api/chat/stream', async (route) => {
      const body = route.request().postDataJSON() as { messages: { id: string }[] };
      sent.push(body.messages.at(-1)?.id ?? '');
      await route.abort();
    });
    for (const text of ['add a task to buy milk', 'add a task to call Ada']) {
      await composer(page).fill(text);
      await composer(page).press('Enter');
      await messages(page)
        .filter({ hasText: text })
        .getByRole('button', { name: 'Retry' })
        .waitFor();
    }
    const first = messages(page).filter({ hasText: 'buy milk' });
    const second = messages(page).filter({ hasText: 'call Ada' });
    await first.getByText(/Not sent: Can't reach the server/).waitFor();
    await screenshot(page, '09-failed-messages');

    await page.reload();
    await first.getByRole('button', { name: 'Retry' }).waitFor();
    await second.getByRole('button', { name: 'Retry' }).waitFor();

    await page.unroute('**/api/chat/stream');
    const retried: string[] = [];
    await page.route('**/api/chat/stream', async (route) => {
      const body = route.request().postDataJSON() as { messages: { id: string }[] };
      retried.push(body.messages.at(-1)?.id ?? '');
      await route.continue();
    });
    await first.getByRole('button', { name: 'Retry' }).click();
    await page.getByText("I've added task 1: buy milk.", { exact: true }).waitFor();
    assert.equal(retried[0], sent[0], 'the retry reuses the message id (the idempotency key)');
    // The untitled conversation takes its title from the first message the server got.
    await page
      .getByRole('navigation', { name: 'Conversations' })
      .getByRole('link', { name: new RegExp(titleFromMessage('add a task to buy milk') ?? '-') })
      .waitFor();
    assert.equal(await first.getByRole('button', { name: 'Retry' }).count(), 0);
    await second.getByRole('button', { name: 'Retry' }).waitFor();

    await second.getByRole('button', { name: 'Retry' }).click();
    await page.getByText("I've added task 2: call Ada.", { exact: true }).waitFor();
    assert.equal(retried[1], sent[1]);
    await page.reload();
    await page.getByText("I've added task 2: call Ada.", { exact: true }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Retry' }).count(), 0);
    assert.equal(await messages(page).count(), 4);
    await page.context().close();
  });

  it('pages back through a long thread in place, and offers "jump to latest" when scrolled up', async () => {
    const ada = await harness.account('long');
    const id = await harness.conversation(ada, 'Long');
    for (let i = 1; i <= 120; i++)
      await harness.message(ada, id, i % 2 === 1 ? 'user' : 'assistant', `message ${i}`);
    const page = await harness.openAs(ada, `/c/${id}`);
    await messages(page).filter({ hasText: 'message 120' }).waitFor();
    assert.equal(await messages(page).count(), 50);
    const thread = page.getByRole('region', { name: 'Conversation thread' });
    assert.equal(await page.getByRole('button', { name: 'Jump to latest' }).count(), 0);

    for (const expected of [100, 120]) {
      const anchorText =
        (await messages(page).first().locator('.text, .markdown').textContent()) ?? '';
      const anchor = messages(page).filter({ has: page.getByText(anchorText, { exact: true }) });
      const before = await thread.evaluate((element) => {
        element.scrollTop = 0;
        return element.querySelector('ol > li')?.getBoundingClientRect().top ?? Number.NaN;
      });
      await messages(page)
        .nth(expected - 1)
        .waitFor({ state: 'attached' });
      await page.getByText('Loading earlier messages…').waitFor({ state: 'detached' });
      const moved = await anchor.boundingBox();
      assert.ok(
        moved !== null && Math.abs(moved.y - before) < 5,
        `jumped: ${before} -> ${String(moved?.y)}`,
      );
    }
    assert.deepEqual(
      (await messages(page).allInnerTexts()).map((text) => text.split('\n').at(-1)),
      Array.from({ length: 120 }, (_, i) => `message ${i + 1}`),
    );

    await page.getByRole('button', { name: 'Jump to latest' }).click();
    await page.getByRole('button', { name: 'Jump to latest' }).waitFor({ state: 'detached' });
    assert.equal(await messages(page).last().isVisible(), true);
    await page.context().close();
  });

  it('grows the composer with its text, counts near the limit and refuses an over-long message', async () => {
    const ada = await harness.account('composer');
    const page = await harness.openAs(ada, '/');
    const box = composer(page);
    await box.waitFor();
    const oneLine = (await box.boundingBox())?.height ?? 0;
    await box.fill('one\ntwo\nthree\nfour');
    const fourLines = (await box.boundingBox())?.height ?? 0;
    assert.ok(fourLines > oneLine * 2, `${oneLine}px -> ${fourLines}px`);

    await box.fill('x'.repeat(USER_MESSAGE_MAX + 1));
    await page.getByText(`${USER_MESSAGE_MAX + 1} / ${USER_MESSAGE_MAX}`).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Send' }).isDisabled(), true);
    await box.press('Enter');
    await page
      .getByRole('alert')
      .filter({ hasText: `at most ${USER_MESSAGE_MAX} characters` })
      .waitFor();
    assert.equal(await messages(page).count(), 0);
    await page.context().close();
  });
});
