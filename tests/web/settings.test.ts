// The settings dialog in Chromium against the real server: the time zone is
// saved, the export downloads as valid JSON, the open conversation as
// Markdown, an API key is created, shown once, works, and is revoked, and
// deleting the account signs out and leaves no account behind.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import {
  PASSWORD,
  PageHarness,
  assertAccessible,
  screenshot,
  skipWithoutBrowser,
} from './support/browser.ts';

describe('the settings dialog', { skip: skipWithoutBrowser }, () => {
  const harness = new PageHarness();
  before(() => harness.start());
  after(async () => {
    await harness.stop();
    assert.deepEqual(harness.pageErrors, []);
  });

  async function status(url: string, token: string): Promise<number> {
    const response = await fetch(harness.url + url, {
      headers: { Authorization: `Bearer ${token}` },
    });
    await response.body?.cancel();
    return response.status;
  }

  async function downloaded(page: Page, button: string): Promise<string> {
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: button }).click(),
    ]);
    const path = await file.path();
    return readFile(path, 'utf8');
  }

  it('saves the time zone, exports JSON and Markdown, and creates, shows once and revokes an API key', async () => {
    const account = await harness.account('settings');
    await harness.api('POST', '/api/tasks', account.token, { title: 'buy milk' });
    const conversation = await harness.conversation(account, 'Groceries');
    await harness.message(account, conversation, 'user', 'remind me to buy milk');
    const page = await harness.openAs(account, `/c/${conversation}`, {
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    await page.getByRole('button', { name: 'Settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });

    await dialog.getByRole('combobox', { name: 'Time zone' }).selectOption('Asia/Tokyo');
    await dialog.getByRole('button', { name: 'Save time zone' }).click();
    await dialog.getByText('Time zone saved: Asia/Tokyo.').waitFor();
    const me = await harness.api<{ time_zone: string }>('GET', '/api/me', account.token);
    assert.equal(me.time_zone, 'Asia/Tokyo');

    const exported = JSON.parse(await downloaded(page, 'Export all data (JSON)')) as unknown;
    assert.match(JSON.stringify(exported), /buy milk/);
    assert.match(JSON.stringify(exported), /remind me to buy milk/);
    const markdown = await downloaded(page, 'Download this conversation (Markdown)');
    assert.match(markdown, /remind me to buy milk/);

    await dialog.getByRole('textbox', { name: 'New key name' }).fill('Claude Desktop');
    await dialog.getByRole('button', { name: 'Create key' }).click();
    const shown = dialog.getByRole('textbox', { name: 'The new key' });
    const key = await shown.inputValue();
    assert.match(key, /^tck_/);
    await dialog.getByRole('button', { name: 'Copy key' }).click();
    await dialog.getByText('Key copied.').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), key);
    assert.equal(await status('/api/tasks', key), 200);

    await assertAccessible(page, 'settings dialog');
    await screenshot(page, '21-settings');

    await dialog.getByRole('button', { name: 'Done' }).click();
    assert.equal(await shown.count(), 0);
    // Reopened, the list is read afresh: the key's use shows, the key itself never again.
    await dialog.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: 'Settings' }).click();
    const keys = dialog.getByRole('list', { name: 'API keys' });
    await keys.getByText(/Claude Desktop.*last used/).waitFor();
    assert.equal(await shown.count(), 0);
    assert.doesNotMatch((await dialog.textContent()) ?? '', new RegExp(key.slice(8)));

    await dialog.getByRole('button', { name: 'Revoke key Claude Desktop' }).click();
    await dialog.getByText('Key “Claude Desktop” revoked.').waitFor();
    await dialog.getByText('No keys yet.').waitFor();
    assert.equal(await status('/api/tasks', key), 401);
    await page.context().close();
  });

  it('deletes the account with its password: signed out, and the account is gone', async () => {
    const account = await harness.account('leaving');
    const page = await harness.openAs(account);
    await page.getByRole('button', { name: 'Settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    const password = dialog.getByLabel('Password to confirm');

    await password.fill('not the password');
    await dialog.getByRole('button', { name: 'Delete account' }).click();
    await dialog
      .getByRole('alert')
      .getByText(/password/)
      .waitFor();
    assert.equal(await status('/api/me', account.token), 200);

    await password.fill(PASSWORD);
    await dialog.getByRole('button', { name: 'Delete account' }).click();
    await page.getByText('Your account has been deleted.').waitFor();
    await page.getByRole('button', { name: 'Sign in' }).first().waitFor();
    assert.equal(await status('/api/me', account.token), 401);
    const login = await fetch(`${harness.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: account.email, password: PASSWORD }),
    });
    assert.equal(login.status, 401);
    await page.context().close();
  });
});
