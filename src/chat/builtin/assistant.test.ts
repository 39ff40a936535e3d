// Everyday phrasings -> the changes the built-in assistant makes, over an
// in-memory list, without a database: hundreds of cases in well under a
// second. Every family of the issue is here, negations and questions most of
// all, since those must never change anything.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeConversation } from './conversation.test-support.ts';
import type { ToolCall } from './plan.ts';

// The list every case starts from.
const LIST: (string | [string, boolean])[] = [
  'buy milk',
  'pay rent',
  ['call mom', true],
  'email the landlord',
  'call the bank',
  'water the plants',
  ['renew passport', true],
];

type Change = [ToolCall['toolName'], Record<string, unknown>];
const add = (title: string, description?: string): Change => [
  'add_task',
  description === undefined ? { title } : { title, description },
];
const addWith = (title: string, fields: { due?: string; priority?: string }): Change => [
  'add_task',
  { title, ...fields },
];
const due = (n: number, when: string | null): Change => ['update_task', { task_id: n, due: when }];
const priority = (n: number, level: string): Change => [
  'update_task',
  { task_id: n, priority: level },
];
const done = (n: number): Change => ['complete_task', { task_id: n }];
const del = (n: number): Change => ['delete_task', { task_id: n }];
const reopen = (n: number): Change => ['update_task', { task_id: n, completed: false }];
const rename = (n: number, title: string): Change => ['update_task', { task_id: n, title }];
const describeAs = (n: number, description: string): Change => [
  'update_task',
  { task_id: n, description },
];
const nothing: Change[] = [];

/** [message (or several turns), the last turn's changes, optionally what the reply must say] */
type Case = [string | string[], Change[], RegExp?];

