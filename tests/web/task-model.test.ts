// Due dates and priorities in the task panel, in Chromium against the real
// server: grouped Overdue / Today / Upcoming / No date in the user's zone,
// set, changed and cleared from the picker, priority from the menu, both
// rolled back when the server refuses.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  PageHarness,
  assertAccessible,
  screenshot,
  skipWithoutBrowser,
} from './support/browser.ts';

const ZONE = 'Pacific/Auckland';

/** YYYY-MM-DD in ZONE, `offset` days from today. */
function day(offset: number): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(new Date());
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + offset)).toISOString().slice(0, 10);
}

describe('due dates and priorities in the task panel', { skip: skipWithoutBrowser }, () => {
  const harness = new PageHarness();
  before(() => harness.start());
  after(async () => {
    await harness.stop();
    assert.deepEqual(harness.pageErrors, []);
  });

  it('groups by due day in the user zone, sets, changes and clears a due date, and sets a priority', async () => {
    const account = await harness.account('due');
    // Far from the browser's own zone, so "today" must come from the account.
    await harness.api('PATCH', '/api/me', account.token, { time_zone: ZONE });
    await harness.api('POST', '/api/tasks', account.token, { title: 'pay rent', due: day(-2) });
    await harness.api('POST', '/api/tasks', account.token, { title: 'buy milk' });
    const page = await harness.openAs(account);
    const panel = page.getByRole('complementary', { name: 'Tasks' });
    const group = (name: string) => panel.getByRole('list', { name: `${name} tasks` });

    await group('Overdue')
      .getByRole('checkbox', { name: /pay rent/ })
      .waitFor();
    await group('No date')
      .getByRole('checkbox', { name: /buy milk/ })
      .waitFor();

    const milkDue = panel.getByRole('textbox', { name: 'Due date for task 2: buy milk' });
    await milkDue.fill(day(0));
    await group('Today')
      .getByRole('checkbox', { name: /buy milk/ })
      .waitFor();
    await group('Today').getByText('Due Today').waitFor();
    assert.equal(
      (await harness.api<{ due_date: string }>('GET', '/api/tasks/2', account.token)).due_date,
      day(0),
    );

    await milkDue.fill(day(9));
    await group('Upcoming')
      .getByRole('checkbox', { name: /buy milk/ })
      .waitFor();

    await panel.getByRole('button', { name: 'Clear due date for task 2: buy milk' }).click();
    await group('No date')
      .getByRole('checkbox', { name: /buy milk/ })
      .waitFor();
    assert.equal(
      (await harness.api<{ due_date: string | null }>('GET', '/api/tasks/2', account.token))
        .due_date,
      null,
    );

    await panel
      .getByRole('combobox', { name: 'Priority for task 1: pay rent' })
      .selectOption('high');
    await group('Overdue').getByText('High priority:').waitFor();
    assert.equal(
      (await harness.api<{ priority: string }>('GET', '/api/tasks/1', account.token)).priority,
      'high',
    );

    // Refused (the server unreachable): the date and the priority go back as they were.
    await page.route('**/api/tasks/*', (route) =>
      route.request().method() === 'PATCH' ? route.abort() : route.continue(),
    );
    const milkPriority = panel.getByRole('combobox', { name: 'Priority for task 2: buy milk' });
    await milkPriority.selectOption('low');
    await panel
      .getByRole('alert')
      .filter({ hasText: 'Could not change the priority of task 2' })
      .waitFor();
    assert.equal(await milkPriority.inputValue(), 'normal');
    await milkDue.fill(day(1));
    await panel
      .getByRole('alert')
      .filter({ hasText: 'Could not change the due date of task 2' })
      .waitFor();
    assert.equal(await milkDue.inputValue(), '');
    await group('No date')
      .getByRole('checkbox', { name: /buy milk/ })
      .waitFor();
    await page.unroute('**/api/tasks/*');
    await panel.getByRole('button', { name: 'Dismiss' }).click();

    // The add field takes a due date and a priority too.
    await panel.getByRole('textbox', { name: 'New task', exact: true }).fill('call Ada');
    await panel.getByRole('textbox', { name: 'New task due date' }).fill(day(0));
    await panel.getByRole('combobox', { name: 'New task priority' }).selectOption('low');
    await panel.getByRole('button', { name: 'Add' }).click();
    await group('Today')
      .getByRole('checkbox', { name: /call Ada/ })
      .waitFor();
    await group('Today').getByText('Low priority').waitFor();

    await assertAccessible(page, 'task panel with due dates');
    await screenshot(page, '20-task-due-dates');
    await page.context().close();
  });
});
