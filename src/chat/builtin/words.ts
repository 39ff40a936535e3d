// Words: the tokeniser, spelling tolerance for command words, and the word
// forms that title matching compares (stems, irregular past tenses).
import { distance } from 'fastest-levenshtein';
import { stemmer } from 'stemmer';

/** A set of words written as one string, `a b c`, which reads better than a column of them. */
export function wordSet(list: string): Set<string> {
  return new Set(list.split(/\s+/).filter((word) => word !== ''));
}

export interface Token {
  /** Lower case, curly apostrophes made straight, typos in command words corrected. */
  word: string;
  /** Where the token sits in the clause's text, so titles keep the user's casing. */
  start: number;
  end: number;
}

const TOKEN = /#?\d+(?:st|nd|rd|th)?|[\p{L}\p{N}]+(?:['’][\p{L}]+)*|[^\s\p{L}\p{N}]/gu;

export function tokenise(text: string): Token[] {
  return [...text.matchAll(TOKEN)].map((match) => ({
    word: match[0].toLowerCase().replace(/’/g, "'"),
    start: match.index,
    end: match.index + match[0].length,
  }));
}

/** The words a command can start with; a misspelt first word is read as the nearest. */
const COMMAND_WORDS = [
  'add',
  'create',
  'list',
  'show',
  'display',
  'delete',
  'remove',
  'erase',
  'complete',
  'finish',
  'finished',
  'mark',
  'rename',
  'change',
  'update',
  'edit',
  'undo',
  'uncheck',
  'untick',
  'reopen',
  'clear',
  'check',
  'tick',
  'done',
  'what',
  "what's",
  'show',
  'remind',
  'remember',
  'please',
  'tasks',
  'todo',
];

/** Real words that must not be "corrected" into a command word that looks like them. */
const LEAVE_ALONE = wordSet(`
  reminder reminders note notes todos items task lift shower shows mart dine remain clever tusk
  dash cheer a an ad do did dad last lost lust most mast make made mare more dark park bark mask
  market clean clear chart shop shoe slow snow show cheque chick trick thick that what whats
  when who with then than them rename remote reply replace emove date data delta deal dont done
  gone none note bone tone node change charge chance range orange edit exit undo into unto and
  odd aid had bad mad sad add list lost mist fist gist lisp finish finnish update upgrade create
  crate irate remind rewind remember complete compete complex delete deleted dilute elite tasks
  talks tusks today mark marks check tick ticket please place plus
`);

function adjacentSwap(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  // Command words are plain ASCII, so indexing by code unit is exact.
  const differs = Array.from({ length: a.length }, (_, index) => index).filter(
    (index) => a[index] !== b[index],
  );
  const [first, second] = differs;
  return (
    differs.length === 2 &&
    first !== undefined &&
    second === first + 1 &&
    a[first] === b[second] &&
    a[second] === b[first]
  );
}

/** `word` itself, or the command word it is a likely typo of ("delet", "compelte", "lsit", "ad"). */
export function correctCommandWord(word: string): string {
  if (LEAVE_ALONE.has(word) && word !== 'ad') return word;
  if (!/^[a-z]+$/.test(word)) return word;
  if (word === 'ad') return 'add';
  if (word.length < 3) return word;
  let best = word;
  let bestDistance = Infinity;
  for (const candidate of COMMAND_WORDS) {
    if (candidate[0] !== word[0] && !adjacentSwap(word, candidate)) continue;
    const edits = adjacentSwap(word, candidate) ? 1 : distance(word, candidate);
    const allowed = word.length <= 4 ? 1 : 2;
    if (edits <= allowed && edits < bestDistance) {
      best = candidate;
      bestDistance = edits;
    }
  }
  return best;
}

/** Past tenses a stemmer cannot undo, for "I paid the rent" against "pay rent". */
const IRREGULAR: Readonly<Record<string, string>> = {
  paid: 'pay',
  bought: 'buy',
  brought: 'bring',
  did: 'do',
  done: 'do',
  went: 'go',
  gone: 'go',
  made: 'make',
  got: 'get',
  gotten: 'get',
  took: 'take',
  taken: 'take',
  sent: 'send',
  wrote: 'write',
  written: 'write',
  read: 'read',
  fed: 'feed',
  met: 'meet',
  rang: 'ring',
  sold: 'sell',
  told: 'tell',
  found: 'find',
  gave: 'give',
  given: 'give',
  ate: 'eat',
  swept: 'sweep',
  kept: 'keep',
  left: 'leave',
  ran: 'run',
  hung: 'hang',
  drove: 'drive',
  driven: 'drive',
  fixed: 'fix',
  picked: 'pick',
  spoke: 'speak',
  thought: 'think',
  caught: 'catch',
  taught: 'teach',
  built: 'build',
  spent: 'spend',
  lent: 'lend',
  put: 'put',
  set: 'set',
  cut: 'cut',
  shut: 'shut',
  won: 'win',
  chose: 'choose',
  began: 'begin',
  drew: 'draw',
  flew: 'fly',
  grew: 'grow',
  knew: 'know',
  threw: 'throw',
  wore: 'wear',
  tore: 'tear',
  saw: 'see',
  seen: 'see',
  came: 'come',
  became: 'become',
  sat: 'sit',
  stood: 'stand',
  understood: 'understand',
  washed: 'wash',
};

/** The past tense forms we treat as "I did the thing" ("I paid the rent"). */
export function isPastTense(word: string): boolean {
  return (
    (word in IRREGULAR && !['read', 'put', 'set', 'cut', 'shut'].includes(word)) ||
    (/^[a-z]{3,}ed$/.test(word) && !['need', 'needed', 'wanted', 'added', 'used'].includes(word))
  );
}

/** A verb's base form where it is irregular ("paid" -> "pay"), else the word. */
export function baseForm(word: string): string {
  return IRREGULAR[word] ?? word;
}

/** The form two words are compared in: base verb, then Porter stem ("paying", "paid" -> "pay"). */
export function wordForm(word: string): string {
  const lower = word.toLowerCase().replace(/’/g, "'").replace(/'s$/, '');
  return stemmer(IRREGULAR[lower] ?? lower);
}

/** Words that carry no meaning when matching a title. */
export const FILLER_WORDS = wordSet(`
  the a an my our your to of for on in at and with task tasks todo todos to-do item items one
  ones thing that this it i me just finally already all about called named please list from off
  is was be now today yesterday up
`);
