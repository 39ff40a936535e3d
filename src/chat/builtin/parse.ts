// From a message to clauses: split into sentences and then into clauses
// where a new command starts ("mark 2 done and delete 3"), strip polite and
// chatty wrappers, then read each clause as negated, a question, or one of
// the families (add, list, complete, reopen, delete, rename, undo, ...).
// Titles are cut from the user's own text, so they keep its casing.
import type {
  Action,
  Change,
  Clause,
  DueFilter,
  NewTask,
  Priority,
  Social,
  Status,
  Target,
} from './intent.ts';
import { numberList, positionList } from './numbers.ts';
import {
  wordSet,
  baseForm,
  correctCommandWord,
  isPastTense,
  tokenise,
  type Token,
} from './words.ts';

/** A run of tokens of the message; `source` is the whole message. */
interface Span {
  source: string;
  tokens: Token[];
  question: boolean;
}

const words = (span: Span): string[] => span.tokens.map((token) => token.word);
const textOf = (span: Span): string => {
  const first = span.tokens[0];
  const last = span.tokens.at(-1);
  return first === undefined || last === undefined ? '' : span.source.slice(first.start, last.end);
};
const sub = (span: Span, from: number, to = span.tokens.length): Span => ({
  ...span,
  tokens: span.tokens.slice(from, to),
});

/** Phrases written `a | b c | d`, each as its words. */
const phrases = (list: string): string[][] =>
  list
    .split('|')
    .map((phrase) => phrase.trim().split(/\s+/))
    .filter((phrase) => phrase[0] !== '');

/** How many tokens of `phrase` start `span` at `at`, or 0. */
function matchAt(span: Span, phrase: readonly string[], at = 0): number {
  for (const [index, word] of phrase.entries()) {
    if (span.tokens[at + index]?.word !== word) return 0;
  }
  return phrase.length;
}

function startsWithAny(span: Span, list: readonly (readonly string[])[], at = 0): number {
  let longest = 0;
  for (const phrase of list) longest = Math.max(longest, matchAt(span, phrase, at));
  return longest;
}

function endsWithAny(span: Span, list: readonly (readonly string[])[]): number {
  let longest = 0;
  for (const phrase of list) {
    const at = span.tokens.length - phrase.length;
    if (at >= 0 && matchAt(span, phrase, at) > 0) longest = Math.max(longest, phrase.length);
  }
  return longest;
}