const ADDING: Case[] = [
  // Once end-to-end cases in tests/chat/builtin.test.ts; the path is tested there once.
  ['Add buy milk', [add('buy milk')]],
  ['I need to remember to pay bills', [add('pay bills')]],
  ['remind me to call mom.', [add('call mom')]],
  ['create a task: water the plants', [add('water the plants')]],
  ['Please add "renew passport" to my list', [add('renew passport')]],
  ['add buy bread', [add('buy bread')]],
  ['Add buy bread', [add('buy bread')]],
  ['ADD BUY BREAD', [add('BUY BREAD')]],
  ['add a task to buy bread', [add('buy bread')]],
  ['add a new task: buy bread', [add('buy bread')]],
  ['create a task to book the dentist', [add('book the dentist')]],
  ['create a todo: renew car insurance', [add('renew car insurance')]],
  ['new task renew car insurance', [add('renew car insurance')]],
  ['new task: pick up the dry cleaning', [add('pick up the dry cleaning')]],
  ['todo: email the accountant', [add('email the accountant')]],
  ['to-do: email the accountant', [add('email the accountant')]],
  ['task: fix the bike', [add('fix the bike')]],
  ['remind me to call grandma', [add('call grandma')]],
  ['Remind me to call grandma.', [add('call grandma')]],
  ['remind me about the school forms', [add('the school forms')]],
  ['I need to buy a birthday card', [add('buy a birthday card')]],
  ['i have to finish the report', [add('finish the report')]],
  ["I've got to renew my library books", [add('renew my library books')]],
  ['I gotta clean the garage', [add('clean the garage')]],
  ['I must call the plumber', [add('call the plumber')]],
  ['I should book a haircut', [add('book a haircut')]],
  ['need to order contact lenses', [add('order contact lenses')]],
  ["don't let me forget to water the garden", [add('water the garden')]],
  ["Don't forget to send the invoice", [add('send the invoice')]],
  ['do not let me forget the passport photos', [add('the passport photos')]],
  ['remember to defrost the chicken', [add('defrost the chicken')]],
  ['I need to remember to pay the gas bill', [add('pay the gas bill')]],
  ["put 'submit expense report' on my todo list", [add('submit expense report')]],
  ['put "submit expense report" on my list', [add('submit expense report')]],
  ['put submit expense report on my list', [add('submit expense report')]],
  ['please add "renew passport" to my list', [add('renew passport')]],
  ["please add 'call the bank' to my todo list", [add('call the bank')]],
  ['add eggs to my shopping list', [add('eggs')]],
  ['add eggs to the list', [add('eggs')]],
  ['add bananas to my grocery list', [add('bananas')]],
  ['add call the vet to my tasks', [add('call the vet')]],
  ['add walk the dog to my to-do list', [add('walk the dog')]],
  ['add milk, eggs and bread', [add('milk'), add('eggs'), add('bread')]],
  ['add milk and eggs', [add('milk'), add('eggs')]],
  ['add tomatoes & onions', [add('tomatoes'), add('onions')]],
  ['add apples, pears, and plums', [add('apples'), add('pears'), add('plums')]],
  [
    'add these: wash the car; mow the lawn; fix the fence',
    [add('wash the car'), add('mow the lawn'), add('fix the fence')],
  ],
  [
    'add the following: call Sam, email Jo, text Kim',
    [add('call Sam'), add('email Jo'), add('text Kim')],
  ],
  ['add call Sam and email Jo', [add('call Sam'), add('email Jo')]],
  ['add buy milk and eggs', [add('buy milk and eggs')]],
  ["add 'salt and pepper'", [add('salt and pepper')]],
  ['please add for me buy the concert tickets', [add('buy the concert tickets')]],
  ['could you add call grandma to my list?', [add('call grandma')]],
  ['can you please add book flights', [add('book flights')]],
  ['would you mind adding book flights', [add('book flights')]],
  ["I'd like to add a task: plan the party", [add('plan the party')]],
  ['I want to add water the plants', [add('water the plants')]],
  ['hey, add pick up kids at 3pm', [addWith('pick up kids', { due: 'at 3pm' })]],
  ['ok add defrost the freezer', [add('defrost the freezer')]],
  ['thanks! also add buy sunscreen', [add('buy sunscreen')]],
  ['thanks, and add buy sunscreen too', [add('buy sunscreen')]],
  ['ad buy bread', [add('buy bread')]],
  ['addd buy bread', [add('buy bread')]],
  ['creat a task to buy bread', [add('buy bread')]],
  ['add buy milk: 2 litres, semi-skimmed', [add('buy milk', '2 litres, semi-skimmed')]],
  ['add call dentist, note: ask about the filling', [add('call dentist', 'ask about the filling')]],
  ['add pay council tax - due end of month', [add('pay council tax', 'due end of month')]],
  ['add book venue with description: capacity 50', [add('book venue', 'capacity 50')]],
  ["add 'book venue': capacity 50", [add('book venue', 'capacity 50')]],
  ['remind me to call mom tomorrow', [addWith('call mom', { due: 'tomorrow' })]],
  ['add submit taxes by friday', [addWith('submit taxes', { due: 'friday' })]],
  ['add urgent: fix the leak', [addWith('fix the leak', { priority: 'high' })]],
  ['jot down buy stamps', [add('buy stamps')]],
  ['write down call the school', [add('call the school')]],
  ['make a task to clean the oven', [add('clean the oven')]],
  ['set a reminder to take the bins out', [add('take the bins out')]],
  ['add a reminder to take my pills', [add('take my pills')]],
  ['put buy batteries on the list', [add('buy batteries')]],
  ['stick call Dave on my list', [add('call Dave')]],
  ['add "tomatoes"', [add('tomatoes')]],
  ['add to my list: buy flour', [add('buy flour')]],
  ['please can you add buy a new kettle to my list, thanks', [add('buy a new kettle')]],
  ['add two tasks: buy rice; buy beans', [add('buy rice'), add('buy beans')]],
  ['add', nothing, /What should I add/],
  [
    'put dentist appointment on my list for thursday',
    [addWith('dentist appointment', { due: 'thursday' })],
  ],
  [
    "add 'prepare slides' with description 'for the Monday meeting'",
    [add('prepare slides', 'for the Monday meeting')],
  ],
  ['put in a task to renew my license', [add('renew my license')]],
  ['Reminder: submit timesheet', [add('submit timesheet')]],
  [
    'tomorrow I need to go to the post office',
    [addWith('go to the post office', { due: 'tomorrow' })],
  ],
  ['todo pay the gas bill', [add('pay the gas bill')]],
  ['i want to learn spanish', [add('learn spanish')]],
  ['I want to delete the milk task', [del(1)]],
  ['I need to delete old photos', [add('delete old photos')]],
  [['add', 'buy bread'], [add('buy bread')]],
  ['buy some stamps', nothing, /Do you want me to add "buy some stamps"/],
  [['buy some stamps', 'yes'], [add('buy some stamps')]],
  [['buy some stamps', 'no'], nothing, /won't add/],
  ['add a task to buy groceries', [add('buy groceries')], /^I've added task 8: buy groceries\.$/],
  [
    'add milk, eggs and bread',
    [add('milk'), add('eggs'), add('bread')],
    /I've added 3 tasks:\n8\. milk\n9\. eggs\n10\. bread/,
  ],
];

const LISTING: [string, 'all' | 'pending' | 'completed', RegExp?][] = [
  [
    'show me all my tasks',
    'all',
    /^You have 7 tasks:\n1\. buy milk\n2\. pay rent\n3\. call mom \(done\)/,
  ],
  ['list my tasks', 'all'],
  ['lsit my tasks', 'all'],
  ['show my list', 'all'],
  ['what is on my list?', 'all'],
  ["what's on my todo list", 'all'],
  ['what are my tasks?', 'all'],
  ['my tasks', 'all'],
  ['tasks', 'all'],
  ['show tasks', 'all'],
  ['list', 'all'],
  ['show everything', 'all'],
  ['can you show me my todos', 'all'],
  ['let me see my list', 'all'],
  ['display all tasks', 'all'],
  ['shwo my tasks', 'all'],
  [
    "what's left?",
    'pending',
    /^You have 5 pending tasks:\n1\. buy milk\n2\. pay rent\n4\. email the landlord/,
  ],
  ["what's left to do", 'pending'],
  ["what's pending?", 'pending'],
  ['what do I still have to do?', 'pending'],
  ['what do I need to do today?', 'pending'],
  ['do I have anything to do?', 'pending', /^Yes, you have 5 pending tasks/],
  ['anything to do?', 'pending'],
  ['anything left?', 'pending'],
  ['show pending tasks', 'pending'],
  ['show me my open tasks', 'pending'],
  ['list the unfinished ones', 'pending'],
  ['what have I not done yet?', 'pending'],
  ["what haven't I done?", 'pending'],
  ['what else is there?', 'pending'],
  ["what's next?", 'pending'],
  ['remaining tasks', 'pending'],
  [
    'what have I completed?',
    'completed',
    /^You have 2 completed tasks:\n3\. call mom\n7\. renew passport$/,
  ],
  ['show done ones', 'completed'],
  ['show completed tasks', 'completed'],
  ['list finished tasks', 'completed'],
  ['what did I finish?', 'completed'],
  ['what have I done so far?', 'completed'],
  ['which tasks are done?', 'completed'],
  ['show me what I have done', 'completed'],
  ['how many tasks do I have?', 'all', /^You have 7 tasks \(5 pending, 2 done\)/],
  ['how many tasks do I have left?', 'pending', /^You have 5 pending tasks/],
  ['how many are left?', 'pending'],
  ['how many things are still pending', 'pending'],
  ['how many have I finished?', 'completed', /^You have 2 completed tasks/],
  ['how many tasks are done?', 'completed'],
  ['count my tasks', 'all'],
];

const COMPLETING: Case[] = [
  ['mark task 4 as complete', [done(4)]],
  ['complete task 4', [done(4)]],
  ['task 4 is done', [done(4)]],
  ['I finished task 4', [done(4)]],
  ['Mark #4 complete', [done(4)]],
  ['tick off number 4', [done(4)]],
  ['done with task four', [done(4)]],
  ['mark task 2 as complete', [done(2)], /^Done! Task 2 \(pay rent\) is marked as complete\.$/],
  ['mark task 2 as done', [done(2)]],
  ['mark 2 done', [done(2)]],
  ['Mark #2 complete', [done(2)]],
  ['mark number 2 as finished', [done(2)]],
  ['mark task two as done', [done(2)]],
  ['complete task 2', [done(2)]],
  ['complete 2', [done(2)]],
  ['compelte task 2', [done(2)]],
  ['complet task 2', [done(2)]],
  ['finish task 2', [done(2)]],
  ['task 2 is done', [done(2)]],
  ['task 2 done', [done(2)]],
  ['2 is done', [done(2)]],
  ['done with task 2', [done(2)]],
  ["I'm done with task 2", [done(2)]],
  ['done 2', [done(2)]],
  ['I finished task 2', [done(2)]],
  ["I've finished task 2", [done(2)]],
  ['I completed number 2', [done(2)]],
  ['I did task 2', [done(2)]],
  ['tick off number 2', [done(2)]],
  ['tick off task 2', [done(2)]],
  ['tick 2 off', [done(2)]],
  ['check off 2', [done(2)]],
  ['cross off task 2', [done(2)]],
  ['check off pay rent', [done(2)]],
  ['mark pay rent as done', [done(2)]],
  ['mark the rent task as done', [done(2)]],
  ['mark buy milk as done', [done(1)]],
  ['I paid the rent', [done(2)]],
  ['paid the rent', [done(2)]],
  ['I just paid rent', [done(2)]],
  ['rent is paid', [done(2)]],
  ['I bought the milk', [done(1)]],
  ['mark the milk as bought', [done(1)]],
  ['mark rent as paid', [done(2)]],
  ['I emailed the landlord', [done(4)]],
  ['I watered the plants', [done(6)]],
  ['finished watering the plants', [done(6)]],
  ['the milk one is done', [done(1)]],
  ['complete the landlord task', [done(4)]],
  ['mark 1 and 2 as done', [done(1), done(2)]],
  ['mark tasks 1, 2 and 4 done', [done(1), done(2), done(4)]],
  ['complete 1-2', [done(1), done(2)]],
  ['mark 4 to 6 as done', [done(4), done(5), done(6)]],
  ['mark all as done', [done(1), done(2), done(4), done(5), done(6)]],
  ['mark everything done', [done(1), done(2), done(4), done(5), done(6)]],
  ['please mark task 2 as complete, thanks', [done(2)]],
  ['can you mark 2 as done?', [done(2)]],
  ['mark the call mom task as done', nothing, /already done/],
  ['complete task 9', nothing, /couldn't find task 9/],
  ['mark the call task as done', [done(5)]],
  ['mark the groceries task as done', nothing, /couldn't find a task matching "groceries"/],
];

const REOPENING: Case[] = [
  ['mark task 3 as not done', [reopen(3)], /^Task 3 \(call mom\) is marked as not done again\.$/],
  ['mark 3 as undone', [reopen(3)]],
  ['mark 3 as incomplete', [reopen(3)]],
  ['mark 3 as pending', [reopen(3)]],
  ['uncheck 3', [reopen(3)]],
  ['uncheck task 3', [reopen(3)]],
  ['untick 3', [reopen(3)]],
  ['reopen task 3', [reopen(3)]],
  ['re-open 3', [reopen(3)]],
  ['unmark call mom', [reopen(3)]],
  ["I didn't actually finish 3", [reopen(3)]],
  ["I didn't finish task 3", [reopen(3)]],
  ["I haven't finished task 3", [reopen(3)]],
  ["task 3 isn't done", [reopen(3)]],
  ['task 3 is not done yet', [reopen(3)]],
  ['call mom is not done', [reopen(3)]],
  ['set task 3 to pending', [reopen(3)]],
  ['uncheck call mom', [reopen(3)]],
  ['reopen the passport one', [reopen(7)]],
  ['mark all completed ones as pending', [reopen(3), reopen(7)]],
  ["actually I didn't call mom", [reopen(3)]],
  ['mark rent as unpaid', nothing, /isn't marked as done/],
  ['mark the passport as unrenewed', [reopen(7)]],
  ["I haven't renewed my passport yet", [reopen(7)]],
  ['undo complete on task 3', [reopen(3)]],
  ['put task 3 back on my list', [reopen(3)]],
  ['mark 2 as not done', nothing, /isn't marked as done/],
  ['uncheck 9', nothing, /couldn't find task 9/],
];

const DELETING: Case[] = [
  ['delete task 2', [del(2)], /^I've deleted task 2 \(pay rent\)\.$/],
  ['delete 2', [del(2)]],
  ['Delete #2', [del(2)]],
  ['delete number 2', [del(2)]],
  ['delete task two', [del(2)]],
  ['remove task 2', [del(2)]],
  ['remove 2 from my list', [del(2)]],
  ['delet task 2', [del(2)]],
  ['dleete task 2', [del(2)]],
  ['remvoe task 2', [del(2)]],
  ['get rid of task 2', [del(2)]],
  ['erase task 2', [del(2)]],
  ['drop task 2', [del(2)]],
  ['trash 2', [del(2)]],
  ['scratch task 2', [del(2)]],
  ['take pay rent off my list', [del(2)]],
  ['delete the rent task', [del(2)]],
  ['remove pay rent', [del(2)]],
  ['remove milk', [del(1)]],
  ['delete the milk one', [del(1)]],
  ['delete the task called water the plants', [del(6)]],
  ['delete tasks 2 and 4', [del(2), del(4)]],
  ['delete 2, 4 and 6', [del(2), del(4), del(6)]],
  ['delete 4-6', [del(4), del(5), del(6)]],
  ['remove tasks 1 & 2', [del(1), del(2)]],
  ['could you delete task 4 please?', [del(4)]],
  ['cancel task 2', [del(2)]],
  ['delete task 9', nothing, /couldn't find task 9/],
  ['remove the dentist task', nothing, /couldn't find a task matching "dentist"/],
  [
    'delete the call task',
    nothing,
    /Several tasks match "call":\n3\. call mom \(done\)\n5\. call the bank\nWhich one\?/,
  ],
  ['clear completed', nothing, /Delete all 2\?/],
  [
    ['clear completed', 'yes'],
    [del(3), del(7)],
  ],
  [['clear completed', 'no'], nothing, /won't delete/],
  ['delete all completed tasks', nothing, /Delete all 2\?/],
  ['remove the done ones', nothing, /Delete all 2\?/],
  ['delete all', nothing, /That would delete 7 tasks: .* Delete all 7\?/],
  ['clear everything', nothing, /Delete all 7\?/],
  ['clear my list', nothing, /Delete all 7\?/],
  ['delete everything', nothing, /Delete all 7\?/],
  ['wipe the list', nothing, /Delete all 7\?/],
  [
    ['delete all', 'yes'],
    [del(1), del(2), del(3), del(4), del(5), del(6), del(7)],
  ],
  [
    ['delete all', 'go ahead'],
    [del(1), del(2), del(3), del(4), del(5), del(6), del(7)],
  ],
  [['delete all', 'no'], nothing],
  [['delete all', 'never mind'], nothing],
  [['delete all', 'cancel'], nothing],
  [['delete all', 'not task 3'], nothing],
];

const RENAMING: Case[] = [
  [
    "change task 1 to 'buy oat milk'",
    [rename(1, 'buy oat milk')],
    /^Task 1 is now 'buy oat milk'\.$/,
  ],
  ['rename task 1 to buy oat milk', [rename(1, 'buy oat milk')]],
  ['rename 1 to buy oat milk', [rename(1, 'buy oat milk')]],
  ['rename task 1 as buy oat milk', [rename(1, 'buy oat milk')]],
  ['edit task 1: buy oat milk', [rename(1, 'buy oat milk')]],
  ['update task 1 to buy oat milk', [rename(1, 'buy oat milk')]],
  ['change the title of task 1 to buy oat milk', [rename(1, 'buy oat milk')]],
  ["change task 1's title to buy oat milk", [rename(1, 'buy oat milk')]],
  ["change 'buy milk' to 'buy almond milk'", [rename(1, 'buy almond milk')]],
  ['change buy milk to buy almond milk', [rename(1, 'buy almond milk')]],
  ['rename the milk task to buy almond milk', [rename(1, 'buy almond milk')]],
  ['rename task 2 to go to the bank to pay rent', [rename(2, 'go to the bank to pay rent')]],
  ['renmae task 1 to buy oat milk', [rename(1, 'buy oat milk')]],
  ['update task 2 description to before friday', [describeAs(2, 'before friday')]],
  ['change the description of task 2 to before friday', [describeAs(2, 'before friday')]],
  ["set task 2's description to before friday", [describeAs(2, 'before friday')]],
  ['add a note to task 4: ask about the deposit', [describeAs(4, 'ask about the deposit')]],
  ['add a description to task 4: ask about the deposit', [describeAs(4, 'ask about the deposit')]],
  ['describe task 4 as ask about the deposit', [describeAs(4, 'ask about the deposit')]],
  ['rename task 9 to x', nothing, /couldn't find task 9/],
];

const NEGATIONS: Case[] = [
  ["actually, don't delete task 1, I still need it", nothing, /^OK, I won't delete task 1\.$/],
  ["don't delete task 1", nothing],
  ['do not delete task 1', nothing],
  ['dont delete task 1', nothing],
  ['never delete task 1', nothing],
  ['please do not remove task 1', nothing],
  ["I don't want to delete task 1", nothing],
  ["you don't need to delete task 1", nothing],
  ['no need to delete task 1', nothing],
  ['do not mark task 1 as done', nothing, /won't mark task 1 as done/],
  ["don't mark 1 done", nothing],
  ["don't complete task 2 yet", nothing],
  ["don't add milk", nothing, /won't add "milk"/],
  ["don't rename task 1", nothing],
  ["don't clear my list", nothing],
  ["don't delete anything", nothing],
  ["let's not delete task 1", nothing],
  ["I don't want you to remove the milk task", nothing],
  ['never mind', nothing],
  ['nevermind', nothing],
  ['no, cancel that', nothing],
  ['cancel that', nothing],
  ['forget it', nothing],
  ['scratch that', nothing],
  ['wait, not task 3', nothing],
  ['not task 3', nothing],
  ['hold on', nothing],
  ["don't", nothing],
  ['no', nothing],
  ['stop', nothing],
  ["don't delete task 1, delete task 2", [del(2)]],
  ["don't delete task 1. delete task 2 instead", [del(2)]],
  ['delete task 2, no wait, cancel that', nothing],
  ['delete tasks 2 and 4, not 4', [del(2)]],
  ['delete 2 and 4 but not 4', [del(2)]],
  ['delete 2, wait, not 2', nothing, /left task 2 \(pay rent\) alone/],
  ['mark 1 and 2 done, not 2', [done(1)]],
  [['delete the call task', 'no'], nothing],
  [['delete the call task', 'never mind'], nothing],
  [['should I delete task 2?', 'no'], nothing],
  [['delete all', "no don't"], nothing],
  ['I need to finish task 2', nothing],
  ["don't let me forget to pay rent", [add('pay rent')]],
];

const QUESTIONS: Case[] = [
  ['should I delete task 3?', nothing, /Shall I delete it\?/],
  ['what happens if I delete task 3?', nothing, /would remove it/],
  ['what happens if I complete 2?', nothing, /would mark it as done/],
  ['what if I delete task 2?', nothing],
  ['can I delete task 2?', nothing],
  ['should I mark 2 as done?', nothing],
  ['is it ok to delete task 2?', nothing],
  ['would it be ok to clear completed?', nothing],
  ['should I remove the milk task?', nothing, /task 1 \(buy milk\)/],
  ['should we delete everything?', nothing],
  ['how do I delete a task?', nothing],
  ['how do I add a task?', nothing],
  ['is task 3 done?', nothing, /Yes, task 3 \(call mom\) is done/],
  ['is task 2 done?', nothing, /No, task 2 \(pay rent\) is not done yet/],
  ['did I pay the rent?', nothing, /not done yet/],
  ['did I call mom?', nothing, /is done/],
  ['have I finished task 2?', nothing],
  [['should I delete task 2?', 'yes'], [del(2)]],
  [['what happens if I complete 2?', 'yes please'], [done(2)]],
  [['should I add milk?', 'yes'], [add('milk')]],
];

const FOLLOW_UPS: Case[] = [
  [['delete the call task', '5'], [del(5)]],
  [['delete the call task', 'task 5'], [del(5)]],
  [['delete the call task', '#5'], [del(5)]],
  [['delete the call task', 'the second'], [del(5)]],
  [['delete the call task', 'the second one'], [del(5)]],
  [['delete the call task', 'the last one'], [del(5)]],
  [['delete the call task', 'the bank one'], [del(5)]],
  [['delete the call task', 'the one about the bank'], [del(5)]],
  [['delete the call task', 'mom'], [del(3)]],
  [
    ['delete the call task', 'both'],
    [del(3), del(5)],
  ],
  [['delete the call task', '2'], nothing, /Which one\?/],
  ['mark the call one done', [done(5)]],
  [['delete the call task', 'yes'], nothing, /Which one\?/],
  [['show my tasks', 'delete the first one'], [del(1)]],
  [['show my tasks', 'mark the second one as done'], [done(2)]],
  [["what's left?", 'mark the last one as done'], [done(6)]],
  [["what's left?", 'delete the third one'], [del(4)]],
  [['show completed tasks', 'reopen the first one'], [reopen(3)]],
  [['add buy bread', 'actually delete it'], [del(8)]],
  [['add buy bread', 'mark it done'], [done(8)]],
  [['complete task 2', 'undo that'], [reopen(2)]],
  [['show my tasks', 'thanks'], nothing],
  [
    ['delete task 1', 'undo'],
    [add('buy milk')],
    /"buy milk" is back on your list as task 8 \(it was task 1\)/,
  ],
  [['delete task 1', 'oops, bring it back'], [add('buy milk')]],
  [['delete task 1', 'undo that'], [add('buy milk')]],
  [['delete task 1', 'put it back'], [add('buy milk')]],
  [['delete task 1', 'put task 1 back on my list'], [add('buy milk')]],
  [['delete task 1', 'restore task 1'], [add('buy milk')]],
  [['add buy eggs', 'undo'], [del(8)]],
  [['mark 2 done', 'undo'], [reopen(2)]],
  [['uncheck 3', 'undo'], [done(3)]],
  [['rename task 1 to buy oat milk', 'undo'], [rename(1, 'buy milk')]],
  [['delete task 1', 'undo', 'undo'], [del(8)]],
  [['delete task 1', 'show my tasks', 'undo'], [add('buy milk')]],
  [
    ['mark 1 and 2 done', 'undo'],
    [reopen(1), reopen(2)],
  ],
  ['undo', nothing, /nothing to undo/],
  [['delete task 1', 'oops'], nothing, /undo my last change\?/],
  [['delete task 1', 'oops', 'yes'], [add('buy milk')]],
  [['add', 'never mind'], nothing],
  [['add call the plumber', 'and call the electrician'], [add('call the electrician')]],
  [['mark 1 done', 'and 2'], [done(2)]],
  [['delete task 4', 'same for 5'], [del(5)]],
  [['mark 1 done', '2 too'], [done(2)]],
  ['and 2', nothing],
];

const SOCIAL: Case[] = [
  ['hi', nothing, /^Hello!/],
  ['hello there', nothing],
  ['good morning', nothing],
  ['hey', nothing],
  ['thanks', nothing, /You're welcome/],
  ['thank you!', nothing],
  ['cheers', nothing],
  ['great, thanks', nothing],
  ['bye', nothing],
  ['help', nothing, /I can add tasks/],
  ['what can you do?', nothing, /I can add tasks/],
  ['what is the weather like?', nothing, /only help with your todo list/],
  ['who won the game last night?', nothing],
  ['tell me a joke', nothing],
  ['what is the capital of France?', nothing],
  ['how are you?', nothing],
  ['ok', nothing],
  ['yes', nothing],
  ['asdfgh qwerty?', nothing],
];

const SEVERAL: Case[] = [
  [
    'mark task 2 done and delete task 4',
    [done(2), del(4)],
    /Task 2 \(pay rent\) is marked as complete\.\nI've deleted task 4/,
  ],
  ['mark 2 done and delete 9', [done(2)], /couldn't find task 9/],
  ['add buy bread and mark 2 as done', [add('buy bread'), done(2)]],
  ['delete task 1 and show me my list', [del(1)], /You have 6 tasks/],
  ['complete 1, then delete 2', [done(1), del(2)]],
  ['add buy bread. delete task 4.', [add('buy bread'), del(4)]],
  ['mark 1 done; delete 2', [done(1), del(2)]],
  ['remove task 4 and add call the landlord', [del(4), add('call the landlord')]],
  ['hi, add buy bread', [add('buy bread')]],
  ['mark task 2 done and also delete the milk one', [done(2), del(1)]],
  ['delete task 4 and the milk one', [del(4), del(1)]],
  ['delete task 4 and the dentist one', [del(4)], /couldn't find a task matching "dentist"/],
];

function run(turns: string | string[]): { changes: Change[]; text: string } {
  const conversation = new FakeConversation(LIST);
  const messages = typeof turns === 'string' ? [turns] : turns;
  let last = { changes: [] as Change[], text: '' };
  for (const message of messages) {
    const reply = conversation.say(message);
    last = { changes: reply.changes.map((call) => [call.toolName, call.input]), text: reply.text };
  }
  return last;
}

const label = (turns: string | string[]): string =>
  typeof turns === 'string' ? turns : turns.join(' → ');

// Dates and priorities go to the tools, out of the title; the fake says a
// due back as given, so replies show `due_text` as the server would.
const DATES: Case[] = [
  [
    'remind me to call mom tomorrow at 5',
    [addWith('call mom', { due: 'tomorrow at 5pm' })],
    /task 8: call mom \(due tomorrow at 5pm\)/,
  ],
  ['remind me to call mom tomorrow at 7', [addWith('call mom', { due: 'tomorrow at 7pm' })]],
  [
    'remind me to submit the form tomorrow at 10',
    [addWith('submit the form', { due: 'tomorrow at 10' })],
  ],
  ['add call dad at 5:30', [addWith('call dad', { due: 'at 5:30pm' })]],
  ['add call dad at 5am', [addWith('call dad', { due: 'at 5am' })]],
  [
    'add pay the gas bill on friday',
    [addWith('pay the gas bill', { due: 'friday' })],
    /due friday/,
  ],
  ['add dentist next tuesday at 9am', [addWith('dentist', { due: 'next tuesday at 9am' })]],
  ['add water the lawn in 3 days', [addWith('water the lawn', { due: 'in 3 days' })]],
  ['add book flights by next month', [addWith('book flights', { due: 'next month' })]],
  [
    'add file taxes, high priority',
    [addWith('file taxes', { priority: 'high' })],
    /file taxes \(high priority\)/,
  ],
  ['add buy a gift, low priority', [addWith('buy a gift', { priority: 'low' })]],
  ['add call the plumber asap', [addWith('call the plumber', { priority: 'high' })]],
  ['add fix the roof, it is urgent', [addWith('fix the roof', { priority: 'high' })]],
  ['add clean the attic someday', [addWith('clean the attic', { priority: 'low' })]],
  [
    'add renew the lease by friday, urgent',
    [addWith('renew the lease', { due: 'friday', priority: 'high' })],
    /\(due friday, high priority\)/,
  ],
  ['add friday', [add('friday')]],
  ['move task 2 to friday', [due(2, 'friday')], /Task 2 \(pay rent\) is now due friday/],
  ['push the rent to next week', [due(2, 'next week')]],
  ['push the landlord email to monday', [due(4, 'monday')]],
  ['reschedule task 1 for tomorrow at 3pm', [due(1, 'tomorrow at 3pm')]],
  ['postpone 4 until monday', [due(4, 'monday')]],
  ['move task 5 to tomorrow at 4', [due(5, 'tomorrow at 4pm')]],
  ['task 2 is due next friday', [due(2, 'next friday')]],
  ['remove the due date from task 4', [due(4, null)], /no due date now/],
  ['clear the due date of task 1', [due(1, null)]],
  ['task 4 has no due date', [due(4, null)]],
  ['make task 3 high priority', [priority(3, 'high')], /Task 3 \(call mom\) is now high priority/],
  ['mark 2 as urgent', [priority(2, 'high')]],
  ['make 1 low priority', [priority(1, 'low')]],
  ['set the priority of task 2 to low', [priority(2, 'low')]],
  ['change task 2 to high priority', [priority(2, 'high')]],
  ['make the milk one urgent', [priority(1, 'high')]],
  ['task 2 is urgent', [priority(2, 'high')]],
  // Not urgent is back to normal, not low: the user took away the urgency, nothing more.
  ['task 1 is not urgent', [priority(1, 'normal')], /normal priority/],
  ["task 1 isn't important", [priority(1, 'normal')]],
  ['push task 9 to friday', [], /couldn't find task 9/],
  [
    ['add pay the water bill today', "what's due today?"],
    [],
    /8\. pay the water bill \(due today\)/,
  ],
  [['make task 3 high priority', 'show my tasks'], [], /3\. call mom \(done, high priority\)/],
  [['should I move task 2 to friday?', 'yes'], [due(2, 'friday')]],
];

const DATE_NEGATIONS: Case[] = [
  ["don't move task 2 to friday", nothing, /won't reschedule task 2/],
  ["don't move task 2", nothing],
  ["don't make task 3 high priority", nothing, /won't change the priority of task 3/],
  ["don't remove the due date from task 4", nothing],
  ['do not push the rent to next week', nothing],
  ['should I make 3 high priority?', nothing, /Shall I\?/],
  ['should I move task 2 to friday?', nothing, /due friday/],
  ['what if I push the rent to next week?', nothing],
  ['should I remove the due date from task 4?', nothing],
  ['dont add file taxes, high priority', nothing],
  [['should I make 3 high priority?', 'no'], nothing],
];

for (const [family, cases] of [
  ['adding', ADDING],
  ['completing', COMPLETING],
  ['reopening', REOPENING],
  ['deleting', DELETING],
  ['renaming and describing', RENAMING],
  ['negations and cancelling', NEGATIONS],
  ['questions about actions', QUESTIONS],
  ['follow-ups and undo', FOLLOW_UPS],
  ['greetings, thanks and off-topic', SOCIAL],
  ['several actions in one message', SEVERAL],
  ['dates and priorities', DATES],
  ['negated or questioned dates and priorities', DATE_NEGATIONS],
] as const) {
  describe(`built-in assistant: ${family}`, () => {
    for (const [turns, changes, text] of cases) {
      it(label(turns), () => {
        const reply = run(turns);
        assert.deepEqual(reply.changes, changes, reply.text);
        if (text !== undefined) assert.match(reply.text, text);
      });
    }
  });
}

describe('built-in assistant: listing and counting', () => {
  for (const [message, status, text] of LISTING) {
    it(message, () => {
      const conversation = new FakeConversation(LIST);
      const reply = conversation.say(message);
      assert.deepEqual(
        reply.calls.map((call) => [call.toolName, call.input]),
        [['list_tasks', { status }]],
        reply.text,
      );
      if (text !== undefined) assert.match(reply.text, text);
    });
  }

  it('agrees counts with nouns', () => {
    const one = new FakeConversation(['buy milk', ['pay rent', true]]);
    assert.match(one.say("what's left?").text, /^You have 1 pending task:\n1\. buy milk$/);
    assert.match(one.say('how many have I done?').text, /^You have 1 completed task:/);
    const empty = new FakeConversation([]);
    assert.equal(
      empty.say('show my tasks').text,
      'Your list is empty. Try "add a task to buy milk".',
    );
    assert.equal(empty.say('anything to do?').text, 'No, nothing pending: you are all caught up!');
  });
});

it('has at least 300 phrasings in its tables', () => {
  const total =
    [
      ADDING,
      COMPLETING,
      REOPENING,
      DELETING,
      RENAMING,
      NEGATIONS,
      QUESTIONS,
      FOLLOW_UPS,
      SOCIAL,
      SEVERAL,
    ].reduce((sum, cases) => sum + cases.length, 0) + LISTING.length;
  assert.ok(total >= 300, `only ${total}`);
});

describe('built-in assistant: a negated or questioned command never changes anything', () => {
  const commands = [
    'delete task 1',
    'remove the milk task',
    'mark task 2 as done',
    'complete 2',
    'mark 3 as not done',
    'uncheck 3',
    'add buy bread',
    'rename task 1 to buy oat milk',
    'clear completed',
    'delete everything',
    'tick off pay rent',
  ];
  const negations = [
    "don't ",
    'do not ',
    'please do not ',
    'never ',
    "actually, don't ",
    'no, do not ',
    "I don't want you to ",
    "you don't need to ",
    'no need to ',
    "let's not ",
    "wait, don't ",
  ];
  const questions = ['should I ', 'what happens if I ', 'can I ', 'is it ok to ', 'what if I '];
  for (const command of commands) {
    for (const lead of [...negations, ...questions]) {
      const message = `${lead}${command}${questions.includes(lead) ? '?' : ''}`;
      it(message, () => {
        const conversation = new FakeConversation(LIST);
        const reply = conversation.say(message);
        assert.deepEqual(reply.changes, [], reply.text);
      });
    }
  }
});

describe('built-in assistant: lists by due date and priority', () => {
  for (const [message, filter] of [
    ["what's due today?", { due: 'today' }],
    ['what is due today', { due: 'today' }],
    ['anything overdue?', { due: 'overdue' }],
    ["what's overdue?", { due: 'overdue' }],
    ['am I behind on anything?', { due: 'overdue' }],
    ["what's coming up?", { due: 'upcoming' }],
    ["what's upcoming?", { due: 'upcoming' }],
    ["what's urgent?", { priority: 'high' }],
    ["what's important?", { priority: 'high' }],
    ['show me urgent tasks', { priority: 'high' }],
    ['which tasks are high priority?', { priority: 'high' }],
  ] as const) {
    it(message, () => {
      const reply = new FakeConversation(LIST).say(message);
      assert.deepEqual(
        reply.calls.map((call) => [call.toolName, call.input]),
        [['list_tasks', { status: 'pending', ...filter }]],
        reply.text,
      );
      assert.match(reply.text, /^Nothing/);
    });
  }
});
