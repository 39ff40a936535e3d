// The web chat page in a real browser (Debian's Chromium through
// playwright-core), against the real server on a loopback port.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config.ts';
import { createLogger, startServer, type RunningServer } from '../../src/server.ts';
import { PASSWORD } from '../support/fixtures.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;
const skip = existsSync(CHROMIUM) ? false : `no browser at ${CHROMIUM} (apt-get install chromium)`;

describe('the web chat page', { skip }, () => {
  const root = mkdtempSync(join(tmpdir(), 'todochat-web-'));
  let server: RunningServer;
  let browser: Browser;
  const consoleErrors: string[] = [];

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const config = loadConfig({
      TODOCHAT_DATA_DIR: join(root, 'db'),
      PORT: '0',
      LOG_LEVEL: 'silent',
    });
    server = await startServer(config, createLogger(config));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
  });

  after(async () => {
    await browser.close();
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  async function newPage(width = 1280, height = 800): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height } });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(String(error)));
    page.on(
      'dialog',
      (dialog) => void dialog.accept(dialog.type() === 'prompt' ? 'Weekend plans' : undefined),
    );
    await page.goto(server.url);
    return page;
  }

  async function signUp(page: Page, email: string): Promise<void> {
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.locator('#app').waitFor();
    await page.locator('#send').waitFor();
  }

  async function say(page: Page, message: string): Promise<void> {
    const replies = await page.locator('.message.assistant').count();
    await page.getByLabel('Message').fill(message);
    await page.getByLabel('Message').press('Enter');
    await page
      .locator('.message.assistant')
      .nth(replies)
      .locator('.text')
      .filter({ hasText: /\S/ })
      .waitFor();
    await page.locator('.message.assistant[aria-busy]').waitFor({ state: 'detached' });
  }

  it('signs up, chats, ticks a task from the panel, keeps the history, and isolates users', async () => {
    const page = await newPage();
    await page.screenshot({ path: `${ARTIFACTS}01-sign-in.png` });
    await signUp(page, 'ada@example.com');

    await say(page, 'add a task to buy milk');
    const reply = page.locator('.message.assistant').last();
    assert.equal(await reply.locator('.text').textContent(), "I've added task 1: buy milk.");
    assert.equal(await reply.locator('.chip').textContent(), 'added task 1: buy milk');
    await page.locator('#task-list li', { hasText: 'buy milk' }).waitFor();
    await page.screenshot({ path: `${ARTIFACTS}02-added-task.png` });

    // Tick it in the panel (the REST API), then ask the assistant.
    await page.getByRole('checkbox').first().check();
    await page.locator('#task-list label.done').waitFor();
    await say(page, 'what have I completed?');
    assert.match(
      (await page.locator('.message.assistant .text').last().textContent()) ?? '',
      /1 completed task:\n1\. buy milk/,
    );
    await page.screenshot({ path: `${ARTIFACTS}03-completed.png` });

    // A reload keeps the session and the history.
    await page.reload();
    await page.locator('.message.user', { hasText: 'what have I completed?' }).waitFor();
    assert.equal(await page.locator('.message').count(), 4);

    // A message over the limit is refused with the reason, and not sent.
    await page.getByLabel('Message').fill('x'.repeat(1001));
    assert.equal(await page.locator('#counter').textContent(), '1001 / 1000');
    assert.equal(await page.locator('#send').isDisabled(), true);
    await page.getByLabel('Message').press('Enter');
    await page.locator('#banner', { hasText: 'at most 1000 characters' }).waitFor();
    assert.equal(await page.locator('.message').count(), 4);
    await page.getByLabel('Message').fill('');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await signUp(page, 'grace@example.com');
    assert.equal(await page.locator('.message').count(), 0);
    assert.equal(await page.locator('#task-list li').count(), 0);
    assert.equal(await page.locator('#conversations li').count(), 1);
    await page.screenshot({ path: `${ARTIFACTS}04-second-user.png` });
    await page.close();
  });

  it('pages back through a long conversation without losing its place', async () => {
    const api = async (path: string, token: string | null, body?: unknown) => {
      const response = await fetch(`${server.url}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(token === null ? {} : { Authorization: `Bearer ${token}` }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return (await response.json()) as Record<string, unknown>;
    };
    const session = await api('/api/auth/register', null, {
      email: 'long@example.com',
      password: PASSWORD,
    });
    const token = session.access_token as string;
    const conversation = await api('/api/chat/conversations', token, {});
    for (let i = 1; i <= 120; i++) {
      await api(`/api/chat/conversations/${String(conversation.id)}/messages`, token, {
        role: i % 2 === 1 ? 'user' : 'assistant',
        content: `message ${i}`,
      });
    }
    const page = await newPage();
    await page.getByLabel('Email').fill('long@example.com');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.message', { hasText: 'message 120' }).waitFor();
    assert.equal(await page.locator('.message').count(), 30);

    for (let expected = 60; expected <= 120; expected += 30) {
      // Held by its text: a locator for "the first message" would move on to the new first one.
      const anchorText = (await page.locator('.message .text').first().textContent()) ?? '';
      const anchor = page.locator('.message', { has: page.getByText(anchorText, { exact: true }) });
      // Scrolled to the top, the first message sits at the top of the thread...
      const before = await page.locator('#messages').evaluate((element) => {
        element.scrollTop = 0;
        return element.querySelector('.message')?.getBoundingClientRect().top ?? Number.NaN;
      });
      await page
        .locator('.message')
        .nth(expected - 1)
        .waitFor({ state: 'attached' });
      await page.locator('.loading-older').waitFor({ state: 'detached' });
      // ...and stays where the reader saw it once older messages are in above.
      const afterBox = await anchor.boundingBox();
      assert.ok(
        afterBox !== null && Math.abs(afterBox.y - before) < 5,
        `jumped at ${expected}: ${before} -> ${String(afterBox?.y)}`,
      );
    }
    const texts = await page.locator('.message .text').allTextContents();
    assert.deepEqual(
      texts,
      Array.from({ length: 120 }, (_, i) => `message ${i + 1}`),
    );
    await page.screenshot({ path: `${ARTIFACTS}05-long-history.png` });
    await page.close();
  });

  it('starts, renames, archives, unarchives and deletes conversations from the sidebar', async () => {
    const page = await newPage();
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#conversations li').first().waitFor();

    await page.getByRole('button', { name: '+ New conversation' }).click();
    await page.locator('#conversations li.current', { hasText: '0 messages' }).waitFor();
    await page.locator('.message').first().waitFor({ state: 'detached' });
    const current = page.locator('#conversations li.current');
    await current.getByRole('button', { name: /^Rename/ }).click();
    await page.locator('#conversations li.current', { hasText: 'Weekend plans' }).waitFor();

    await page
      .locator('#conversations li', { hasText: 'Weekend plans' })
      .getByRole('button', { name: /^Archive/ })
      .click();
    await page
      .locator('#conversations li', { hasText: 'Weekend plans' })
      .waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: 'Archived' }).click();
    const archived = page.locator('#conversations li', { hasText: 'Weekend plans' });
    await archived.waitFor();
    await archived.getByRole('button', { name: /^Unarchive/ }).click();
    await archived.waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: 'Active' }).click();
    const back = page.locator('#conversations li', { hasText: 'Weekend plans' });
    await back.waitFor();
    await back.getByRole('button', { name: /^Delete/ }).click();
    await back.waitFor({ state: 'detached' });
    await page.screenshot({ path: `${ARTIFACTS}06-conversations.png` });
    await page.close();
  });

  it('fits a phone-sized screen, with the panels behind buttons', async () => {
    const page = await newPage(390, 844);
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.message').first().waitFor();
    assert.equal(await page.locator('#tasks').isVisible(), false);
    await page.getByRole('button', { name: 'Show tasks' }).click();
    await page.locator('#task-list li', { hasText: 'buy milk' }).waitFor();
    const width = await page.locator('html').evaluate((root) => root.scrollWidth);
    assert.ok(width <= 390, `page is ${width}px wide`);
    await page.screenshot({ path: `${ARTIFACTS}07-phone.png` });
    await page.close();
    assert.deepEqual(consoleErrors, []);
  });
});
