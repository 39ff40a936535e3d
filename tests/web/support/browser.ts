// The browser tests' fixtures: the real server on a loopback port, Debian's
// Chromium through playwright-core, the API for seeding, and axe-core.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { loadConfig } from '../../../src/config.ts';
import { createLogger, startServer, type RunningServer } from '../../../src/server.ts';
import { PASSWORD, uniqueEmail } from '../../support/fixtures.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = new URL('../../../test-artifacts/', import.meta.url).pathname;
export const skipWithoutBrowser = existsSync(CHROMIUM)
  ? false
  : `no browser at ${CHROMIUM} (apt-get install chromium)`;
const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

export interface Account {
  email: string;
  token: string;
}

type Json = Record<string, unknown>;

export class PageHarness {
  server!: RunningServer;
  browser!: Browser;
  readonly pageErrors: string[] = [];
  readonly #root = mkdtempSync(join(tmpdir(), 'todochat-web-'));

  async start(): Promise<void> {
    mkdirSync(ARTIFACTS, { recursive: true });
    const config = loadConfig({
      TODOCHAT_DATA_DIR: join(this.#root, 'db'),
      PORT: '0',
      LOG_LEVEL: 'silent',
    });
    this.server = await startServer(config, createLogger(config));
    this.browser = await chromium.launch({
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
  }

  async stop(): Promise<void> {
    await this.browser.close();
    await this.server.close();
    rmSync(this.#root, { recursive: true, force: true });
  }

  get url(): string {
    return this.server.url;
  }

  /** A page in a fresh browser profile (its own localStorage), at `path`. */
  async open(path = '/', options: BrowserContextOptions = {}): Promise<Page> {
    const context = await this.browser.newContext({
      viewport: { width: 1280, height: 800 },
      ...options,
    });
    const page = await context.newPage();
    page.on('console', (message) => {
      // A refused request is logged by the browser itself; the page shows its own words.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
        this.pageErrors.push(message.text());
    });
    page.on('pageerror', (error) => this.pageErrors.push(String(error)));
    page.on('dialog', (dialog) => {
      this.pageErrors.push(`unexpected ${dialog.type()} dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    await page.goto(this.url + path);
    return page;
  }

  /** A page already signed in as `account` (its token in localStorage), at `path`. */
  async openAs(account: Account, path = '/', options: BrowserContextOptions = {}): Promise<Page> {
    const page = await this.open('/healthz', options);
    await page.evaluate((token) => {
      localStorage.setItem('todochat.token', token);
    }, account.token);
    await page.goto(this.url + path);
    return page;
  }

  async api<T = Json>(
    method: string,
    path: string,
    token: string | null,
    body?: unknown,
  ): Promise<T> {
    const response = await fetch(this.url + path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(token === null ? {} : { Authorization: `Bearer ${token}` }),
      },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await response.text();
    assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
    return (text === '' ? {} : JSON.parse(text)) as T;
  }

  /** A new user: `label-<uuid>@example.com`, or exactly `label` when it is an address. */
  async account(label = 'user'): Promise<Account> {
    const email = label.includes('@') ? label : uniqueEmail(label);
    const session = await this.api<{ access_token: string }>('POST', '/api/auth/register', null, {
      email,
      password: PASSWORD,
    });
    return { email, token: session.access_token };
  }

  async conversation(account: Account, title?: string): Promise<string> {
    const conversation = await this.api<{ id: string }>(
      'POST',
      '/api/chat/conversations',
      account.token,
      { new: true, ...(title === undefined ? {} : { title }) },
    );
    return conversation.id;
  }

  async message(
    account: Account,
    conversationId: string,
    role: 'user' | 'assistant',
    content: string,
  ): Promise<void> {
    await this.api('POST', `/api/chat/conversations/${conversationId}/messages`, account.token, {
      role,
      content,
    });
  }
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core over the page as it is; fails on any serious or critical violation. */
export async function assertAccessible(page: Page, state: string): Promise<void> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run()).violations;
  });
  const serious = (violations as AxeViolation[])
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id} (${violation.impact ?? ''}): ${violation.help} at ${violation.nodes
          .slice(0, 3)
          .map((node) => node.target.join(' '))
          .join(', ')}`,
    );
  assert.deepEqual(serious, [], `axe on ${state}`);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${ARTIFACTS}${name}.png` });
}

export { PASSWORD };