const isPunct = (token: Token | undefined): boolean =>
  token !== undefined && /^[^\p{L}\p{N}#]$/u.test(token.word);

function trimPunct(span: Span): Span {
  let from = 0;
  let to = span.tokens.length;
  while (from < to && isPunct(span.tokens[from]) && !isQuote(span.tokens[from])) from++;
  while (to > from && isPunct(span.tokens[to - 1]) && !isQuote(span.tokens[to - 1])) to--;
  return sub(span, from, to);
}

const QUOTES = new Set(['"', "'", '“', '”', '‘', '’', '`']);
const isQuote = (token: Token | undefined): boolean =>
  token !== undefined && QUOTES.has(token.word);

/** The quoted passages of `source` (inner text ranges). */
function quotedRanges(source: string): [number, number][] {
  const ranges: [number, number][] = [];
  const pattern =
    /(["“”`])([^"“”`]+?)["“”`]|(?<![\p{L}\p{N}])['‘’]([^'‘’]*?[^\s'‘’])['‘’](?![\p{L}\p{N}])/gu;
  for (const match of source.matchAll(pattern)) {
    const inner = match[2] ?? match[3] ?? '';
    const start = match.index + 1;
    ranges.push([start, start + inner.length]);
  }
  return ranges;
}

// ---------------------------------------------------------------- vocabulary

const ADD_VERBS = wordSet(`
  add create new insert include append jot write note log enter save record stick pop throw put
  make set schedule plan type
`);
const LIST_VERBS = wordSet(`
  list show display view see print read give tell get open check review recap summarize
  summarise
`);
const COMPLETE_VERBS = wordSet(`
  complete finish finished completed done tick check cross close resolve strike mark set knock
  tickoff
`);
const REOPEN_VERBS = wordSet(`
  reopen uncheck untick unmark uncomplete unfinish undone reactivate unarchive
`);
const DELETE_VERBS = wordSet(`
  scratch delete remove erase drop trash bin scrap kill nuke discard clear wipe purge ditch dump
  cancel axe del rm forget toss
`);
const RENAME_VERBS = wordSet(`
  rename retitle change edit update modify fix correct reword rewrite replace alter describe
  amend
`);
const COMMAND_STARTS = new Set([
  ...ADD_VERBS,
  ...LIST_VERBS,
  ...COMPLETE_VERBS,
  ...REOPEN_VERBS,
  ...DELETE_VERBS,
  ...RENAME_VERBS,
  'undo',
  'restore',
  'remind',
  'remember',
  'revert',
  'todo',
  'what',
  "what's",
  'whats',
  'how',
  'rename',
  'get',
  'take',
]);

const DONE_WORDS = wordSet(`
  done completed complete finished ticked checked closed crossed accomplished achieved sorted
  handled resolved over off
`);
const PENDING_WORDS = wordSet(`
  pending left remaining open outstanding unfinished incomplete undone active due upcoming
  current uncompleted unchecked still next unticked remain plate
`);
const NEGATORS = wordSet(`
  not n't haven't didn't isn't aren't don't hasn't wasn't never weren't un no
`);
const TASK_NOUNS = wordSet(`
  task tasks todo todos item items reminder reminders entry entries list things stuff everything
  agenda ones chores errands checklist
`);

const YES = phrases(`
  yes | y | yeah | yea | ya | yah | yep | yup | sure | ok | okay | k | kk | alright | all right |
  fine | confirm | confirmed | correct | right | absolutely | definitely | of course | do it |
  go ahead | go for it | please do | yes please | yes do it | yes go ahead | sounds good |
  i'm sure | i am sure | that's right | exactly | affirmative | sure thing | why not | ok do it |
  okay do it | yes delete | yes delete them | yes delete it | yes delete all | yes all |
  yes both | do that | please | yes i am sure | yes sure | sure go ahead | proceed | go on |
  yes that one | yes please do | yes thanks | ok go ahead | yes yes | yes confirm | i confirm |
  ja | si
`);
const NO = phrases(`
  no | n | nope | nah | no thanks | no thank you | not really | negative | neither | none |
  none of them | no way | i don't think so | don't | dont | do not | nay | no no | no please |
  please no | no dont | no don't | neither of them | not that | no keep it | keep it | keep them |
  no keep them | leave them | no leave it
`);
const CANCEL = phrases(`
  never mind | nevermind | nvm | cancel | cancel that | cancel it | forget it | forget that |
  forget about it | scratch that | stop | abort | leave it | leave it alone | skip it | skip |
  don't do that | don't do it | do not do that | do not do it | dont do that | dont do it | wait |
  hold on | hang on | not now | not yet | i changed my mind | changed my mind | ignore that |
  ignore me | ignore it | cancel please | please cancel | wait a second | wait a minute |
  hold on a sec | actually no | actually never mind | on second thought | on second thoughts |
  let's not | lets not | let us not | no cancel | cancel the last request | stop that |
  don't bother | dont bother | not needed | it's fine | its fine | no need
`);
const SOCIAL: readonly [Social, string[][]][] = [
  [
    'greet',
    phrases(`
  hi | hello | hey | hiya | howdy | yo | good morning | good afternoon | good evening |
  greetings | sup | what's up | whats up | hey there | hi there | hello there | morning |
  evening | how are you | how's it going | hows it going | how are you doing | hi todochat |
  hello todochat | heya | hola | hey you
`),
  ],
  [
    'thanks',
    phrases(`
  thanks | thank you | thx | ty | cheers | thanks a lot | much appreciated | appreciate it |
  great | perfect | awesome | cool | nice | good | brilliant | excellent | lovely | wonderful |
  great thanks | thank you so much | thanks so much | thanks a bunch | thank u | tysm |
  great job | nice one | good job | well done | amazing | super | neat | sweet | got it | noted |
  ok thanks | okay thanks | ok thank you | thanks again | many thanks | ta | love it |
  that works | good stuff | fantastic
`),
  ],
  [
    'bye',
    phrases(`
  bye | goodbye | good bye | see you | see ya | later | good night | goodnight | that's all |
  thats all | that's it | thats it | nothing else | bye bye | cya | see you later | talk later |
  ttyl | i'm good | that's all for now | all good
`),
  ],
  [
    'help',
    phrases(`
  help | what can you do | how does this work | what do you do | commands | how do i use this |
  who are you | what are you | what can i say | help me | what can i do | options | menu |
  how does it work | instructions | what can i ask | what can i ask you | how do you work |
  can you help | can you help me | i need help | usage
`),
  ],
];

const LEADING_FILLERS = phrases(`
  i just remembered | i just remembered that | just remembered | i remembered |
  i remembered that | i almost forgot | before i forget | oh i remember | i forgot | please |
  pls | plz | kindly | ok | okay | k | so | um | uh | umm | erm | hmm | oh | also | and | then |
  plus | now | alright | right | well | hey | hi | hello | sorry | btw | lastly | next |
  and also | oh and | and then | can you | could you | would you | will you | can u | could u |
  would you mind | do you mind | would you please | could you please | can you please |
  i want you to | i'd like you to | i would like you to | i need you to | go ahead and | let's |
  lets | let us | quick | quickly | hey there | todochat | actually | ah | hm | yes | yeah | yep |
  ok so | okay so | one more thing | one more | first | firstly | second | secondly | finally |
  oh yeah | oh yes | by the way | in that case | instead | no wait | but | let me | lemme |
  ok now | right then | just | wait | hey todochat | dear todochat | assistant | ooh |
  can you just | could you just | just please | try to | you can | you should | you could |
  help me | mind | be a dear and | now please | no no
`);
const TRAILING_FILLERS = phrases(`
  please | pls | plz | thanks | thank you | thx | for me | now | right now | thank you so much |
  thanks a lot | if you can | if you could | if possible | when you can | for me please |
  please thanks | ok | okay | too | as well | also | then | already | cheers | mate | buddy |
  thanks in advance | ty | again | please and thank you | asap please | for me thanks | quickly |
  real quick | instead | yet | anymore | any more | now please | if you would | will you |
  would you | could you | can you
`);

const GERUNDS: Readonly<Record<string, string>> = {
  adding: 'add',
  deleting: 'delete',
  removing: 'remove',
  marking: 'mark',
  completing: 'complete',
  listing: 'list',
  showing: 'show',
  renaming: 'rename',
  changing: 'change',
  creating: 'create',
  clearing: 'clear',
  putting: 'put',
  finishing: 'finish',
  checking: 'check',
  ticking: 'tick',
  updating: 'update',
  editing: 'edit',
  undoing: 'undo',
  erasing: 'erase',
  dropping: 'drop',
};

/** Verbs that start a task title ("buy milk"), for deciding whether "X and Y" is one task or two. */
const TASK_VERBS = new Set(
  (
    'buy get call email mail text phone ring pay clean wash write read book pick fix send finish do go make take ' +
    'check walk feed water cook order schedule renew return cancel submit prepare review visit meet reply post print ' +
    'sign file update organize organise plan practice practise study learn bake mow vacuum tidy fold iron charge ' +
    'back pack drop collect bring sort grab fetch find look ask tell remind book reserve register apply research ' +
    'finalize finalise draft edit proofread repair replace paint hang install change move empty refill restock ' +
    'shop wrap deliver ship confirm arrange invite thank congratulate celebrate watch listen try test run exercise ' +
    'jog swim train stretch meditate sleep wake start stop upload download backup sync transfer deposit withdraw ' +
    'budget save donate sell recycle throw mop dust scrub sweep rake weed plant trim shave cut brush floss take ' +
    'see pickup drive fill top clear call message dm follow contact write compose translate calculate count ' +
    'measure weigh bathe groom vaccinate service inspect'
  ).split(' '),
);

// -------------------------------------------------------------- splitting

/** Whether the words at `at` begin a new command, so a clause boundary may sit before them. */
function startsCommand(span: Span, at: number): boolean {
  let index = at;
  while (
    [
      'and',
      'then',
      'also',
      'but',
      'please',
      'so',
      'now',
      'plus',
      'oh',
      'actually',
      'just',
      'can',
      'could',
      'you',
      'pls',
      'wait',
      'no',
      'or',
    ].includes(span.tokens[index]?.word ?? '')
  ) {
    if (
      ['can', 'could'].includes(span.tokens[index]?.word ?? '') &&
      span.tokens[index + 1]?.word !== 'you'
    )
      return false;
    index++;
  }
  const word = correctCommandWord(span.tokens[index]?.word ?? '');
  const next = span.tokens[index + 1]?.word ?? '';
  if (word === '') return false;
  // "mark 1 done and 2 done": a number with its own state is its own clause.
  if (/^#?\d+$/.test(word) || word === 'task') {
    const ahead = span.tokens.slice(index + 1, index + 4).map((token) => token.word);
    const state = ahead[0] === 'is' ? ahead[1] : ahead[0];
    if (['done', 'complete', 'completed', 'finished'].includes(state ?? '')) return true;
  }
  if (["don't", 'dont', 'never', 'undo', 'not', 'revert'].includes(word)) return true;
  if (word === 'do' && next === 'not') return true;
  if (word === 'i')
    return (
      [
        'need',
        'have',
        'want',
        "didn't",
        'also',
        'still',
        'finished',
        'completed',
        'did',
        "don't",
        "haven't",
        'paid',
        "'ve",
        "i've",
      ].includes(next) || isPastTense(next)
    );
  if (word === "i've" || word === "i'm") return true;
  if (word === 'what' || word === "what's" || word === 'how' || word === 'whats') return true;
  if (word === 'thanks' || word === 'thank') return true;
  if (
    word === 'put' ||
    word === 'check' ||
    word === 'set' ||
    word === 'make' ||
    word === 'get' ||
    word === 'take' ||
    word === 'new' ||
    word === 'note' ||
    word === 'write' ||
    word === 'read' ||
    word === 'see' ||
    word === 'open' ||
    word === 'give' ||
    word === 'tell' ||
    word === 'done' ||
    word === 'bring' ||
    word === 'forget' ||
    word === 'cancel' ||
    word === 'drop' ||
    word === 'plan' ||
    word === 'save' ||
    word === 'fix' ||
    word === 'close' ||
    word === 'change' ||
    word === 'log' ||
    word === 'record' ||
    word === 'schedule' ||
    word === 'type' ||
    word === 'enter' ||
    word === 'stick' ||
    word === 'pop' ||
    word === 'throw' ||
    word === 'bin' ||
    word === 'kill' ||
    word === 'correct' ||
    word === 'describe' ||
    word === 'replace' ||
    word === 'view'
  ) {
    // Common words that also start task titles ("put away the dishes",
    // "check the oil"): a command only with a task number after them.
    return span.tokens
      .slice(index + 1, index + 4)
      .some(
        (token) =>
          /^#?\d+$/.test(token.word) ||
          ['task', 'tasks', 'it', 'everything', 'all'].includes(token.word),
      );
  }
  return COMMAND_STARTS.has(word) || word === 'remind' || word === 'remember' || word === 'todo';
}

function isWholePhrase(span: Span, list: readonly (readonly string[])[]): boolean {
  const trimmed = trimPunct(span);
  return trimmed.tokens.length > 0 && startsWithAny(trimmed, list) === trimmed.tokens.length;
}

const STANDALONE = [
  ...YES,
  ...NO,
  ...CANCEL,
  ...SOCIAL.flatMap(([, list]) => list),
  ...phrases(`
  actually | oh | oops | hmm | wait | ok so | so | well | no wait | oh wait | ah | sorry
`),
];

/** Splits a message into clauses: sentences first, then at commas and conjunctions before a new command. */
export function splitClauses(message: string): Span[] {
  const source = message
    .replace(/\bto-do\b/gi, 'todo ')
    .replace(/\b(re|un)-(open|add|check|tick|mark|do)\b/gi, '$1$2')
    .replace(/(\d)['’]s\b/g, '$1')
    .replace(/\s+/g, ' ');
  const tokens = tokenise(source);
  const quoted = quotedRanges(source);
  const inQuote = (token: Token): boolean =>
    quoted.some(([start, end]) => token.start >= start && token.end <= end);
  const sentences: Span[] = [];
  let current: Token[] = [];
  const flush = (question: boolean): void => {
    if (current.length > 0) sentences.push({ source, tokens: current, question });
    current = [];
  };
  for (const [index, token] of tokens.entries()) {
    const next = tokens[index + 1];
    const boundary =
      !inQuote(token) &&
      (['!', '?'].includes(token.word) ||
        (token.word === '.' &&
          !['no', 'nr', 'e.g', 'i.e'].includes(current.at(-1)?.word ?? '') &&
          !(next !== undefined && /^\d/.test(next.word) && next.start === token.end)) ||
        (token.word === ';' &&
          next !== undefined &&
          startsCommand({ source, tokens, question: false }, index + 1)));
    if (boundary) {
      flush(token.word === '?');
    } else {
      current.push(token);
    }
  }
  flush(false);

  const clauses: Span[] = [];
  for (const sentence of sentences) {
    let start = 0;
    for (let index = 1; index < sentence.tokens.length; index++) {
      const token = sentence.tokens[index];
      if (token === undefined || inQuote(token)) continue;
      const word = token.word;
      const joiner = [
        ',',
        'and',
        'then',
        'but',
        'also',
        'plus',
        ';',
        '-',
        '—',
        'so',
        'or',
        ':',
      ].includes(word);
      if (!joiner) continue;
      const before = sub(sentence, start, index);
      const afterAt =
        word === ',' || word === ';' || word === '-' || word === '—' || word === ':'
          ? index + 1
          : index;
      const splitHere =
        (word !== ':' && startsCommand(sentence, afterAt)) ||
        (word === ',' &&
          [
            'wait',
            'actually',
            'no',
            'oh',
            'hmm',
            'sorry',
            'oops',
            'hold',
            'never',
            'nevermind',
            'cancel',
            'scratch',
            'thanks',
            'please',
          ].includes(sentence.tokens[afterAt]?.word ?? '')) ||
        (word === ',' &&
          ['can', 'could', 'would', 'will'].includes(sentence.tokens[afterAt]?.word ?? '') &&
          sentence.tokens[afterAt + 1]?.word === 'you') ||
        ((word === ',' || word === '-' || word === ':' || word === '—') &&
          isWholePhrase(before, STANDALONE));
      if (splitHere && before.tokens.length > 0) {
        clauses.push(before);
        start =
          word === ',' || word === ';' || word === '-' || word === '—' || word === ':'
            ? index + 1
            : index;
      }
    }
    clauses.push(sub(sentence, start));
  }
  return clauses.map(trimPunct).filter((clause) => clause.tokens.length > 0);
}

// -------------------------------------------------------------- wrappers

function stripLeading(span: Span): Span {
  let current = trimPunct(span);
  for (;;) {
    // A lone "yes" or "wait" is an answer, not a filler.
    if (isWholePhrase(current, STANDALONE)) return current;
    const length = startsWithAny(current, LEADING_FILLERS);
    if (length === 0 || length >= current.tokens.length) return current;
    // "first" and "second" are fillers only before a command ("first, add milk").
    const rest = trimPunct(sub(current, length));
    if (
      ['first', 'second', 'one', 'just', 'next'].includes(current.tokens[0]?.word ?? '') &&
      !startsCommand(rest, 0)
    )
      return current;
    current = rest;
  }
}

function stripTrailing(span: Span): Span {
  let current = trimPunct(span);
  for (;;) {
    const length = endsWithAny(current, TRAILING_FILLERS);
    if (length === 0 || length >= current.tokens.length) return current;
    current = trimPunct(sub(current, 0, current.tokens.length - length));
  }
}

/** The clause with its first word read as a command word: typos corrected, gerunds made imperative. */
function commandForm(span: Span): Span {
  const [first, ...rest] = span.tokens;
  if (first === undefined) return span;
  const word = GERUNDS[first.word] ?? correctCommandWord(first.word);
  return { ...span, tokens: [{ ...first, word }, ...rest] };
}

// -------------------------------------------------------------- targets

const PRONOUNS = phrases(`
  it | that | that one | this | this one | them | those | these | those ones | these ones | both |
  both of them | all of them | the one | that task | this task | those tasks | these tasks |
  the same one | the same | that item | the task | one | em | 'em | it again | that too
`);

function statusOf(list: readonly string[]): Status {
  const negated = list.some((word) => NEGATORS.has(word) || word.endsWith("n't"));
  const done = list.some((word) => DONE_WORDS.has(word) && word !== 'off');
  const pending =
    list.some((word) => PENDING_WORDS.has(word)) || /\b(?:to|gotta) do\b/.test(list.join(' '));
  if (done && negated) return 'pending';
  if (done && pending) return 'all';
  if (done) return 'completed';
  if (pending) return 'pending';
  return 'all';
}

/** Strips the words around a title reference: "the task called", "one", "task". */
function titleQuery(span: Span): string {
  let current = trimPunct(span);
  const lead = phrases(`
  the task called | the task named | the task about | the task for | the todo called |
  task called | task named | the one about | the one with | the one called | the one for |
  the item | the task | the todo | my task | task | todo | the | my | item | one called | called |
  named | about | for | a | an | our | that | one about | those | these
`);
  for (;;) {
    const length = startsWithAny(current, lead);
    if (length === 0 || length >= current.tokens.length) break;
    current = sub(current, length);
  }
  const tail = phrases(`
  task | tasks | todo | one | item | thing | ones | on my list | from my list | off my list |
  from the list | off the list | on the list | from my todo list | off my todo list |
  from my tasks | in my list | please | for me | now | too
`);
  for (;;) {
    const length = endsWithAny(current, tail);
    if (length === 0 || length >= current.tokens.length) break;
    current = trimPunct(sub(current, 0, current.tokens.length - length));
  }
  return unquote(textOf(current));
}

function unquote(text: string): string {
  return text
    .trim()
    .replace(/^["'“‘`]+|["'”’`]+$/g, '')
    .trim();
}

/** Reads a task reference: numbers, positions, "all", "it", or title words. */
export function parseTarget(span: Span): Target | undefined {
  const current = trimPunct(stripTrailing(span));
  const list = words(current);
  if (list.length === 0) return undefined;
  if (startsWithAny(current, PRONOUNS) === list.length) return { kind: 'it' };
  const numbers = numberList(list);
  if (numbers !== undefined) return { kind: 'numbers', numbers };
  const positions = positionList(list);
  if (positions !== undefined) return { kind: 'positions', positions };
  const quantified = list.some((word) =>
    ['all', 'everything', 'every', 'each', 'entire', 'whole'].includes(word),
  );
  const onlyStatus = list.every(
    (word) =>
      [
        'the',
        'my',
        'ones',
        'tasks',
        'items',
        'todos',
        'task',
        'list',
        'of',
        'those',
        'that',
        'are',
        'i',
        'have',
        'already',
        'which',
        'you',
        'marked',
        'as',
        'one',
        'ive',
        "i've",
        'on',
        'in',
      ].includes(word) ||
      DONE_WORDS.has(word) ||
      PENDING_WORDS.has(word) ||
      NEGATORS.has(word),
  );
  if (
    quantified ||
    (onlyStatus && list.some((word) => DONE_WORDS.has(word) || PENDING_WORDS.has(word)))
  ) {
    const rest = list.filter(
      (word) =>
        ![
          'all',
          'everything',
          'every',
          'each',
          'entire',
          'whole',
          'the',
          'my',
          'of',
          'tasks',
          'task',
          'list',
          'todos',
          'items',
          'ones',
          'them',
          'on',
          'in',
          'thing',
          'things',
          'todo',
          'from',
        ].includes(word),
    );
    const status = statusOf(list);
    if (
      quantified &&
      rest.length > 0 &&
      status === 'all' &&
      !rest.every((word) => ['else', 'there', 'that', 'i', 'have', 'is', 'here'].includes(word))
    ) {
      // "all the milk tasks": a title query, not the whole list.
      return { kind: 'title', query: titleQuery(current) };
    }
    return { kind: 'all', status };
  }
  if (
    [
      'my list',
      'the list',
      'my todo list',
      'the todo list',
      'my tasks',
      'the whole list',
      'my whole list',
      'my todos',
      'the tasks',
      'list',
    ].includes(list.join(' '))
  ) {
    return { kind: 'all', status: 'all' };
  }
  const parts = splitTargets(current);
  if (parts !== undefined) return { kind: 'several', targets: parts };
  const query = titleQuery(current);
  return query === '' ? undefined : { kind: 'title', query };
}

/** "task 4 and the milk one": a list of references, when one of them is a number. */
function splitTargets(span: Span): Target[] | undefined {
  const pieces: Span[] = [];
  let start = 0;
  for (const [index, token] of span.tokens.entries()) {
    if ([',', 'and', '&', '+'].includes(token.word) && !isInQuote(span, index)) {
      pieces.push(sub(span, start, index));
      start = index + 1;
    }
  }
  pieces.push(sub(span, start));
  if (pieces.length < 2 || pieces.some((piece) => piece.tokens.length === 0)) return undefined;
  const targets = pieces.map((piece) => parseTarget(piece));
  if (targets.some((target) => target === undefined || target.kind === 'several')) return undefined;
  const known = targets.filter((target): target is Target => target !== undefined);
  return known.some((target) => target.kind === 'numbers' || target.kind === 'positions')
    ? known
    : undefined;
}

// -------------------------------------------------------------- titles

const CONTAINER =
  /\s*\b(?:to|on|onto|in|into|for|under|from)\s+(?:my|the|our|your|a)\s+(?:[\p{L}'-]+\s+){0,2}?(?:list|lists|todo list|todos|todo|tasks|task list|agenda|checklist|to do list|todo-list|reminders|list of tasks|list of things to do)\b\s*$/iu;
const CONTAINER_ONLY =
  /^\s*(?:(?:to|on|onto|in|into)\s+(?:my|the|our)?\s*(?:[\p{L}'-]+\s+){0,2}?(?:list|todo list|todos|tasks|task list|checklist|to do list|reminders)\s*[:,-]?|(?:my|the|our)\s+(?:[\p{L}'-]+\s+){0,2}?(?:list|todo list|todos|tasks|task list|checklist|to do list)\s*[:-])\s*/iu;

/** Finds a priority word ("urgent", "low priority"). */
export function priorityOf(text: string): Priority | undefined {
  // "not urgent" before "urgent".
  if (/\b(?:low[- ]priority|no rush|whenever|someday|not (?:urgent|important))\b/i.test(text))
    return 'low';
  if (
    /\b(?:urgent|urgently|asap|important|high[- ]priority|top priority|critical|priority one)\b/i.test(
      text,
    )
  )
    return 'high';
  if (/\bmedium[- ]priority\b/i.test(text)) return 'medium';
  return undefined;
}

const DAY =
  '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thurs|fri|sat|sun|weekend)';
const DUE = new RegExp(
  String.raw`\b(?:(?:by|before|on|until|due|for)\s+)?(?:today|tonight|tomorrow(?:\s+(?:morning|afternoon|evening|night))?|this\s+(?:morning|afternoon|evening|week|weekend|month|${DAY})|next\s+(?:week|month|year|${DAY})|${DAY}|end of (?:the\s+)?(?:day|week|month)|in\s+\d+\s+(?:minutes?|hours?|days?|weeks?|months?)|at\s+\d{1,2}(?::\d{2})?\s*(?:am|pm)?|\d{1,2}(?::\d{2})?\s*(?:am|pm)|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\s+\d{1,2}(?:st|nd|rd|th)?)\b`,
  'i',
);

/** Finds the due phrase ("tomorrow at 5", "by friday"): consecutive date and time words. */
function dueRange(text: string): { start: number; end: number } | undefined {
  const all = new RegExp(DUE.source, 'gi');
  let range: { start: number; end: number } | undefined;
  for (const found of text.matchAll(all)) {
    const start = found.index;
    const end = start + found[0].length;
    // "tomorrow at 5", "friday, 9am": one phrase; a later unrelated one starts over.
    if (range !== undefined && /^[\s,]*$/.test(text.slice(range.end, start)))
      range = { start: range.start, end };
    else if (range === undefined) range = { start, end };
  }
  return range;
}

/** Finds a due phrase ("tomorrow", "by friday") as written. */
export function dueOf(text: string): string | undefined {
  const range = dueRange(text);
  return range === undefined ? undefined : text.slice(range.start, range.end).trim();
}

/**
 * The due phrase as the server should read it: "by"/"on" dropped, and a bare
 * hour from 1 to 7 ("tomorrow at 5") read as the afternoon, since few people
 * mean 5 in the morning when they leave out am/pm.
 */
export function dueForServer(phrase: string): string {
  return phrase
    .replace(/^(?:by|before|on|until|due|for)\s+/i, '')
    .replace(/\b(at\s+)([1-7])(:\d{2})?(?!\s*(?:am|pm|:|\d))\b/i, '$1$2$3pm')
    .trim();
}

const PRIORITY_WORDS = String.raw`(?:urgent(?:ly)?|asap|high[- ]priority|top priority|critical|priority one|important|low[- ]priority|medium[- ]priority|normal[- ]priority|not urgent|no rush|whenever|someday)`;
const TRAILING_PRIORITY = new RegExp(
  String.raw`(?:^|[\s,;:(–—-]+)(?:(?:it'?s|its|it is|this is|and)\s+)?${PRIORITY_WORDS}\)?[\s.!]*$`,
  'i',
);
const LEADING_PRIORITY = new RegExp(String.raw`^\s*${PRIORITY_WORDS}\s*[:,-]\s*`, 'i');

function newTask(title: string, description?: string): NewTask {
  const priority = priorityOf(`${title} ${description ?? ''}`);
  let clean = title;
  let details = description;
  if (priority !== undefined) {
    const stripped = clean.replace(TRAILING_PRIORITY, '').replace(LEADING_PRIORITY, '').trim();
    if (stripped !== '') clean = stripped;
    // "urgent: fix the leak": the word was a label, the rest is the task.
    else if (details !== undefined && details !== '') {
      clean = details;
      details = undefined;
    }
  }
  const range = dueRange(clean);
  let due: string | undefined;
  if (range !== undefined) {
    const rest = `${clean.slice(0, range.start)} ${clean.slice(range.end)}`
      .replace(/\s+/g, ' ')
      .replace(/^[\s,;:.-]+|[\s,;:.-]+$/g, '')
      .trim();
    // A title that is only a date ("friday") keeps it: there is nothing else to call it.
    if (rest !== '') {
      due = dueForServer(clean.slice(range.start, range.end));
      clean = rest;
    }
  }
  const task: NewTask = { title: clean };
  if (details !== undefined && details !== '') task.description = details;
  if (due !== undefined) task.due = due;
  if (priority !== undefined) task.priority = priority;
  return task;
}

const MID_CONTAINER =
  /\s+(?:to|on|onto|in|into)\s+(?:my|the|our)\s+(?:[\p{L}'-]+\s+){0,2}?(?:list|todo list|todos|tasks|task list|to do list)(?=\s+(?:for|by|on|at|before|next|this|today|tonight|tomorrow)\b)/iu;

function cleanTitle(raw: string): string {
  let title = raw.trim().replace(MID_CONTAINER, '');
  for (;;) {
    const before = title;
    title = title
      .replace(CONTAINER, '')
      .replace(
        /^(?:for me|me|for|to|that|about|called|named|titled|saying|that says|which says|reminding me to|to remind me to|that i need to|that i have to|that i must|i need to|i have to|to do|of|in|on)\s+/i,
        '',
      )
      .replace(
        /\s+(?:please|pls|for me|thanks|thank you|as a task|as a todo|as a new task|as well|too|to the list|to list|to my list|on the list|on my list|thx|now)$/i,
        '',
      )
      .replace(/^[\s,:;.\-–—]+|[\s,:;.!?\-–—]+$/g, '')
      .trim();
    if (title === before) break;
  }
  return unquote(title);
}

/** Splits "milk, eggs and bread" into items when they read as several tasks. */
function splitItems(text: string, forced: boolean): string[] {
  const pieces = text
    .split(
      forced
        ? /\s*(?:;|,|\n|\band\b|&|\+|\bplus\b)\s*/i
        : /\s*(?:;|,\s*(?:and\s+)?|\band\b|&|\+|\bplus\b)\s*/i,
    )
    .map((piece) => cleanTitle(piece))
    .filter((piece) => piece !== '');
  if (pieces.length < 2) return [cleanTitle(text)];
  if (forced || text.includes(';')) return pieces;
  const startsWithVerb = pieces.map((piece) =>
    TASK_VERBS.has(piece.split(/\s+/)[0]?.toLowerCase() ?? ''),
  );
  const short = pieces.every((piece) => piece.split(/\s+/).length <= 4);
  if (short && (startsWithVerb.every(Boolean) || startsWithVerb.every((verb) => !verb)))
    return pieces;
  return [cleanTitle(text)];
}

const DESCRIPTION_SPLIT =
  /\s*(?:,?\s*\b(?:notes?|description|details|desc)\s*[:=-]\s*|\s+with\s+(?:a\s+|the\s+)?(?:notes?|description|details)\s*(?:[:=-]|saying|that says|of)?\s*|:\s+|\s+[-–—]\s+|\s*\((?=[^)]+\)\s*$))/i;

/** The tasks an add clause names, from the text after the verb. */
export function parseNewTasks(span: Span): NewTask[] {
  const text = textOf(span).replace(CONTAINER_ONLY, '');
  // Quoted titles are taken exactly: "add 'salt and pepper'".
  const quoted = quotedRanges(text).map(([start, end]) => text.slice(start, end).trim());
  if (quoted.length > 0 && quoted.every((title) => title !== '')) {
    const afterLast = text.slice(
      text.lastIndexOf(quoted.at(-1) ?? '') + (quoted.at(-1)?.length ?? 0) + 1,
    );
    const description = DESCRIPTION_SPLIT.test(afterLast)
      ? cleanTitle(
          afterLast
            .replace(/^[^:=\-–—(]*[:=\-–—(]|^\s*with\s+(?:a\s+)?(?:notes?|description)\s*/i, '')
            .replace(/\)\s*$/, ''),
        )
      : '';
    if (quoted.length === 1) return [newTask(quoted[0] ?? '', description)];
    // "add 'X' with description 'Y'"
    const [title, second] = quoted;
    const between = text.slice(
      text.indexOf(title ?? '') + (title?.length ?? 0),
      text.lastIndexOf(second ?? ''),
    );
    if (quoted.length === 2 && /\b(?:description|desc|notes?|details)\b/i.test(between)) {
      return [newTask(title ?? '', second)];
    }
    return quoted.map((title) => newTask(title));
  }
  // "a task for tomorrow: dentist at 9": the due phrase joins the title.
  const dueFirst =
    /^\s*(?:for|by|on|due)?\s*(today|tonight|tomorrow|this \w+|next \w+|\w+day)\s*:\s*(.+)$/i.exec(
      text,
    );
  if (dueFirst?.[1] !== undefined && dueFirst[2] !== undefined) {
    return [newTask(`${cleanTitle(dueFirst[2])} ${dueFirst[1]}`)];
  }
  const listLead =
    /^\s*(?:(?:all\s+)?(?:these|the following|the following tasks|these tasks|these items|these things|following|a few things|some things|a few tasks|multiple tasks|several tasks|tasks|items|things|(?:two|three|four|five|six|2|3|4|5|6|some|a few|a couple of|several|multiple)\s+(?:new\s+)?(?:tasks|items|things|todos))\s*[:-]\s*|(?:these|the following|these tasks|the following tasks)\s+)/i;
  const forced = listLead.test(text);
  const body = text.replace(listLead, '');
  if (forced) return splitItems(body, true).map((title) => newTask(title));
  const withoutContainer = body.replace(CONTAINER, '');
  const parts = DESCRIPTION_SPLIT.exec(withoutContainer);
  if (parts !== null && parts.index > 0) {
    const title = cleanTitle(withoutContainer.slice(0, parts.index));
    const description = cleanTitle(
      withoutContainer.slice(parts.index + parts[0].length).replace(/\)\s*$/, ''),
    );
    if (title !== '') return [newTask(title, description)];
  }
  return splitItems(withoutContainer, false)
    .map((title) => newTask(title))
    .filter((task) => task.title !== '');
}

// -------------------------------------------------------------- families

const ADD_NOUN = phrases(`
  a new task | new task | a task | task | a todo | todo | an item | item | a reminder | reminder |
  another task | another one | another | one more task | one more | a new todo | new todo |
  an entry | entry | a note | note | a new item | new item | tasks | todos | items | a new one |
  a | an | the task | the item | a thing | something | some tasks | a couple of tasks |
  a couple tasks | few tasks | a few | a few tasks | new | me a task | me a reminder | me
`);

function addAction(rest: Span): Clause {
  const tasks = parseNewTasks(rest);
  if (tasks.length === 0) return { mode: 'need-title' };
  return { mode: 'do', action: { type: 'add', tasks } };
}

/** "add ...", "create a task ...", "put X on my list", "todo: X". */
function parseAdd(span: Span): Clause | undefined {
  const first = span.tokens[0]?.word ?? '';
  const second = span.tokens[1]?.word ?? '';
  // "todo: X", "task: X", "new task X", "reminder: X"
  if (['todo', 'task', 'reminder', 'note', 'new', 'add'].includes(first) && second === ':')
    return addAction(sub(span, 2));
  if (
    first === 'todo' &&
    span.tokens.length > 1 &&
    !['list', 'lists', 'items', 'tasks'].includes(second)
  ) {
    return addAction(sub(span, 1));
  }
  if (first === 'new' && ['task', 'todo', 'item', 'reminder', 'entry'].includes(second)) {
    const rest = sub(span, 2);
    return rest.tokens.length === 0 ? { mode: 'need-title' } : addAction(rest);
  }
  if (!ADD_VERBS.has(first)) return undefined;
  const after = sub(span, 1);
  const text = textOf(after);
  const containerLike =
    CONTAINER.test(text) ||
    /\b(?:on|to|onto|in)\s+(?:my|the)\s+(?:[\p{L}-]+\s+)?(?:list|todos?|tasks)\b/iu.test(text);
  if (
    [
      'put',
      'stick',
      'pop',
      'throw',
      'write',
      'jot',
      'note',
      'log',
      'enter',
      'save',
      'record',
      'type',
      'include',
      'insert',
      'append',
      'make',
      'set',
      'schedule',
      'plan',
      'new',
    ].includes(first)
  ) {
    // These verbs add only when the sentence says so: a container, "down",
    // a task noun, or a quoted title; "make dinner" is a title, not a command.
    const downOrNoun =
      ['down'].includes(second) ||
      (second === 'in' && startsWithAny(sub(after, 1), ADD_NOUN) > 0) ||
      (first !== 'set' &&
        startsWithAny(after, ADD_NOUN) > 0 &&
        !['a', 'an', 'me', 'new'].includes(second)) ||
      (['set', 'make'].includes(first) &&
        ['a', 'me'].includes(second) &&
        ['reminder', 'task', 'todo', 'note'].includes(span.tokens[2]?.word ?? '')) ||
      (['make', 'set'].includes(first) && second === 'a' && span.tokens[2]?.word === 'new') ||
      quotedRanges(text).length > 0;
    if (!containerLike && !downOrNoun) return undefined;
  }
  const noteAt = ['a', 'the', 'some', 'an'].includes(second) ? 1 : 0;
  if (
    ['description', 'note', 'notes', 'details', 'comment'].includes(
      after.tokens[noteAt]?.word ?? '',
    ) &&
    ['to', 'on', 'for'].includes(after.tokens[noteAt + 1]?.word ?? '')
  ) {
    const describe = parseDescribeAfterAdd(sub(after, noteAt));
    if (describe !== undefined) return describe;
  }
  let rest = after;
  if (['down', 'up', 'in'].includes(rest.tokens[0]?.word ?? '')) rest = sub(rest, 1);
  const noun = startsWithAny(rest, ADD_NOUN);
  // "add a task", but not "add a dentist appointment" losing its "a"
  if (noun > 0) {
    const nounWords = words(rest).slice(0, noun);
    const isTaskNoun = nounWords.some((word) =>
      [
        'task',
        'tasks',
        'todo',
        'todos',
        'item',
        'items',
        'reminder',
        'entry',
        'note',
        'another',
        'one',
        'me',
        'new',
        'something',
        'thing',
        'few',
      ].includes(word),
    );
    if (isTaskNoun) rest = sub(rest, noun);
  }
  if (
    ['description', 'note', 'notes', 'details', 'comment'].includes(rest.tokens[0]?.word ?? '') ||
    ['description', 'note', 'notes', 'details'].includes(rest.tokens[1]?.word ?? '')
  ) {
    const describe = parseDescribeAfterAdd(rest);
    if (describe !== undefined) return describe;
  }
  rest = trimPunct(rest);
  const connector = startsWithAny(
    rest,
    phrases(`
  to remind me to | reminding me to | that i need to | that i have to | that says | which says |
  saying | called | named | titled | for | to | about | that | of | : | - | with the title |
  with title
`),
  );
  if (connector > 0 && connector < rest.tokens.length) rest = trimPunct(sub(rest, connector));
  if (
    rest.tokens.length === 0 ||
    /^\s*(?:to\s+)?(?:my|the)\s+(?:list|todos?|tasks)\s*$/i.test(textOf(rest))
  )
    return { mode: 'need-title' };
  return addAction(rest);
}

/** "add a note to task 2: call first", after the verb. */
function parseDescribeAfterAdd(span: Span): Clause | undefined {
  const list = words(span);
  const to = list.findIndex((word, index) => index <= 3 && ['to', 'on', 'for'].includes(word));
  if (to < 0) return undefined;
  const rest = sub(span, to + 1);
  const separator = rest.tokens.findIndex(
    (token, index) =>
      [':', '-', 'saying', 'says', '—'].includes(token.word) ||
      (token.word === 'that' && rest.tokens[index + 1]?.word === 'says'),
  );
  if (separator <= 0) return undefined;
  const target = parseTarget(sub(rest, 0, separator));
  const skip = rest.tokens[separator]?.word === 'that' ? 2 : 1;
  const description = cleanTitle(textOf(sub(rest, separator + skip)));
  if (target === undefined || description === '') return undefined;
  return { mode: 'do', action: { type: 'change', change: 'describe', target, description } };
}

const WRAPPERS = phrases(`
  don't let me forget to | don't let me forget | do not let me forget to | do not let me forget |
  dont let me forget to | dont let me forget | don't forget to | don't forget | do not forget to |
  do not forget | dont forget to | dont forget | never let me forget to | never forget to |
  remind me to | remind me that i need to | remind me that i have to | remind me about |
  remind me of | remind me | remember to | remember that i need to | remember that i have to |
  remember | i need to remember to | i have to remember to | i must remember to | make sure i |
  make sure to | make sure that i | i need to | i have to | i've got to | i have got to |
  i got to | i gotta | i must | i should | need to | gotta | have to | must | i still need to |
  i also need to | i also have to | i still have to | we need to | we have to | we should |
  we must | i want to | i'd like to | i would like to | i plan to | i'm planning to |
  i am planning to | i'm going to | i am going to | i wanna | i will need to | i'll need to |
  i really need to | i really should | i ought to | i should probably | i'd better | i better |
  i need | task for me | there is | there's | we gotta | i promised to | i was supposed to
`);

/** "remind me to X", "I need to X", "don't let me forget X": adds X unless X is a command. */
function parseWrapped(span: Span): Clause | undefined {
  const length = startsWithAny(span, WRAPPERS);
  if (length === 0) return undefined;
  const lead = words(span).slice(0, length).join(' ');
  const rest = trimPunct(sub(span, length));
  if (rest.tokens.length === 0) return lead.includes('remind') ? { mode: 'need-title' } : undefined;
  if (
    lead === 'i need' &&
    !['a', 'an', 'some', 'more', 'new', 'milk', 'bread', 'eggs'].includes(
      rest.tokens[0]?.word ?? '',
    )
  ) {
    return undefined;
  }
  if (lead === 'there is' || lead === "there's") return undefined;
  const inner = commandForm(rest);
  const verb = inner.tokens[0]?.word ?? '';
  const innerTarget = (): Target | undefined => parseTarget(sub(inner, 1));
  if (ADD_VERBS.has(verb) || LIST_VERBS.has(verb) || verb === 'undo') {
    const command = parseCommand(inner);
    if (command !== undefined && command.mode !== 'unknown') return command;
  }
  if (
    DELETE_VERBS.has(verb) ||
    RENAME_VERBS.has(verb) ||
    REOPEN_VERBS.has(verb) ||
    COMPLETE_VERBS.has(verb)
  ) {
    const target = innerTarget();
    // "I want to delete the milk task" is a request; "I need to delete old
    // photos" is a task to add, unless it names a task of the list.
    const desire = /^(?:i want|i'd like|i would like|i wanna|i wish)/.test(lead);
    const namesTask = words(inner).some((word) =>
      ['task', 'tasks', 'todo', 'item', 'one'].includes(word),
    );
    const explicit = target !== undefined && (target.kind !== 'title' || desire || namesTask);
    if (explicit) {
      const command = parseCommand(inner);
      if (
        command?.mode === 'do' &&
        command.action.type === 'change' &&
        command.action.change === 'complete'
      ) {
        // "I need to finish task 3": still to do, so nothing changes.
        return { mode: 'not', action: command.action };
      }
      if (command !== undefined) return command;
    }
  }
  return addAction(rest);
}

const DONE_STATE = phrases(`
  done | complete | completed | finished | closed | resolved | checked | ticked | off |
  checked off | ticked off | crossed off | as done | as complete | as completed | as finished |
  as closed | to done | to complete | to completed | as resolved | done already | as done please |
  as taken care of | taken care of | handled | sorted | as dealt with | dealt with |
  off the list | off my list | off my todo list | as ticked | as checked | as ticked off |
  as checked off | is done | ticked off the list
`);
const OPEN_STATE = phrases(`
  not done | undone | incomplete | uncompleted | unfinished | not complete | not completed |
  not finished | pending | open | active | todo | to do | as not done | as undone |
  as incomplete | as unfinished | as not complete | as not completed | as not finished |
  as pending | as open | as active | as todo | as to do | to pending | to not done |
  to incomplete | to open | as uncompleted | back to pending | back to not done | back to todo |
  as not yet done | not done yet | as not done yet | unchecked | as unchecked | unticked |
  as unticked | as new | as outstanding | back to open | back to incomplete |
  as incomplete again | as not done again | not done again | incomplete again | as undone again
`);

function change(
  changeKind: Change,
  target: Target | undefined,
  extra: { title?: string; description?: string } = {},
): Clause | undefined {
  if (target === undefined) return undefined;
  const action: Action = { type: 'change', change: changeKind, target };
  if (extra.title !== undefined) action.title = extra.title;
  if (extra.description !== undefined) action.description = extra.description;
  return { mode: 'do', action };
}

/** "mark 3 as done", "mark 3 as not done": the state decides complete or reopen. */
function parseMark(rest: Span): Clause | undefined {
  const open = endsWithAny(rest, OPEN_STATE);
  if (open > 0) return change('reopen', parseTarget(sub(rest, 0, rest.tokens.length - open)));
  const done = endsWithAny(rest, DONE_STATE);
  if (done > 0) return change('complete', parseTarget(sub(rest, 0, rest.tokens.length - done)));
  // "mark off 3", "mark as done 3"
  const leadingDone = startsWithAny(rest, DONE_STATE);
  if (leadingDone > 0) return change('complete', parseTarget(sub(rest, leadingDone)));
  const leadingOpen = startsWithAny(rest, OPEN_STATE);
  if (leadingOpen > 0) return change('reopen', parseTarget(sub(rest, leadingOpen)));
  // "mark rent as unpaid", "mark the bills as paid"
  const list = words(rest);
  const last = list.at(-1) ?? '';
  const asAt = list.lastIndexOf('as');
  if (asAt > 0 && asAt === list.length - 2) {
    const state = last.startsWith('un') ? last.slice(2) : last;
    if (isPastTense(state) || DONE_WORDS.has(state)) {
      return change(last.startsWith('un') ? 'reopen' : 'complete', parseTarget(sub(rest, 0, asAt)));
    }
  }
  return change('complete', parseTarget(rest));
}

/** "rename 1 to X", "change 'buy milk' to 'buy oat milk'", "edit task 1: X", and descriptions. */
function parseRename(verb: string, rest: Span): Clause | undefined {
  const list = words(rest);
  // Descriptions: "change the description of task 2 to X", "update task 2's notes to X"
  const field = list.findIndex((word) =>
    ['description', 'desc', 'note', 'notes', 'details', 'detail'].includes(word),
  );
  const titleField = list.findIndex((word) => ['title', 'name', 'wording', 'text'].includes(word));
  const separators = rest.tokens.flatMap((token, index) =>
    ['to', 'into', 'as', ':', 'with', '->', '=', 'so', 'reads', 'say', 'says'].includes(
      token.word,
    ) && !isInQuote(rest, index)
      ? [index]
      : [],
  );
  if (verb === 'describe') {
    const as = separators.find(
      (index) => rest.tokens[index]?.word === 'as' || rest.tokens[index]?.word === ':',
    );
    if (as === undefined) return undefined;
    return change('describe', parseTarget(sub(rest, 0, as)), {
      description: cleanTitle(textOf(sub(rest, as + 1))),
    });
  }
  if (field >= 0 && field < 6) {
    const separator = separators.find(
      (index) => index > field || (index > 0 && field > index && list[index] === 'with'),
    );
    if (separator !== undefined && separator > field) {
      const before = sub(rest, 0, field);
      const between = trimPunct(sub(rest, field + 1, separator));
      let targetSpan =
        between.tokens.length > 0 &&
        ['of', 'for', 'on', 'in'].includes(between.tokens[0]?.word ?? '')
          ? sub(between, 1)
          : before;
      if (targetSpan.tokens.length === 0) targetSpan = between;
      const cleanedTarget = {
        ...targetSpan,
        tokens: targetSpan.tokens
          .filter((token) => !["'s", 's'].includes(token.word))
          .map((token) => ({ ...token, word: token.word.replace(/'s$/, '') })),
      };
      const description = cleanTitle(textOf(sub(rest, separator + 1)));
      if (description !== '')
        return change('describe', parseTarget(cleanedTarget), { description });
    }
  }
  const quoted = quotedRanges(textOf(rest));
  if (quoted.length >= 2) {
    const text = textOf(rest);
    const [from, to] = quoted;
    if (from !== undefined && to !== undefined) {
      return change(
        'rename',
        { kind: 'title', query: text.slice(from[0], from[1]) },
        { title: text.slice(to[0], to[1]).trim() },
      );
    }
  }
  for (const separator of separators) {
    if (
      ['with', 'so', 'reads', 'say', 'says'].includes(list[separator] ?? '') &&
      verb !== 'replace'
    )
      continue;
    let targetSpan = sub(rest, 0, separator);
    if (titleField >= 0 && titleField < separator) {
      targetSpan = {
        ...targetSpan,
        tokens: targetSpan.tokens
          .filter(
            (_, index) =>
              index !== titleField &&
              !(
                index === titleField - 1 &&
                ['the', 'its', "'s"].includes(targetSpan.tokens[index]?.word ?? '')
              ),
          )
          .map((token) => ({ ...token, word: token.word.replace(/'s$/, '') })),
      };
      const ofAt = words(targetSpan).indexOf('of');
      if (ofAt >= 0) targetSpan = sub(targetSpan, ofAt + 1);
    }
    const target = parseTarget(targetSpan);
    let newTitleSpan = sub(rest, separator + 1);
    if (['say', 'read'].includes(newTitleSpan.tokens[0]?.word ?? ''))
      newTitleSpan = sub(newTitleSpan, 1);
    const title = cleanTitle(textOf(newTitleSpan).replace(/^(?:be|read|say)\s+/i, ''));
    if (target !== undefined && title !== '') return change('rename', target, { title });
  }
  return undefined;
}

function isInQuote(span: Span, index: number): boolean {
  const token = span.tokens[index];
  if (token === undefined) return false;
  return quotedRanges(span.source).some(([start, end]) => token.start >= start && token.end <= end);
}

/** Commands that start with their verb: add, list, complete, reopen, delete, rename, restore, undo. */
function parseCommand(clause: Span): Clause | undefined {
  const span = commandForm(clause);
  const verb = span.tokens[0]?.word ?? '';
  const next = span.tokens[1]?.word ?? '';
  const rest = trimPunct(sub(span, 1));

  if (['undo', 'revert', 'reverse'].includes(verb)) {
    if (
      rest.tokens.length === 0 ||
      startsWithAny(
        rest,
        phrases(`
  that | it | this | the last change | the last one | the last thing | last | my last change |
  the last action | what you just did | that change | the change | the delete | the deletion |
  please | last change | last action | that last change | that please | the last step
`),
      ) === rest.tokens.length
    ) {
      return { mode: 'do', action: { type: 'undo' } };
    }
    // "undo complete on task 3", "undo the completion of 3"
    let about = rest;
    while (
      [
        'complete',
        'completion',
        'completing',
        'the',
        'on',
        'for',
        'of',
        'done',
        'check',
        'marking',
        'tick',
      ].includes(about.tokens[0]?.word ?? '')
    ) {
      about = sub(about, 1);
    }
    const target = parseTarget(about);
    if (target !== undefined && target.kind !== 'title') return change('reopen', target);
    return { mode: 'do', action: { type: 'undo' } };
  }
  if ((verb === 'put' || verb === 'bring' || verb === 'add') && words(rest).includes('back')) {
    const back = words(rest).indexOf('back');
    const targetSpan = sub(rest, 0, back);
    if (
      targetSpan.tokens.length === 0 ||
      startsWithAny(targetSpan, PRONOUNS) === targetSpan.tokens.length
    )
      return { mode: 'do', action: { type: 'undo' } };
    const target = parseTarget(targetSpan);
    return target === undefined ? undefined : { mode: 'do', action: { type: 'restore', target } };
  }
  if (verb === 'get' && next === 'rid' && span.tokens[2]?.word === 'of')
    return change('delete', parseTarget(sub(span, 3)));
  const added = parseAdd(span);
  if (added !== undefined) return added;
  if (['remind', 'remember'].includes(verb)) return parseWrapped(span);

  // Listing: "show my tasks", "list done ones", "check my list"
  if (
    LIST_VERBS.has(verb) &&
    !(
      verb === 'check' &&
      (startsWithAny(
        rest,
        phrases(`
  off
`),
      ) > 0 ||
        parseTarget(rest)?.kind === 'numbers')
    )
  ) {
    const list = words(rest);
    const listy =
      list.length === 0 ||
      list.some(
        (word) =>
          TASK_NOUNS.has(word) ||
          DONE_WORDS.has(word) ||
          PENDING_WORDS.has(word) ||
          ['all', 'what', 'me', 'them', "what's", 'everything', 'anything'].includes(word),
      );
    const aboutTasks = ['see', 'get', 'check', 'read', 'give', 'tell', 'open', 'review'].includes(
      verb,
    )
      ? list.some(
          (word) =>
            TASK_NOUNS.has(word) ||
            DONE_WORDS.has(word) ||
            PENDING_WORDS.has(word) ||
            ['everything', "what's", 'what'].includes(word),
        )
      : true;
    if (listy && aboutTasks && !(verb === 'check' && list.length === 0)) {
      return {
        mode: 'do',
        action: {
          type: 'list',
          status: statusOf(list),
          count: list.includes('many') || list.includes('count') || list.includes('number'),
        },
      };
    }
    if (verb === 'show' || verb === 'list' || verb === 'display' || verb === 'view') {
      return { mode: 'do', action: { type: 'list', status: 'all', count: false } };
    }
  }

  if (REOPEN_VERBS.has(verb))
    return change('reopen', parseTarget(rest.tokens[0]?.word === 'off' ? sub(rest, 1) : rest));
  if (['restore', 'undelete', 'recover', 'readd', 're-add'].includes(verb)) {
    if (rest.tokens.length === 0 || startsWithAny(rest, PRONOUNS) === rest.tokens.length)
      return { mode: 'do', action: { type: 'undo' } };
    const target = parseTarget(rest);
    return target === undefined ? undefined : { mode: 'do', action: { type: 'restore', target } };
  }

  if (['mark', 'set', 'tick', 'check', 'cross', 'strike', 'knock'].includes(verb)) {
    const fields = ['description', 'notes', 'note', 'details', 'title', 'name'];
    if (verb === 'set' && words(rest).some((word) => fields.includes(word))) {
      return parseRename('change', rest);
    }
    if (
      verb === 'set' &&
      !words(rest).some(
        (word) =>
          DONE_WORDS.has(word) ||
          PENDING_WORDS.has(word) ||
          NEGATORS.has(word) ||
          word === 'undone' ||
          word === 'incomplete',
      )
    )
      return undefined;
    const marked = parseMark(
      ['tick', 'check', 'cross', 'strike', 'knock'].includes(verb) && ['off', 'out'].includes(next)
        ? sub(rest, 1)
        : rest,
    );
    if (marked !== undefined) return marked;
  }
  if (['complete', 'finish', 'finished', 'completed', 'close', 'resolve', 'done'].includes(verb)) {
    const target = parseTarget(rest.tokens[0]?.word === 'with' ? sub(rest, 1) : rest);
    return change('complete', target);
  }
  if (verb === 'take' && words(rest).includes('off')) {
    const off = words(rest).indexOf('off');
    return change('delete', parseTarget(sub(rest, 0, off)));
  }
  if (verb === 'clear' || verb === 'wipe' || verb === 'purge') {
    const list = words(rest);
    const out = list[0] === 'out' || list[0] === 'off' ? sub(rest, 1) : rest;
    if (
      out.tokens.length === 0 ||
      [
        'my list',
        'the list',
        'everything',
        'all',
        'it all',
        'my todo list',
        'the whole list',
        'all tasks',
        'my tasks',
        'all my tasks',
        'the board',
        'everything out',
        'list',
      ].includes(words(out).join(' '))
    ) {
      return change('delete', { kind: 'all', status: 'all' });
    }
    const target = parseTarget(out);
    if (
      target?.kind === 'title' &&
      ['completed', 'done', 'finished'].some((word) => words(out).includes(word))
    )
      return change('delete', { kind: 'all', status: 'completed' });
    return change('delete', target);
  }
  if (verb === 'cancel' || verb === 'forget') {
    // "cancel task 3" deletes; "cancel that" is handled as cancelling the request.
    const target = parseTarget(rest);
    if (
      target !== undefined &&
      target.kind === 'numbers' &&
      words(rest).some(
        (word) => ['task', 'tasks', 'todo', 'item', 'number'].includes(word) || /^#/.test(word),
      )
    )
      return change('delete', target);
    return undefined;
  }
  if (DELETE_VERBS.has(verb)) {
    const fromAt = words(rest).findIndex(
      (word, index) => ['from', 'off'].includes(word) && index > 0,
    );
    const targetSpan =
      fromAt > 0 && /^(?:from|off)\s+(?:my|the)\s+/i.test(textOf(sub(rest, fromAt)))
        ? sub(rest, 0, fromAt)
        : rest;
    return change('delete', parseTarget(targetSpan));
  }
  if (RENAME_VERBS.has(verb)) {
    const renamed = parseRename(verb, rest);
    if (renamed !== undefined) return renamed;
    if (verb === 'edit' || verb === 'change' || verb === 'update') {
      const target = parseTarget(rest);
      if (target !== undefined && target.kind !== 'title')
        return {
          mode: 'unknown',
          text: `What should task ${target.kind === 'numbers' ? target.numbers.join(', ') : ''} be called instead? Say "rename task ${target.kind === 'numbers' ? (target.numbers[0] ?? 1) : 1} to ..."`,
        };
    }
  }
  return undefined;
}

// -------------------------------------------------------------- statements

/** "task 3 is done", "done with 3", "I finished the report", "I paid the rent". */
function parseDoneStatement(span: Span): Clause | undefined {
  const list = words(span);
  const lead = startsWithAny(
    span,
    phrases(`
  i'm done with | i am done with | i'm finished with | i am finished with | all done with |
  done with | finished with | through with | i'm through with | just finished | just completed |
  just did | just done
`),
  );
  if (lead > 0) return change('complete', parseTarget(sub(span, lead)));
  const did = startsWithAny(
    span,
    phrases(`
  i have just | i have already | i have finally | i've just | i've already | i've finally |
  i just | i already | i finally | just | i just now | i've | i have | i | finally | already |
  we | we've | we have | we just
`),
  );
  if (did > 0 || isPastTense(list[0] ?? '')) {
    const verbAt = did;
    const verb = list[verbAt] ?? '';
    const rest = trimPunct(stripTrailing(sub(span, verbAt + 1)));
    if (
      [
        'finished',
        'completed',
        'done',
        'did',
        'closed',
        'ticked',
        'crossed',
        'checked',
        'accomplished',
        'wrapped',
        'knocked',
        'sorted',
        'handled',
        'resolved',
        'nailed',
        'tackled',
      ].includes(verb)
    ) {
      let target = rest;
      if (['off', 'up', 'out'].includes(target.tokens[0]?.word ?? '')) target = sub(target, 1);
      if (['off', 'up', 'out'].includes(target.tokens.at(-1)?.word ?? ''))
        target = sub(target, 0, target.tokens.length - 1);
      return change('complete', parseTarget(target));
    }
    if (
      isPastTense(verb) &&
      rest.tokens.length > 0 &&
      ![
        'added',
        'needed',
        'wanted',
        'asked',
        'told',
        'forgot',
        'meant',
        'changed',
        'deleted',
        'removed',
        'created',
        'listed',
        'said',
        'thought',
        'saw',
        'used',
        'liked',
        'loved',
        'hated',
        'got',
        'started',
        'tried',
        'decided',
        'planned',
        'hoped',
        'missed',
        'failed',
      ].includes(verb)
    ) {
      const query = textOf(rest);
      return {
        mode: 'do',
        action: {
          type: 'change',
          change: 'complete',
          target: { kind: 'title', query: query, hint: [baseForm(verb)] },
        },
      };
    }
  }
  // "task 3 is done", "the milk one is finished", "3 done", "rent is paid"
  const isAt = list.findIndex((word) =>
    ['is', 'are', "'s", 'was', 'were', 'has', 'have', 'got', 'now'].includes(word),
  );
  const doneTail = endsWithAny(
    span,
    phrases(`
  done | complete | completed | finished | sorted | handled | taken care of | dealt with |
  finally done | all done | now done | done now | is done | done already | already done |
  been done | been completed | been finished | been taken care of | over | off | crossed off |
  checked off | ticked off | is complete | now complete | all finished | paid | bought | sent |
  booked
`),
  );
  if (doneTail > 0 && !list.some((word) => NEGATORS.has(word) || word.endsWith("n't"))) {
    const end = span.tokens.length - doneTail;
    let targetEnd = end;
    while (
      targetEnd > 0 &&
      [
        'is',
        'are',
        "'s",
        'was',
        'were',
        'has',
        'have',
        'been',
        'got',
        'now',
        'already',
        'all',
        'finally',
        'as',
        'be',
        'can',
        'marked',
        'also',
      ].includes(list[targetEnd - 1] ?? '')
    )
      targetEnd--;
    if (targetEnd > 0 && (isAt >= 0 || targetEnd === end)) {
      const target = parseTarget(sub(span, 0, targetEnd));
      const tail = list.slice(end).join(' ');
      if (['paid', 'bought', 'sent', 'booked'].includes(tail) && target?.kind === 'title') {
        return {
          mode: 'do',
          action: {
            type: 'change',
            change: 'complete',
            target: { kind: 'title', query: target.query, hint: [baseForm(tail)] },
          },
        };
      }
      if (target !== undefined) return change('complete', target);
    }
  }
  return undefined;
}

/** "I didn't actually finish 1", "task 3 isn't done", "3 is not finished yet". */
function parseNotDoneStatement(span: Span): Clause | undefined {
  const lead = startsWithAny(
    span,
    phrases(`
  i didn't actually finish | i didn't finish | i didn't complete | i didn't do |
  i didn't actually do | i didn't actually complete | i did not finish | i did not complete |
  i did not do | i did not actually finish | i haven't finished | i haven't completed |
  i haven't done | i haven't actually finished | i have not finished | i have not done |
  i have not completed | i didn't really finish | i didn't get to | i never finished |
  i never did | i didn't manage to finish | i didn't manage to do | i didnt finish | i didnt do |
  i didnt complete | i didn't get around to | i still haven't done | i still haven't finished |
  i'm not done with | i am not done with | i'm not finished with | not done with |
  i'm not actually done with
`),
  );
  if (lead > 0) {
    let rest = trimPunct(stripTrailing(sub(span, lead)));
    if (rest.tokens.at(-1)?.word === 'yet') rest = sub(rest, 0, rest.tokens.length - 1);
    return change('reopen', parseTarget(rest));
  }
  // "I didn't walk the dog": the verb is part of the title it names.
  const didnt = startsWithAny(
    span,
    phrases(`
  i didn't actually | i didn't | i did not | i didnt | i haven't actually | i haven't |
  i have not | we didn't | i never
`),
  );
  const verb = span.tokens[didnt]?.word ?? '';
  const notTitleVerbs = [
    'mean',
    'want',
    'ask',
    'say',
    'need',
    'like',
    'know',
    'think',
    'see',
    'get',
    'tell',
    'add',
    'expect',
    'forget',
    'understand',
    'notice',
    'realize',
    'realise',
    'hear',
    'catch',
    'have',
    'do',
    'delete',
    'remove',
    'mark',
    'check',
    'agree',
    'mind',
    'care',
    'even',
    'yet',
  ];
  if (
    didnt > 0 &&
    /^[a-z]+$/.test(verb) &&
    !notTitleVerbs.includes(verb) &&
    span.tokens.length > didnt + 1
  ) {
    const rest = trimPunct(stripTrailing(sub(span, didnt + 1)));
    const query = textOf(rest).replace(/\s+yet$/i, '');
    if (query !== '')
      return {
        mode: 'do',
        action: {
          type: 'change',
          change: 'reopen',
          target: { kind: 'title', query, hint: [baseForm(verb)] },
        },
      };
  }
  const list = words(span);
  const notAt = list.findIndex(
    (word, index) =>
      (word === 'not' && index > 0) || ["isn't", "aren't", "wasn't", "hasn't"].includes(word),
  );
  if (notAt > 0) {
    const tail = list.slice(notAt).join(' ');
    if (
      /^(?:not|isn't|aren't|wasn't|hasn't)(?: been)?(?: actually| really)?(?: done| finished| complete| completed)(?: yet| after all| actually)?$/.test(
        tail,
      )
    ) {
      let end = notAt;
      while (
        end > 0 &&
        ['is', 'are', 'was', "'s", 'has', 'have', 'actually', 'really'].includes(
          list[end - 1] ?? '',
        )
      )
        end--;
      return change('reopen', parseTarget(sub(span, 0, end)));
    }
  }
  return undefined;
}

/** "I don't need task 3 anymore", "task 3 is no longer needed": probably a delete, so offered. */
function parseNoLongerNeeded(span: Span): Clause | undefined {
  const lead = startsWithAny(
    span,
    phrases(`
  i don't need | i do not need | i dont need | i no longer need | we don't need | no need for
`),
  );
  const list = words(span);
  const tail = list.slice(-2).join(' ');
  if (lead > 0) {
    let rest = sub(span, lead);
    const restList = words(rest);
    const cut = restList.findIndex((word) => ['anymore', 'any'].includes(word));
    if (cut >= 0) rest = sub(rest, 0, cut);
    if (rest.tokens[0]?.word === 'to') return undefined;
    const target = parseTarget(rest);
    if (target !== undefined)
      return { mode: 'offer', action: { type: 'change', change: 'delete', target } };
  }
  if (tail === 'longer needed' || tail === 'not needed') {
    const target = parseTarget(
      sub(
        span,
        0,
        span.tokens.length -
          (list.at(-3) === 'no' ? 3 : 2) -
          (['is', 'are'].includes(list.at(-4) ?? list.at(-3) ?? '') ? 1 : 0),
      ),
    );
    if (target !== undefined)
      return { mode: 'offer', action: { type: 'change', change: 'delete', target } };
  }
  return undefined;
}

/** Questions and requests for the list: "what's left?", "how many tasks do I have?", "anything to do?" */
function parseListQuestion(span: Span): Clause | undefined {
  const list = words(span);
  const joined = list.join(' ');
  const first = list[0] ?? '';
  const mentionsTasks = list.some(
    (word) => TASK_NOUNS.has(word) || DONE_WORDS.has(word) || PENDING_WORDS.has(word),
  );
  const count = list.includes('many') || joined.startsWith('count') || joined.includes('number of');
  const yesNo = ['do', 'have', 'are', 'is', 'any', 'anything', 'got', 'am', 'did'].includes(first);
  if (count && (mentionsTasks || /\b(?:do i have|have i got|are there|is there)\b/.test(joined))) {
    return { mode: 'do', action: { type: 'list', status: statusOf(list), count: true } };
  }
  const wh = [
    'what',
    "what's",
    'whats',
    'which',
    'anything',
    'any',
    'do',
    'have',
    'are',
    'is',
    'got',
    'am',
    'did',
    'where',
    'remind',
  ].includes(first);
  if (!wh) {
    if (
      list.every(
        (word) =>
          TASK_NOUNS.has(word) ||
          DONE_WORDS.has(word) ||
          PENDING_WORDS.has(word) ||
          [
            'my',
            'the',
            'all',
            'show',
            'current',
            'list',
            'of',
            'ones',
            'to',
            'do',
            'today',
            "today's",
            'for',
            'whole',
            'full',
            'entire',
          ].includes(word),
      ) &&
      mentionsTasks
    ) {
      return { mode: 'do', action: { type: 'list', status: statusOf(list), count: false } };
    }
    return undefined;
  }
  if (/\b(?:weather|time is it|your name|joke|news|capital|meaning of life)\b/.test(joined))
    return undefined;
  const aboutTasks =
    mentionsTasks ||
    /\b(?:to do|else|did i (?:finish|complete|do|get done|accomplish|tick off)|have i (?:finished|completed|done|ticked off)|on my plate|on my list|next|need to do|have to do|should i do|got to do|left|for today|my day|on the agenda|do i have|have i got|did i do|have i done|did i get done|i (?:still )?(?:need|have) to|am i done|all done|anything|i finished|i completed|i done)\b/.test(
      joined,
    );
  if (!aboutTasks) return undefined;
  if (
    /\b(?:should i delete|can i delete|should i complete|happens|would happen|what if)\b/.test(
      joined,
    )
  )
    return undefined;
  const status =
    /\b(?:have i|did i|i have|i've|i)\b.*\b(?:do|did|done|finished|completed|finish|complete|accomplished|achieved)\b/.test(
      joined,
    ) && !/\b(?:to do|need to|have to|haven't|not|still|left|yet|didn't)\b/.test(joined)
      ? 'completed'
      : /\b(?:am i done|all done|am i finished)\b/.test(joined) ||
          /\bdo i have\b.*\b(?:do|left)\b/.test(joined) ||
          joined === 'anything to do' ||
          /\b(?:what else|anything else)\b/.test(joined)
        ? 'pending'
        : statusOf(list);
  const action: Action = { type: 'list', status, count: false };
  if (yesNo) action.yesNo = true;
  return { mode: 'do', action };
}

// -------------------------------------------------------------- negation and questions

const NEGATION = phrases(`
  don't | dont | do not | never | please do not | no need to | not | i don't want to |
  i do not want to | i dont want to | i don't want you to | i do not want you to |
  you don't need to | you don't have to | you do not need to | there's no need to |
  there is no need to | let's not | lets not | better not | no dont | no don't |
  i didn't ask you to | i did not ask you to | you shouldn't | we don't need to | i wouldn't |
  stop | don't you dare | do not ever | never ever | you mustn't | avoid | i don't wanna |
  i dont wanna | no, don't | i'd rather not | i would rather not | rather not | hold off on |
  hold off | not yet | don't bother to | don't bother | i didn't say to | i didn't tell you to |
  don't go | don't actually | don't just
`);
const NOT_NEGATION = phrases(`
  don't let me forget | do not let me forget | dont let me forget | don't forget | do not forget |
  dont forget | never forget | never let me forget | not done | not finished | not completed |
  not complete | don't need | do not need | dont need
`);

function parseNegated(span: Span): Clause | undefined {
  if (startsWithAny(span, NOT_NEGATION) > 0) return undefined;
  const length = startsWithAny(span, NEGATION);
  if (length === 0) return undefined;
  let rest = trimPunct(sub(span, length));
  if (rest.tokens[0]?.word === 'to') rest = sub(rest, 1);
  if (rest.tokens.length === 0) return { mode: 'cancel' };
  const inner = parseClauseBody(rest);
  const action = inner.find(
    (clause): clause is Extract<Clause, { action: Action }> => 'action' in clause,
  )?.action;
  if (action !== undefined) return { mode: 'not', action };
  const target = parseTarget(rest);
  if (target !== undefined && (target.kind !== 'title' || rest.tokens.length <= 4))
    return { mode: 'not', target };
  return { mode: 'cancel' };
}

const QUESTION = phrases(`
  should i | shall i | can i | could i | may i | should we | shall we | what happens if |
  what happens when | what would happen if | what will happen if | what if | is it ok to |
  is it okay to | is it safe to | is it a good idea to | would it be ok to | would it be okay to |
  how do i | how can i | how to | how would i | do i need to | do you think i should |
  would you recommend | would it be wise to | is it wise to | do i have to | would it hurt to |
  can we | is it possible to | am i able to | would i lose | will i lose | what does it do if |
  what do you think about | what do you think if i | should i really | ought i to |
  i wonder if i should | do you think we should | what's the point of | why would i |
  why should i | is it bad to | is it better to
`);

function parseQuestion(span: Span): Clause | undefined {
  const length = startsWithAny(span, QUESTION);
  if (length === 0) return undefined;
  let rest = trimPunct(sub(span, length));
  if (['i', 'you', 'we'].includes(rest.tokens[0]?.word ?? '')) rest = sub(rest, 1);
  if (rest.tokens[0]?.word === 'to') rest = sub(rest, 1);
  if (rest.tokens.length === 0) return { mode: 'social', social: 'help' };
  const inner = parseClauseBody(rest);
  const action = inner.find(
    (clause): clause is Extract<Clause, { action: Action }> => 'action' in clause,
  )?.action;
  if (action !== undefined && action.type !== 'list') return { mode: 'ask', action };
  if (action !== undefined) return { mode: 'do', action };
  // "how do I add a task?" with no title still asks about adding.
  const verb = commandForm(rest).tokens[0]?.word ?? '';
  if (
    ADD_VERBS.has(verb) ||
    DELETE_VERBS.has(verb) ||
    COMPLETE_VERBS.has(verb) ||
    RENAME_VERBS.has(verb) ||
    REOPEN_VERBS.has(verb) ||
    verb === 'undo'
  ) {
    return { mode: 'social', social: 'help' };
  }
  return { mode: 'social', social: 'offtopic' };
}

/** "is task 3 done?", "did I finish the report?" */
function parseStatusQuestion(span: Span): Clause | undefined {
  if (!span.question) return undefined;
  const list = words(span);
  const doneAt = list.findIndex((word, index) => index > 0 && DONE_WORDS.has(word));
  if (['is', 'was', 'are', 'has'].includes(list[0] ?? '') && doneAt > 1) {
    const target = parseTarget(
      sub(
        span,
        1,
        list[doneAt - 1] === 'marked' || list[doneAt - 1] === 'been' ? doneAt - 1 : doneAt,
      ),
    );
    if (target !== undefined && target.kind !== 'all')
      return { mode: 'do', action: { type: 'status', target } };
  }
  const lead = startsWithAny(
    span,
    phrases(`
  did i finish | did i complete | did i do | have i finished | have i completed | have i done |
  did i already do | did i already finish | have i already done
`),
  );
  if (lead > 0) {
    const target = parseTarget(sub(span, lead));
    if (target !== undefined && target.kind !== 'all')
      return { mode: 'do', action: { type: 'status', target } };
  }
  return undefined;
}

/** "did I pay the rent?", "have I called mom": asks about a task, never marks it. */
function parseDidIQuestion(span: Span): Clause | undefined {
  const lead = startsWithAny(
    span,
    phrases(`
  did i already | did i | have i already | have i | did we | have we | haven't i | didn't i
`),
  );
  if (lead === 0) return undefined;
  const rest = trimPunct(stripTrailing(sub(span, lead)));
  const verb = rest.tokens[0]?.word ?? '';
  if (
    rest.tokens.length < 2 ||
    ['got', 'any', 'anything', 'done', 'finished', 'completed'].includes(verb)
  )
    return undefined;
  const target = parseTarget(sub(rest, 1));
  if (target === undefined || target.kind === 'all') return undefined;
  if (target.kind === 'title')
    return {
      mode: 'do',
      action: {
        type: 'status',
        target: { kind: 'title', query: target.query, hint: [baseForm(verb)] },
      },
    };
  return { mode: 'do', action: { type: 'status', target } };
}

// -------------------------------------------------------------- clauses

function socialOf(span: Span): Social | undefined {
  for (const [social, list] of SOCIAL) if (isWholePhrase(span, list)) return social;
  return undefined;
}

/** "tomorrow I need to call the bank": the due phrase goes to the end of the title. */
function leadingDue(span: Span): Clause[] | undefined {
  const list = words(span);
  const days = [
    'monday',
    'tuesday',
    'wednesday',
    'thursday',
    'friday',
    'saturday',
    'sunday',
    'week',
    'weekend',
    'morning',
    'afternoon',
    'evening',
    'month',
  ];
  let length = 0;
  if (['today', 'tonight', 'tomorrow', 'later'].includes(list[0] ?? '')) length = 1;
  else if (['this', 'next', 'on'].includes(list[0] ?? '') && days.includes(list[1] ?? ''))
    length = 2;
  if (length === 0 || span.tokens.length <= length + 1) return undefined;
  const due = textOf(sub(span, 0, length));
  const rest = trimPunct(sub(span, length));
  const parsed = parseClause(rest);
  const [only] = parsed;
  if (
    parsed.length !== 1 ||
    only?.mode !== 'do' ||
    only.action.type !== 'add' ||
    only.action.tasks.length !== 1
  )
    return undefined;
  const [task] = only.action.tasks;
  if (task === undefined) return undefined;
  return [
    {
      mode: 'do',
      action: { type: 'add', tasks: [newTask(`${task.title} ${due}`, task.description)] },
    },
  ];
}

/** One clause, its wrappers already stripped; may yield two ("thanks also add X"). */

// ------------------------------------------------------------ dates and priorities

const SCHEDULE_VERB = String.raw`(?:move|push|reschedule|postpone|delay|shift|bump|put off)`;

/** The task a statement is about; "add fix the roof, it is urgent" is about a new task, not one. */
function statementTarget(text: string): Target | undefined {
  if (
    /[,;:]/.test(text) ||
    startsCommand({ source: text, tokens: tokenise(text), question: false }, 0)
  )
    return undefined;
  return targetOf(text);
}

const targetOf = (text: string): Target | undefined =>
  parseReference(text.replace(/^(?:the\s+)?due\s+date\s+(?:of|for)\s+/i, ''));

function scheduleChange(target: Target | undefined, due: string | null): Clause | undefined {
  if (target === undefined) return undefined;
  return { mode: 'do', action: { type: 'change', change: 'due', target, due } };
}

/**
 * "what's due today?", "move task 2 to friday", "remove the due date from
 * task 4", "make task 3 high priority", "task 1 is not urgent".
 */
function parseSchedule(span: Span): Clause | undefined {
  const text = textOf(span)
    .replace(/[\s?.!]+$/, '')
    .trim();
  const list = (fields: { due?: DueFilter; priority?: Priority }): Clause => ({
    mode: 'do',
    action: { type: 'list', status: 'pending', count: false, ...fields },
  });
  if (
    /^(?:(?:what|which tasks?|what tasks?)(?:'s| is| are)?|is (?:there )?anything|anything|show (?:me )?(?:what's|what is|everything|my tasks|tasks)|list (?:my )?tasks|what do i have)\s+(?:due\s+)?(?:due today|today|for today|due by today|due tonight)$/i.test(
      text,
    ) ||
    /^(?:what's|what is|what are)\s+(?:my\s+)?(?:tasks\s+)?(?:due\s+)?(?:today|for today)$/i.test(
      text,
    ) ||
    /^(?:what's|what is)\s+due\s+(?:today|tonight)$/i.test(text)
  )
    return list({ due: 'today' });
  if (
    /^(?:is\s+)?(?:there\s+)?(?:anything|what(?:'s| is)?|which tasks? (?:is|are)|am i|show(?: me)?|list)\b.*\b(?:overdue|late|past due|behind)(?:\s+(?:tasks?|on))?$/i.test(
      text,
    )
  )
    return list({ due: 'overdue' });
  if (/^am i (?:behind|late)(?: (?:on|with) anything)?$/i.test(text))
    return list({ due: 'overdue' });
  if (
    /^(?:what(?:'s| is)?|anything|is anything|show(?: me)?|list)\s+(?:my\s+)?(?:coming up|upcoming(?: tasks)?|due soon|due later|due this week|due next)(?:\s+(?:tasks?|soon|next))?$/i.test(
      text,
    )
  )
    return list({ due: 'upcoming' });
  if (
    /^(?:what(?:'s| is| are)?|which tasks? (?:is|are)|anything|is anything|show(?: me)?(?: my| the)?|list(?: my| the)?)\s+(?:tasks?\s+)?(?:(?:are|is)\s+)?(?:urgent|important|high[- ]priority|top priority)(?:\s+(?:tasks?|ones?|stuff))?$/i.test(
      text,
    )
  )
    return list({ priority: 'high' });

  // "remove the due date from task 4", "task 4 has no due date"
  const clear =
    /^(?:remove|clear|drop|delete|take off|unset|get rid of)\s+(?:the\s+)?(?:due\s+date|deadline|date|due)\s+(?:from|of|on|for)\s+(.+)$/i.exec(
      text,
    ) ??
    /^(?:remove|clear|drop|unset)\s+(.+?)(?:'s|s')\s+(?:due\s+date|deadline|date)$/i.exec(text) ??
    /^(.+?)\s+(?:has|needs|should have)\s+no\s+(?:due\s+date|deadline)(?:\s+anymore)?$/i.exec(text);
  if (clear?.[1] !== undefined) return scheduleChange(targetOf(clear[1]), null);

  // "move task 2 to friday", "push the dentist to next week", "task 2 is due friday"
  const move =
    new RegExp(
      String.raw`^${SCHEDULE_VERB}\s+(.+?)\s+(?:to|until|till|for|on|by)\s+(.+)$`,
      'i',
    ).exec(text) ??
    /^(?:set|change|make)\s+(?:the\s+)?(?:due\s+date|deadline)\s+(?:of|for|on)\s+(.+?)\s+(?:to|for)\s+(.+)$/i.exec(
      text,
    ) ??
    /^(.+?)\s+is\s+(?:now\s+)?due\s+(.+)$/i.exec(text) ??
    /^(?:make|set)\s+(.+?)\s+due\s+(.+)$/i.exec(text);
  if (move?.[1] !== undefined && move[2] !== undefined) {
    const due = dueOf(move[2]);
    if (due === undefined || due.length < move[2].trim().length - 1) return undefined;
    return scheduleChange(statementTarget(move[1]), dueForServer(due));
  }

  // "make task 3 high priority", "task 1 is not urgent", "mark 2 as urgent"
  const prioritise =
    /^(?:set|change)\s+(?:the\s+)?priority\s+(?:of|for|on)\s+(.+?)\s+to\s+(high|low|normal|medium)$/i.exec(
      text,
    ) ??
    new RegExp(
      String.raw`^(?:make|mark|set|flag|change|put)\s+(.+?)\s+(?:(?:as|to|at)\s+)?(?:a\s+)?(${PRIORITY_WORDS}|high|low|normal|medium)(?:\s+priority)?$`,
      'i',
    ).exec(text) ??
    new RegExp(
      String.raw`^(.+?)\s+(?:is|isn't|is not)\s+(?:(?:a|now|really|very)\s+)?(${PRIORITY_WORDS}|not (?:that )?(?:urgent|important)|high priority|low priority)(?:\s+(?:anymore|any more))?$`,
      'i',
    ).exec(text);
  if (prioritise?.[1] !== undefined && prioritise[2] !== undefined) {
    const words = prioritise[2].toLowerCase();
    const negated = /\b(?:isn't|is not)\s/i.test(text) || /\bnot\b/.test(words);
    const level: Priority | undefined = negated
      ? 'medium'
      : /^(?:high|urgent|important|critical|asap|top)/.test(words)
        ? 'high'
        : /^(?:low|no rush|whenever|someday)/.test(words)
          ? 'low'
          : /^(?:normal|medium)/.test(words)
            ? 'medium'
            : priorityOf(words);
    if (level === undefined) return undefined;
    const target = statementTarget(prioritise[1]);
    if (target === undefined) return undefined;
    return { mode: 'do', action: { type: 'change', change: 'priority', target, priority: level } };
  }
  return undefined;
}

function parseClauseBody(span: Span): Clause[] {
  const dated = leadingDue(span);
  if (dated !== undefined) return dated;
  if (isWholePhrase(span, CANCEL)) return [{ mode: 'cancel' }];
  if (isWholePhrase(span, YES)) return [{ mode: 'yes' }];
  if (isWholePhrase(span, NO)) return [{ mode: 'no' }];
  const social = socialOf(span);
  if (social !== undefined) return [{ mode: 'social', social }];
  for (const [kind, list] of SOCIAL) {
    if (kind === 'help') continue;
    const length = startsWithAny(span, list);
    if (length > 0 && length < span.tokens.length && startsCommand(span, length)) {
      return [{ mode: 'social', social: kind }, ...parseClause(sub(span, length))];
    }
  }
  const undo = startsWithAny(
    span,
    phrases(`
  oops | whoops | oh no | oh | uh oh | ah | no | wait | sorry | actually | my bad | damn |
  oops sorry
`),
  );
  const afterOops = trimPunct(sub(span, undo));
  if (
    startsWithAny(
      afterOops,
      phrases(`
  bring it back | put it back | bring that back | put that back | restore it | restore that |
  take that back | take it back | undo | undo that | revert that | reverse that |
  i didn't mean that | i didn't mean to | i did not mean to | i didn't mean to do that |
  that was a mistake | go back | undo it | bring them back | put them back |
  undo the last change | didn't mean that | mistake | wrong one | that was wrong | revert |
  undo please | i want it back | i need it back | get it back | bring back |
  bring it back please
`),
    ) === afterOops.tokens.length &&
    afterOops.tokens.length > 0
  ) {
    return [{ mode: 'do', action: { type: 'undo' } }];
  }
  if (
    undo > 0 &&
    afterOops.tokens.length > 0 &&
    ['oops', 'whoops', 'uh'].includes(span.tokens[0]?.word ?? '')
  ) {
    const rest = parseClause(afterOops);
    if (rest.some((clause) => clause.mode !== 'unknown')) return rest;
    return [{ mode: 'do', action: { type: 'undo' } }];
  }
  if (['oops', 'whoops', 'oh no', 'uh oh', 'oops sorry', 'my bad'].includes(words(span).join(' ')))
    return [{ mode: 'offer', action: { type: 'undo' } }];

  const negated = parseNegated(span);
  if (negated !== undefined) return [negated];
  const question = parseQuestion(span);
  if (question !== undefined) return [question];
  const status = parseStatusQuestion(span) ?? parseDidIQuestion(span);
  if (status !== undefined) return [status];
  const scheduled = parseSchedule(span);
  if (scheduled !== undefined) return [scheduled];
  const noLonger = parseNoLongerNeeded(span);
  if (noLonger !== undefined) return [noLonger];
  const listed = parseListQuestion(span);
  if (listed !== undefined) return [listed];
  const wrapped = parseWrapped(span);
  if (wrapped !== undefined) return [wrapped];
  const command = parseCommand(span);
  if (command !== undefined) return [command];
  const notDone = parseNotDoneStatement(span);
  if (notDone !== undefined) return [notDone];
  const done = parseDoneStatement(span);
  if (done !== undefined) return [done];

  const target = parseTarget(span);
  if (target !== undefined && target.kind !== 'title' && target.kind !== 'it')
    return [{ mode: 'pick', target }];
  const text = textOf(span);
  if (target !== undefined && target.kind === 'title' && /\b(?:one|task)$/i.test(text.trim()))
    return [{ mode: 'pick', target }];
  if (
    span.question ||
    /^(?:what|who|why|how|when|where|which|is|are|can|could|do|does|will|would|tell me)\b/i.test(
      text,
    )
  ) {
    return [{ mode: 'social', social: 'offtopic' }];
  }
  return [{ mode: 'unknown', text }];
}

function parseClause(span: Span): Clause[] {
  const stripped = stripTrailing(stripLeading(span));
  if (stripped.tokens.length === 0) return [];
  return parseClauseBody(stripped);
}

/**
 * Reads a message as clauses in order. "wait, not task 3" gives a `not`
 * clause; a title that merely looks like a bare word is `unknown`, which
 * the planner may offer to add.
 */
export function parseMessage(message: string): Clause[] {
  const clauses = splitClauses(message).flatMap(parseClause);
  // "I need to get the car washed, can you put that on my list": the
  // pronoun is the clause before it.
  for (let index = clauses.length - 1; index > 0; index--) {
    const clause = clauses[index];
    const before = clauses[index - 1];
    const pronoun =
      clause?.mode === 'do' &&
      clause.action.type === 'add' &&
      clause.action.tasks.length === 1 &&
      ['that', 'it', 'this', 'those', 'them', 'these'].includes(
        clause.action.tasks[0]?.title.toLowerCase() ?? '',
      );
    if (!pronoun || before === undefined) continue;
    if (before.mode === 'do' && before.action.type === 'add') clauses.splice(index, 1);
    else if (before.mode === 'offer' && before.action.type === 'add') {
      clauses.splice(index - 1, 2, { mode: 'do', action: before.action });
    } else if (before.mode === 'unknown') {
      clauses.splice(index - 1, 2, {
        mode: 'do',
        action: { type: 'add', tasks: parseTitles(before.text) },
      });
    }
  }
  // "and call dad", "5 too": more of whatever the last turn did.
  const [only] = clauses;
  const continued =
    /^\s*(?:and|also|plus|oh and|and also|same (?:for|with)|same goes for|ditto for)\b/i.test(
      message,
    ) || /\b(?:too|as well)[.!]*\s*$/i.test(message);
  if (
    continued &&
    clauses.length === 1 &&
    only !== undefined &&
    (only.mode === 'unknown' || only.mode === 'pick')
  ) {
    const text =
      only.mode === 'unknown'
        ? only.text
        : message
            .replace(
              /^\s*(?:and|also|plus|oh and|and also|same (?:for|with)|same goes for|ditto for)\s+/i,
              '',
            )
            .replace(/\s*(?:too|as well)[.!]*\s*$/i, '');
    const bare = message
      .replace(
        /^\s*(?:and|also|plus|oh and|and also|same (?:for|with)|same goes for|ditto for)\s+/i,
        '',
      )
      .replace(/\s*(?:too|as well)[.!]*\s*$/i, '');
    const target = only.mode === 'pick' ? only.target : parseReference(bare);
    return [
      target !== undefined && target.kind !== 'title'
        ? { mode: 'more', text, target }
        : { mode: 'more', text },
    ];
  }
  // A lone filler ("hmm", "oops") says nothing when something else follows.
  const meaningful = clauses.filter(
    (clause) =>
      !(
        clause.mode === 'unknown' && /^(?:actually|hmm|oh|so|well|ok|okay|um)$/i.test(clause.text)
      ) && !(clause.mode === 'offer' && clause.action.type === 'undo' && clauses.length > 1),
  );
  return meaningful
    .filter((clause, index) => !(clause.mode === 'cancel' && meaningful[index + 1]?.mode === 'not'))
    .filter(
      (clause, index) =>
        !(
          clause.mode === 'do' &&
          clause.action.type === 'undo' &&
          meaningful
            .slice(0, index)
            .some((earlier) => earlier.mode === 'do' && earlier.action.type === 'undo')
        ),
    );
}

/** The tasks an add would make of `text`: "milk, eggs and bread". */
export function parseTitles(text: string): NewTask[] {
  return parseNewTasks({ source: text, tokens: tokenise(text), question: false });
}

/** For tests and the pending-question answers: a clause's target words read as a task reference. */
export function parseReference(text: string): Target | undefined {
  const tokens = tokenise(text);
  return parseTarget(stripTrailing(stripLeading({ source: text, tokens, question: false })));
}
