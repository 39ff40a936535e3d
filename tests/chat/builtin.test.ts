// The built-in assistant through the whole chat path: HTTP, the agent, the
// same tools a real model gets, and the database.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { addDays, calendarDate, describeDue } from '../../src/tasks/due.ts';
import { describeStore } from '../support/databases.ts';
import { createTestApp, json, signUp, type SignedIn } from '../support/http.ts';

interface ChatReply {
  conversation_id: string;
  response: string;
  tool_calls: {
    name: string;
    arguments: Record<string, unknown>;
    result?: unknown;
    error?: string;
  }[];
}

describeStore('chat with the built-in assistant', (ctx) => {
  async function fresh(): Promise<SignedIn & { say: (message: string) => Promise<ChatReply> }> {
    const { app } = createTestApp(ctx.store);
    const user = await signUp(app);
    return {
      ...user,
      say: async (message: string) => {
        const reply = await user.client.post('/api/chat', { message });
        assert.equal(reply.status, 200, JSON.stringify(reply.body));
        return json<ChatReply>(reply);
      },
    };
  }

  /** The calls that change something; listing first to find numbers is the model's business. */
  const changes = (reply: ChatReply) =>
    reply.tool_calls
      .filter((call) => call.name !== 'list_tasks')
      .map((call) => [call.name, call.arguments]);

  const titles = async (userId: string, status: 'all' | 'pending' | 'completed' = 'all') =>
    (await ctx.store.tasks.listTasks(userId, { status })).map(
      (task) => `${task.number}. ${task.title}`,
    );

  // The phrasings are table-tested without a database in
  // src/chat/builtin/assistant.test.ts; here one goes the whole way.
  it('adds a task for a request in words, and says so', async () => {
    const user = await fresh();
    const reply = await user.say('add a task to buy groceries');
    assert.deepEqual(
      reply.tool_calls.map((call) => [call.name, call.arguments]),
      [['add_task', { title: 'buy groceries' }]],
    );
    assert.equal(reply.response, "I've added task 1: buy groceries.");
    assert.deepEqual(await titles(user.userId), ['1. buy groceries']);
  });

  it('adds several tasks at once, and a description', async () => {
    const user = await fresh();
    const several = await user.say('add milk, eggs and bread');
    assert.equal(several.response, "I've added 3 tasks:\n1. milk\n2. eggs\n3. bread");
    await user.say('add call dentist, note: ask about the filling');
    const [, , , dentist] = await ctx.store.tasks.listTasks(user.userId);
    assert.deepEqual(
      [dentist?.title, dentist?.description],
      ['call dentist', 'ask about the filling'],
    );
  });

  it('lists all, pending and completed tasks in words', async () => {
    const user = await fresh();
    assert.equal(
      (await user.say('show me all my tasks')).response,
      'Your list is empty. Try "add a task to buy milk".',
    );
    await user.say('add a task to buy milk');
    await user.say('add pay bills');
    await user.say('add call mom');
    await user.say('mark task 2 as complete');
    const all = await user.say('show me all my tasks');
    assert.equal(all.response, 'You have 3 tasks:\n1. buy milk\n2. pay bills (done)\n3. call mom');
    assert.deepEqual(
      all.tool_calls.map((call) => [call.name, call.arguments]),
      [['list_tasks', { status: 'all' }]],
    );
    assert.equal(
      (await user.say("what's pending?")).response,
      'You have 2 pending tasks:\n1. buy milk\n3. call mom',
    );
    assert.equal(
      (await user.say('what do I still have to do?')).tool_calls[0]?.arguments.status,
      'pending',
    );
    assert.equal(
      (await user.say('what have I completed?')).response,
      'You have 1 completed task:\n2. pay bills',
    );
    assert.equal((await user.say('list my tasks')).tool_calls[0]?.arguments.status, 'all');
    assert.equal(
      (await user.say('how many tasks do I have left?')).response,
      'You have 2 pending tasks:\n1. buy milk\n3. call mom',
    );
    assert.match(
      (await user.say('how many tasks do I have?')).response,
      /^You have 3 tasks \(2 pending, 1 done\)/,
    );
  });

  it('completes a task by number, and says which', async () => {
    const user = await fresh();
    for (const title of ['one', 'two', 'three']) await user.say(`add ${title}`);
    const reply = await user.say('tick off number 3');
    assert.deepEqual(changes(reply), [['complete_task', { task_id: 3 }]]);
    assert.equal(reply.response, 'Done! Task 3 (three) is marked as complete.');
    assert.deepEqual(await titles(user.userId, 'completed'), ['3. three']);
  });

  it('deletes by number and by title, listing first to find the number', async () => {
    const user = await fresh();
    await user.say('add buy milk');
    await user.say('add meeting with Sam');
    await user.say('add pay bills');
    const byNumber = await user.say('delete task 1');
    assert.equal(byNumber.response, "I've deleted task 1 (buy milk).");
    const byTitle = await user.say('delete the meeting task');
    assert.deepEqual(
      byTitle.tool_calls.map((call) => [call.name, call.arguments]),
      [
        ['list_tasks', { status: 'all' }],
        ['delete_task', { task_id: 2 }],
      ],
    );
    assert.equal(byTitle.response, "I've deleted task 2 (meeting with Sam).");
    assert.deepEqual(await titles(user.userId), ['3. pay bills']);
    const missing = await user.say('remove the dentist task');
    assert.equal(
      missing.response,
      'I couldn\'t find a task matching "dentist". Your tasks are:\n3. pay bills',
    );
  });

  it('completes by title, and asks which when several match', async () => {
    const user = await fresh();
    await user.say('add buy groceries');
    await user.say('add call the bank');
    await user.say('add call mom');
    const done = await user.say('mark the groceries task as done');
    assert.equal(done.response, 'Done! Task 1 (buy groceries) is marked as complete.');
    const ambiguous = await user.say('mark the call task as complete');
    assert.equal(
      ambiguous.response,
      'Several tasks match "call":\n2. call the bank\n3. call mom\nWhich one? Tell me its number.',
    );
    assert.deepEqual(await titles(user.userId, 'completed'), ['1. buy groceries']);
  });

  it('completes by what the user did, and reopens through update_task', async () => {
    const user = await fresh();
    await user.say('add pay rent');
    await user.say('add buy milk');
    const paid = await user.say('I paid the rent');
    assert.deepEqual(changes(paid), [['complete_task', { task_id: 1 }]]);
    const reopened = await user.say('mark task 1 as not done');
    assert.deepEqual(changes(reopened), [['update_task', { task_id: 1, completed: false }]]);
    assert.equal(reopened.response, 'Task 1 (pay rent) is marked as not done again.');
    assert.deepEqual(await titles(user.userId, 'completed'), []);
  });

  it('never does what the user said not to, nor what they only asked about', async () => {
    const user = await fresh();
    for (const title of ['one', 'two', 'three']) await user.say(`add ${title}`);
    for (const message of [
      "actually, don't delete task 1, I still need it",
      'do not mark task 1 as done',
      'should I delete task 3?',
      'what happens if I complete 2?',
      'never mind',
      'wait, not task 3',
    ]) {
      const reply = await user.say(message);
      assert.deepEqual(changes(reply), [], message);
    }
    assert.deepEqual(await titles(user.userId, 'pending'), ['1. one', '2. two', '3. three']);
  });

  it('does both actions of one sentence, or says which it did not', async () => {
    const user = await fresh();
    for (const title of ['one', 'two', 'three']) await user.say(`add ${title}`);
    const both = await user.say('mark task 2 done and delete task 3');
    assert.deepEqual(changes(both), [
      ['complete_task', { task_id: 2 }],
      ['delete_task', { task_id: 3 }],
    ]);
    assert.equal(
      both.response,
      "Done! Task 2 (two) is marked as complete.\nI've deleted task 3 (three).",
    );
    const half = await user.say('delete task 1 and task 9');
    assert.equal(
      half.response,
      'I\'ve deleted task 1 (one). I couldn\'t find task 9. Say "show me all my tasks" to see their numbers.',
    );
    assert.deepEqual(await titles(user.userId), ['2. two']);
  });

  it('asks before deleting every task, and deletes nothing meanwhile', async () => {
    const user = await fresh();
    for (const title of ['one', 'two']) await user.say(`add ${title}`);
    const asked = await user.say('delete all');
    assert.deepEqual(changes(asked), []);
    assert.equal(asked.response, 'That would delete 2 tasks: 1 (one) and 2 (two). Delete all 2?');
    assert.deepEqual(await titles(user.userId), ['1. one', '2. two']);
  });

  it('resolves its question on the next turn, from the saved conversation', async () => {
    const user = await fresh();
    for (const title of ['call the bank', 'call mom', 'buy milk']) await user.say(`add ${title}`);
    const asked = await user.say('delete the call task');
    assert.match(asked.response, /Which one\? Tell me its number\.$/);
    const answered = await user.say('the mom one');
    assert.deepEqual(changes(answered), [['delete_task', { task_id: 2 }]]);
    await user.say('show my tasks');
    const first = await user.say('mark the first one as done');
    assert.deepEqual(changes(first), [['complete_task', { task_id: 1 }]]);
    const confirm = await user.say('clear everything');
    assert.deepEqual(changes(confirm), []);
    const yes = await user.say('yes');
    assert.deepEqual(changes(yes), [
      ['delete_task', { task_id: 1 }],
      ['delete_task', { task_id: 3 }],
    ]);
    assert.deepEqual(await titles(user.userId), []);
  });

  it('undoes its own last change: a deleted task comes back with its description', async () => {
    const user = await fresh();
    await user.say('add call dentist, note: ask about the filling');
    await user.say('delete task 1');
    const undone = await user.say('oops, bring it back');
    assert.equal(
      undone.response,
      'Undone: "call dentist" is back on your list as task 2 (it was task 1).',
    );
    const [task] = await ctx.store.tasks.listTasks(user.userId);
    assert.deepEqual(
      [task?.number, task?.title, task?.description],
      [2, 'call dentist', 'ask about the filling'],
    );
    await user.say('mark it as done');
    await user.say('undo');
    assert.deepEqual(await titles(user.userId, 'pending'), ['2. call dentist']);
  });

  it("changes a task's title or description", async () => {
    const user = await fresh();
    await user.say('add call mom');
    const renamed = await user.say("change task 1 to 'Call mom tonight'");
    assert.deepEqual(changes(renamed), [
      ['update_task', { task_id: 1, title: 'Call mom tonight' }],
    ]);
    assert.equal(renamed.response, "Task 1 is now 'Call mom tonight'.");
    await user.say('rename task 1 to Call mom tomorrow');
    const described = await user.say('update task 1 description to after dinner');
    assert.deepEqual(changes(described), [
      ['update_task', { task_id: 1, description: 'after dinner' }],
    ]);
    await user.say("change 'Call mom tomorrow' to 'Call mom on Sunday'");
    const [task] = await ctx.store.tasks.listTasks(user.userId);
    assert.deepEqual([task?.title, task?.description], ['Call mom on Sunday', 'after dinner']);
  });

  it('says so, helpfully, when a task does not exist or a request is off-topic', async () => {
    const user = await fresh();
    const missing = await user.say('complete task 9');
    // The tool has the last word on a number, and its error is read by code.
    const [failed] = missing.tool_calls;
    assert.equal(failed?.name, 'complete_task');
    assert.equal(failed.result, undefined);
    assert.ok(failed.error);
    assert.equal(
      missing.response,
      'I couldn\'t find task 9. Say "show me all my tasks" to see their numbers.',
    );
    const offTopic = await user.say('what is the weather like?');
    assert.deepEqual(offTopic.tool_calls, []);
    assert.match(
      offTopic.response,
      /^I can only help with your todo list, so I can't answer that\. I can add tasks/,
    );
    const hello = await user.say('hi');
    assert.deepEqual(hello.tool_calls, []);
    assert.match(hello.response, /^Hello! I'm your todo assistant\./);
  });

  it('persists both messages of every turn, with the tool calls in the reply metadata', async () => {
    const user = await fresh();
    const reply = await user.say('add a task to buy milk');
    const history = await ctx.store.conversations.getConversationHistory(
      user.userId,
      reply.conversation_id,
    );
    assert.deepEqual(
      history.messages.map((message) => [message.role, message.content]),
      [
        ['user', 'add a task to buy milk'],
        ['assistant', "I've added task 1: buy milk."],
      ],
    );
    const metadata = history.messages[1]?.metadata as {
      reply_to: string;
      model: string;
      tool_calls: { name: string; arguments: unknown; result: unknown }[];
      timings: { model_ms: number; total_ms: number };
    };
    assert.equal(metadata.reply_to, history.messages[0]?.id);
    assert.equal(metadata.model, 'todochat:builtin');
    assert.deepEqual(
      metadata.tool_calls.map((call) => [call.name, call.arguments, call.result]),
      [['add_task', { title: 'buy milk' }, { task_id: 1, status: 'created', title: 'buy milk' }]],
    );
    assert.ok(metadata.timings.total_ms >= metadata.timings.model_ms);
  });

  it("reads a due date and a priority in a request, in the user's zone, and says them back", async () => {
    const user = await fresh();
    const zone = 'Europe/Paris';
    assert.equal((await user.client.patch('/api/me', { time_zone: zone })).status, 200);
    const added = await user.say('remind me to call mom tomorrow at 5');
    assert.deepEqual(changes(added), [['add_task', { title: 'call mom', due: 'tomorrow at 5pm' }]]);
    const [task] = await ctx.store.tasks.listTasks(user.userId);
    // A bare 5 is the afternoon, tomorrow in Paris whatever the server's clock zone.
    const tomorrow = addDays(calendarDate(new Date(), zone), 1);
    assert.ok(task?.due?.at);
    assert.equal(task.title, 'call mom');
    assert.equal(task.due.date, tomorrow);
    assert.equal(
      new Intl.DateTimeFormat('en-GB', { timeZone: zone, timeStyle: 'short' }).format(task.due.at),
      '17:00',
    );
    assert.equal(
      added.response,
      `I've added task 1: call mom (due ${describeDue(task.due, zone)}).`,
    );

    await user.say('add file taxes, high priority');
    const [, taxes] = await ctx.store.tasks.listTasks(user.userId);
    assert.deepEqual([taxes?.title, taxes?.priority, taxes?.due], ['file taxes', 'high', null]);
    assert.equal(
      (await user.say("what's urgent?")).response,
      '1 task is high priority:\n2. file taxes (high priority)',
    );
    assert.equal(
      (await user.say('anything overdue?')).response,
      'Nothing is overdue: you are on time!',
    );
    assert.match(
      (await user.say("what's coming up?")).response,
      /^Coming up, 1 task:\n1\. call mom \(due /,
    );
  });

  it('moves, clears and re-prioritises tasks by number and by title, and a question changes nothing', async () => {
    const user = await fresh();
    await user.say('add pay rent');
    await user.say('add go to the dentist');
    await user.say('add buy milk today');
    const moved = await user.say('move task 1 to friday');
    const rent = (await ctx.store.tasks.listTasks(user.userId)).find((task) => task.number === 1);
    assert.ok(rent?.due);
    assert.equal(rent.due.at, null);
    assert.equal(new Date(`${rent.due.date}T12:00:00Z`).getUTCDay(), 5);
    assert.match(moved.response, /^Task 1 \(pay rent\) is now due Friday, /);

    await user.say('push the dentist to next week');
    const dentist = (await ctx.store.tasks.listTasks(user.userId)).find(
      (task) => task.number === 2,
    );
    assert.ok((dentist?.due?.date ?? '') > calendarDate(new Date(), 'UTC'));

    const asked = await user.say('should I remove the due date from task 1?');
    assert.deepEqual(changes(asked), []);
    assert.notEqual(
      (await ctx.store.tasks.listTasks(user.userId)).find((task) => task.number === 1)?.due,
      null,
    );
    assert.deepEqual(changes(await user.say("don't make task 3 high priority")), []);

    assert.equal(
      (await user.say('remove the due date from task 1')).response,
      'Task 1 (pay rent) has no due date now.',
    );
    assert.equal(
      (await user.say('make task 3 high priority')).response,
      'Task 3 (buy milk) is now high priority.',
    );
    assert.match(
      (await user.say("what's due today?")).response,
      /^1 task is due today:\n3\. buy milk \(due .+, high priority\)$/,
    );
    assert.equal(
      (await user.say('task 3 is not urgent')).response,
      'Task 3 (buy milk) is now normal priority.',
    );
    const after = await ctx.store.tasks.listTasks(user.userId);
    assert.deepEqual(after.map((task) => [task.number, task.priority, task.due === null]).sort(), [
      [1, 'normal', true],
      [2, 'normal', false],
      [3, 'normal', false],
    ]);
  });
});
