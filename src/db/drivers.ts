// Kysely drivers for both engines that cut round trips without changing what
// runs inside a transaction:
//   - BEGIN and the role switch are held back and sent together with the
//     transaction's first statement;
//   - a statement marked with `alone()` is sent with the switch as one batch
//     ending in a single Sync, which the server runs as one implicit
//     transaction, so a one-statement operation is one round trip;
//   - statements with parameters become named prepared statements, parsed
//     and planned once per connection.
// Every statement still runs after the switch in the same transaction: a
// batch whose switch fails runs nothing else, since after an error the server
// skips every message up to the batch's Sync.
import type { ParserOptions, PGlite } from '@electric-sql/pglite';
import { types as pgliteTypes } from '@electric-sql/pglite';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
} from 'kysely';
import pg from 'pg';
import {
  CommandCompleteMessage,
  DataRowMessage,
  RowDescriptionMessage,
  type BackendMessage,
} from 'pg-protocol/dist/messages.js';
import { serialize } from 'pg-protocol';
import { Parser as MessageParser } from 'pg-protocol/dist/parser.js';
import { timestamptzParser } from './timestamps.ts';

/** Who a statement runs as: a role, and the user the policies confine it to. */
export interface Scope {
  readonly role: string;
  readonly userId: string | null;
  /**
   * Switch only if the user's row exists, else fail with UnknownUserError:
   * the check rides in the same batch instead of a transaction of its own.
   */
  readonly requireUser?: boolean;
}

/** The scope's user has no row (a deleted account behind a still-valid token). */
export class UnknownUserError extends Error {
  constructor() {
    super('the acting user does not exist');
  }
}

/** The socket to the server closed before a batch could be written. */
export class ConnectionLostError extends Error {
  constructor() {
    super('the connection to the database is closed');
  }
}

/** The role that may read users and nothing else: a failed check leaves the transaction here. */
export const CHECK_ROLE = 'todochat_auth_role';

/** One batch of statements sent to the server together. */
export type RoundTripListener = (statements: readonly string[]) => void;

// Each transaction also asks for generic plans of its prepared statements.
// Left to choose, PostgreSQL re-plans the conversation list on every call:
// the policies' filter makes its custom plans look cheaper than the generic
// one, so it never settles, and planning costs more than running it. Every
// hot statement's generic plan is an ordered index range (see
// tests/db/query-plans.test.ts, which checks them under this setting).
//
// The statement timeout travels with the switch too: a transaction pooler
// (PgBouncer in transaction mode) refuses it as a startup parameter, and a
// session-level SET would stay behind on a server connection the pooler then
// hands to someone else; set_config(..., true) ends with the transaction.
//
// So does DateStyle: the row readers (timestamps.ts, pg's and PGlite's own)
// and `due_date::text` expect ISO output, and a server, database or role set
// to another style ('SQL, DMY', 'German') would otherwise turn every
// timestamp into null and every due date into '06/12/2026'. Only the output
// changes; the day/month order for reading input is kept.
const SWITCH_SQL = `select set_config('role', $1, true), set_config('app.user_id', coalesce($2, ''), true),
  set_config('plan_cache_mode', 'force_generic_plan', true), set_config('statement_timeout', $3, true),
  set_config('DateStyle', 'ISO', true)`;
// Runs as CHECK_ROLE, so it sees the users table; it switches on only when
// the row is there. With no row the transaction stays in a role that can
// touch no user data, so whatever follows it in the batch fails harmlessly.
const CHECKED_SWITCH_SQL = `select set_config('role', $1, true), set_config('app.user_id', id::text, true),
  set_config('plan_cache_mode', 'force_generic_plan', true), set_config('statement_timeout', $3, true)
  from users where id = $2::uuid`;
// PGlite runs no timers, so a statement timeout there could never fire (nor
// can a lost client leave a statement running in this process): its switch
// sets everything else, and no timeout to set and undo in each transaction.
// Plans stay per transaction like the rest: the session is the floor's too
// in the benchmark, and code holding the database may change it.
const PGLITE_SWITCH_SQL = `select set_config('role', $1, true), set_config('app.user_id', coalesce($2, ''), true),
  set_config('plan_cache_mode', 'force_generic_plan', true), set_config('DateStyle', 'ISO', true)`;
const PGLITE_CHECKED_SWITCH_SQL = `select set_config('role', $1, true), set_config('app.user_id', id::text, true),
  set_config('plan_cache_mode', 'force_generic_plan', true)
  from users where id = $2::uuid`;

/** How a connection sends statements, from the database settings. */
export interface StatementSettings {
  /** Longest a statement in a switched transaction may run; 0 for no limit. */
  readonly statementTimeoutMs: number;
  /**
   * Name and prepare statements (parsed and planned once per connection).
   * Off behind a pooler that cannot follow them (PgBouncer before 1.21 in
   * transaction mode).
   */
  readonly preparedStatements: boolean;
  /** PGlite's: the switch sets no statement timeout (PGLITE_SWITCH_SQL). */
  readonly pglite?: boolean;
}

const PGLITE_SESSION: StatementSettings = {
  statementTimeoutMs: 0,
  preparedStatements: true,
  pglite: true,
};

const deferred = new WeakMap<CompiledQuery, Scope>();
const solitary = new WeakMap<CompiledQuery, Scope>();

/**
 * The statement that switches a transaction to `scope`. Sent as a statement
 * of its own it behaves as it reads; right after BEGIN these drivers hold it
 * back and send it with the next statement.
 */
export function switchTo(scope: Scope): CompiledQuery {
  const query = CompiledQuery.raw(SWITCH_SQL, [scope.role, scope.userId, '0']);
  deferred.set(query, scope);
  return query;
}

/**
 * Marks `query` to run as `scope` in a transaction of its own, sent as one
 * batch. Run it with `db.executeQuery()`, outside any transaction.
 */
export function alone<R>(query: CompiledQuery<R>, scope: Scope): CompiledQuery<R> {
  solitary.set(query, scope);
  return query;
}

/** Where a held statement's result goes. */
interface HeldResult {
  readonly resolve: (result: QueryResult<unknown>) => void;
  readonly reject: (error: unknown) => void;
}

const heldResults = new WeakMap<CompiledQuery, HeldResult>();

/**
 * Marks `query`, run inside a transaction, to be held and sent with the
 * transaction's COMMIT, in the same round trip, after every statement not so
 * marked. Running it returns at once with no rows; its result is the promise
 * returned here, settled once the transaction has ended (rejected when the
 * batch fails or the transaction rolls back). Run outside a transaction (its
 * own has ended) it is refused, never sent.
 */
export function sentWithCommit<R>(query: CompiledQuery<R>): Promise<QueryResult<R>> {
  return new Promise((resolve, reject) => {
    heldResults.set(query, {
      resolve: resolve as (result: QueryResult<unknown>) => void,
      reject,
    });
  });
}

/** Whether these drivers sit under `db` (an outside Kysely may not have them). */
export function batches(db: { getExecutor(): { readonly adapter: DialectAdapter } }): boolean {
  return batchingDialects.has(db.getExecutor().adapter);
}
const batchingDialects = new WeakSet<DialectAdapter>();

interface Statement {
  readonly sql: string;
  readonly parameters: readonly unknown[];
  /** Fail the batch with UnknownUserError when this returns no row. */
  readonly check?: boolean;
}

const BEGIN: Statement = { sql: 'begin', parameters: [] };
const COMMIT: Statement = { sql: 'commit', parameters: [] };
const ROLLBACK: Statement = { sql: 'rollback', parameters: [] };

function switchStatements(scope: Scope, settings: StatementSettings): Statement[] {
  if (settings.pglite === true) {
    if (scope.requireUser !== true)
      return [{ sql: PGLITE_SWITCH_SQL, parameters: [scope.role, scope.userId] }];
    return [
      { sql: PGLITE_SWITCH_SQL, parameters: [CHECK_ROLE, null] },
      { sql: PGLITE_CHECKED_SWITCH_SQL, parameters: [scope.role, scope.userId], check: true },
    ];
  }
  const timeout = String(Math.trunc(settings.statementTimeoutMs));
  if (scope.requireUser !== true)
    return [{ sql: SWITCH_SQL, parameters: [scope.role, scope.userId, timeout] }];
  return [
    { sql: SWITCH_SQL, parameters: [CHECK_ROLE, null, timeout] },
    { sql: CHECKED_SWITCH_SQL, parameters: [scope.role, scope.userId, timeout], check: true },
  ];
}

/** The first failure is the cause; the ones after it only say the transaction was aborted. */
function firstFailure(
  statements: readonly Statement[],
  completed: readonly ({ rowCount?: number | null | undefined } | undefined)[],
  error: unknown,
): Error | undefined {
  for (const [index, statement] of statements.entries()) {
    if (statement.check !== true) continue;
    const result = completed[index];
    if (result !== undefined && (result.rowCount ?? 0) === 0) return new UnknownUserError();
  }
  if (error === undefined || error instanceof Error) return error;
  return new Error('the database failed', { cause: error });
}

// Only statements of the application's own fixed shapes are worth naming;
// parameterless text (migrations, DO blocks) goes by the simple protocol.
const NAMEABLE = /^\s*(select|insert|update|delete|with)\b/i;
const MOST_NAMES = 500;
const names = new Map<string, string>();

function statementName(sql: string, parameters: readonly unknown[]): string | undefined {
  if (parameters.length === 0 || !NAMEABLE.test(sql)) return undefined;
  let name = names.get(sql);
  if (name === undefined && names.size < MOST_NAMES) {
    name = `todochat_${names.size}`;
    names.set(sql, name);
  }
  return name;
}

function affectedRows(
  command: string | undefined,
  count: number | null | undefined,
): Pick<QueryResult<unknown>, 'numAffectedRows'> {
  return command === 'INSERT' || command === 'UPDATE' || command === 'DELETE' || command === 'MERGE'
    ? { numAffectedRows: BigInt(count ?? 0) }
    : {};
}

// Both engines speak PostgreSQL's extended protocol, and a batch is the same
// messages for each: every statement's Parse (the first time a named
// statement is seen on the connection), Bind, Describe and Execute, then a
// single Sync. Statements before that Sync that are not inside an explicit
// transaction block form one implicit transaction; after an error the server
// skips everything up to the Sync.

/** One statement of a batch, as the messages that run it. */
interface Step {
  /** The prepared statement's name; '' for the unnamed one. */
  readonly name: string;
  /** Parse it first (closing a stale one of the same name), with this text. */
  readonly parse: string | undefined;
  readonly values: readonly (string | null)[];
}

// Parameters in PostgreSQL's text format, as pg writes them: bytea as hex,
// arrays as array literals (`{1,2}`), other objects as JSON.
function textValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return String(value);
  }
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
  if (Array.isArray(value)) return arrayLiteral(value);
  return JSON.stringify(value);
}

function arrayLiteral(values: readonly unknown[]): string {
  const elements = values.map((element) => {
    if (Array.isArray(element)) return arrayLiteral(element);
    const text = textValue(element);
    return text === null ? 'NULL' : `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
  });
  return `{${elements.join(',')}}`;
}

function queryResult(result: StatementResult | undefined): QueryResult<unknown> {
  if (result === undefined) return { rows: [] };
  return { ...affectedRows(result.command ?? undefined, result.rowCount), rows: result.rows };
}

/** What a batch brought back: one result per statement that completed, in order. */
interface Exchange {
  readonly results: readonly StatementResult[];
  /** The server's error, or a failure to read a row; the statements after it did not run. */
  readonly error?: unknown;
}

interface StatementResult {
  readonly command?: string | null | undefined;
  readonly rowCount?: number | null | undefined;
  readonly rows: unknown[];
}

/** A statement held for the COMMIT batch, and where its result goes. */
interface HeldStatement extends HeldResult {
  readonly statement: Statement;
}

/**
 * What both engines share: holding BEGIN and the switch back until the next
 * statement, holding statements for the COMMIT, the one-batch form, and how a
 * batch is written and its answers read. An engine only carries the bytes
 * (`exchange`).
 */
abstract class BatchingConnection implements DatabaseConnection {
  #pending: Statement[] = [];
  #held: HeldStatement[] = [];
  #inTransaction = false;
  readonly #onRoundTrip: RoundTripListener | undefined;
  readonly #settings: StatementSettings;
  /** Named statements this connection's session has parsed. */
  readonly #prepared: Set<string>;

  constructor(
    onRoundTrip: RoundTripListener | undefined,
    settings: StatementSettings,
    prepared: Set<string>,
  ) {
    this.#onRoundTrip = onRoundTrip;
    this.#settings = settings;
    this.#prepared = prepared;
  }

  /** Writes one batch's messages and reads every answer up to its ReadyForQuery. */
  protected abstract exchange(steps: readonly Step[]): Promise<Exchange>;

  /** Sends `statements` as one batch and returns the last one's result (COMMIT's excepted). */
  async #send(statements: readonly Statement[]): Promise<QueryResult<unknown>> {
    const results = await this.#sendAll(statements);
    const index = statements.length - (statements.at(-1) === COMMIT ? 2 : 1);
    return queryResult(results[index]);
  }

  /** Sends `statements` as one batch and returns every statement's result, in order. */
  async #sendAll(statements: readonly Statement[]): Promise<readonly StatementResult[]> {
    const steps: Step[] = [];
    const parsedNow: string[] = [];
    for (const statement of statements) {
      const name = this.#settings.preparedStatements
        ? (statementName(statement.sql, statement.parameters) ?? '')
        : '';
      const parse = name === '' || !this.#prepared.has(name) ? statement.sql : undefined;
      if (parse !== undefined && name !== '') parsedNow.push(name);
      steps.push({ name, parse, values: statement.parameters.map(textValue) });
    }
    this.#onRoundTrip?.(statements.map((statement) => statement.sql));
    const { results, error } = await this.exchange(steps);
    // After an error it is unknown which of this batch's Parses ran.
    for (const name of parsedNow) {
      if (error === undefined) this.#prepared.add(name);
      else this.#prepared.delete(name);
    }
    const failure = firstFailure(statements, results, error);
    if (failure !== undefined) throw failure;
    return results;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const scope = solitary.get(query);
    if (scope !== undefined) {
      if (this.#pending.length > 0) throw new Error('alone() ran inside a transaction');
      // Before one Sync, with no BEGIN: one implicit transaction.
      const batch = [...switchStatements(scope, this.#settings), query];
      return (await this.#send(batch)) as QueryResult<R>;
    }
    const held = heldResults.get(query);
    if (held !== undefined) {
      heldResults.delete(query);
      if (this.#inTransaction) {
        this.#held.push({ statement: query, ...held });
        return { rows: [] };
      }
      // Its transaction has ended: sent now, it would run outside it.
      const late = new Error('a statement held for a COMMIT reached the connection after it');
      held.reject(late);
      throw late;
    }
    if (this.#pending.length > 0) {
      const switching = deferred.get(query);
      if (switching !== undefined) {
        this.#pending.push(...switchStatements(switching, this.#settings));
        return { rows: [] };
      }
      const batch = [...this.#pending, query];
      this.#pending = [];
      return (await this.#send(batch)) as QueryResult<R>;
    }
    const switching = deferred.get(query);
    return (await this.#send(
      switching === undefined ? [query] : switchStatements(switching, this.#settings),
    )) as QueryResult<R>;
  }

  streamQuery(): AsyncIterableIterator<QueryResult<never>> {
    throw new Error('streaming is not supported by this driver');
  }

  begin(): void {
    this.#pending = [BEGIN];
    this.#inTransaction = true;
  }

  /**
   * A transaction that sent nothing yet ends with nothing to send, unless it
   * holds a user check, which must still give its answer. Statements held
   * for the commit go before it in the same batch; a rollback drops them.
   */
  async end(statement: Statement): Promise<void> {
    const pending = this.#pending;
    const held = this.#held;
    this.#pending = [];
    this.#held = [];
    this.#inTransaction = false;
    if (held.length > 0 && statement === COMMIT) {
      let results: readonly StatementResult[];
      try {
        results = await this.#sendAll([...pending, ...held.map((each) => each.statement), COMMIT]);
      } catch (error) {
        for (const each of held) each.reject(error);
        throw error;
      }
      for (const [index, each] of held.entries()) {
        each.resolve(queryResult(results[pending.length + index]));
      }
      return;
    }
    for (const each of held)
      each.reject(new Error('the transaction rolled back before this statement was sent'));
    if (pending.length === 0) await this.#send([statement]);
    else if (pending.some((held) => held.check === true)) await this.#send([...pending, statement]);
  }
}

abstract class BatchingDriver<C extends BatchingConnection> implements Driver {
  abstract init(): Promise<void>;
  abstract acquireConnection(): Promise<C>;
  abstract releaseConnection(connection: C): Promise<void>;
  abstract destroy(): Promise<void>;

  beginTransaction(connection: C): Promise<void> {
    connection.begin();
    return Promise.resolve();
  }
  async commitTransaction(connection: C): Promise<void> {
    await connection.end(COMMIT);
  }
  async rollbackTransaction(connection: C): Promise<void> {
    await connection.end(ROLLBACK);
  }
}

function dialect(createDriver: () => Driver): Dialect {
  return {
    createAdapter(): DialectAdapter {
      const adapter = new PostgresAdapter();
      batchingDialects.add(adapter);
      return adapter;
    },
    createDriver,
    createQueryCompiler: (): QueryCompiler => new PostgresQueryCompiler(),
    createIntrospector: (db: Kysely<unknown>): DatabaseIntrospector => new PostgresIntrospector(db),
  };
}

// PostgreSQL: a batch is a pg Submittable, so pg's client still owns the
// socket, its queue and its message parsing, and hands this batch every
// answer until the ReadyForQuery that ends it. (pg's own pipeline mode sends a
// Sync after every query: four statements cost four server-side transaction
// cycles and four ReadyForQuery messages; one Sync costs one.)

// pg's parsers, with timestamptz read by the faster path in timestamps.ts.
// The fallback is looked up when used, so it is whatever pg has then.
const TIMESTAMPTZ: number = pg.types.builtins.TIMESTAMPTZ;
type Parser = (value: unknown) => unknown;
// An OID is any number on the wire; pg's types name the builtins' as an enum.
const pgParser: (oid: number, format: 'text' | 'binary') => Parser = pg.types.getTypeParser;
const readTimestamptz = timestamptzParser((text) => pgParser(TIMESTAMPTZ, 'text')(text));

/** A column of a RowDescription, as pg's parser gives it. */
interface FieldDescription {
  readonly name: string;
  readonly dataTypeID: number;
  readonly format: 'text' | 'binary';
}

/** How one column's values are read. */
type ParserFor = (field: FieldDescription) => Parser;

const pgParserFor: ParserFor = (field) =>
  field.dataTypeID === TIMESTAMPTZ && field.format === 'text'
    ? (readTimestamptz as Parser)
    : pgParser(field.dataTypeID, field.format);

/**
 * One statement's rows, read the way pg's Result reads them (rows are plain
 * objects keyed by column name, each value through pg's type parsers) but
 * built by plain assignment in column order. pg's Result copies every row
 * from a null-prototype template, which leaves rows in V8's slow dictionary
 * mode; its addFields alone was 6% of a conversation list's CPU in a profile.
 */
class RowReader implements StatementResult {
  command: string | null = null;
  rowCount: number | null = null;
  readonly rows: unknown[] = [];
  readonly #names: string[];
  readonly #parsers: Parser[];

  constructor(fields: readonly FieldDescription[] = [], parserFor: ParserFor = pgParserFor) {
    this.#names = fields.map((field) => field.name);
    this.#parsers = fields.map(parserFor);
  }

  addRow(values: readonly (string | Buffer | null)[]): void {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      const parsed =
        value === null || value === undefined ? null : (this.#parsers[i] as Parser)(value);
      const name = this.#names[i] as string;
      // Assigning "__proto__" would set the row's prototype, not a column.
      if (name === '__proto__') {
        Object.defineProperty(row, name, { value: parsed, enumerable: true, writable: true });
      } else {
        row[name] = parsed;
      }
    }
    this.rows.push(row);
  }

  /** "SELECT 21", "INSERT 0 1", "BEGIN": the command and, when it has one, its row count. */
  complete(tag: string): void {
    const space = tag.indexOf(' ');
    this.command = space === -1 ? tag : tag.slice(0, space);
    if (space === -1) return;
    const count = Number(tag.slice(tag.lastIndexOf(' ') + 1));
    this.rowCount = Number.isInteger(count) ? count : null;
  }
}

/** The message writers of pg's Connection, as this version has them (its published types are older). */
interface Wire {
  readonly stream: { readonly writable: boolean; cork(): void; uncork(): void };
  close(message: { type: 'S'; name: string }): void;
  parse(query: { text: string; name: string }): void;
  bind(config: { statement: string; values: readonly (string | null)[] }): void;
  describe(message: { type: 'P' }): void;
  execute(config: Record<string, never>): void;
  sync(): void;
}

/**
 * One batch's answers, message by message, up to the ReadyForQuery that ends
 * it. pg's client calls these on a Submittable; PGlite's answers, read by the
 * same message parser (pg-protocol), are handed to them too.
 */
class BatchAnswers {
  readonly #parserFor: ParserFor;
  readonly #results: RowReader[] = [];
  #current: RowReader | undefined;
  #rowError: unknown;
  #settled = false;
  #settle: (exchange: Exchange) => void = () => {};
  readonly answered = new Promise<Exchange>((resolve) => {
    this.#settle = (exchange) => {
      this.#settled = true;
      resolve(exchange);
    };
  });

  constructor(parserFor: ParserFor = pgParserFor) {
    this.#parserFor = parserFor;
  }

  /** Hands one message from pg-protocol's parser to its handler. */
  take(message: BackendMessage): void {
    if (message instanceof DataRowMessage) this.handleDataRow(message);
    else if (message instanceof RowDescriptionMessage) this.handleRowDescription(message);
    else if (message instanceof CommandCompleteMessage) this.handleCommandComplete(message);
    else if (message.name === 'emptyQuery') this.handleEmptyQuery();
    else if (message.name === 'error') this.handleError(message);
    else if (message.name === 'readyForQuery') this.handleReadyForQuery();
    // ParseComplete, BindComplete, NoData, CloseComplete, notices: nothing to keep.
  }

  /** The engine has stopped answering: a batch with no ReadyForQuery yet failed. */
  ended(): void {
    if (this.#settled) return;
    this.#settle({
      results: this.#results,
      error: new Error('the database stopped answering before the end of a batch'),
    });
  }

  handleRowDescription(message: { fields: readonly FieldDescription[] }): void {
    this.#current = new RowReader(message.fields, this.#parserFor);
  }

  handleDataRow(message: { fields: readonly (string | Buffer | null)[] }): void {
    if (this.#rowError !== undefined || this.#current === undefined) return;
    try {
      this.#current.addRow(message.fields);
    } catch (error) {
      this.#rowError = error;
    }
  }

  handleCommandComplete(message: { text: string }): void {
    const result = this.#current ?? new RowReader();
    result.complete(message.text);
    this.#results.push(result);
    this.#current = undefined;
  }

  handleEmptyQuery(): void {
    this.#results.push(new RowReader());
  }

  // pg stops routing answers to a query once it reports an error (the rest of
  // the batch is skipped up to the Sync), and also calls this when the
  // connection is lost, so this is the end either way.
  handleError(error: unknown): void {
    this.#settle({ results: this.#results, error });
  }

  handleReadyForQuery(): void {
    this.#settle(
      this.#rowError === undefined
        ? { results: this.#results }
        : { results: this.#results, error: this.#rowError },
    );
  }
}

class WireBatch extends BatchAnswers implements pg.Submittable {
  readonly #steps: readonly Step[];

  constructor(steps: readonly Step[]) {
    super();
    this.#steps = steps;
  }

  // Written with pg's own message writers, corked, so the batch leaves in
  // one write.
  submit(connection: pg.Connection): Error | undefined {
    const wire = connection as unknown as Wire;
    if (!wire.stream.writable) return new ConnectionLostError();
    wire.stream.cork();
    try {
      for (const { name, parse, values } of this.#steps) {
        if (parse !== undefined) {
          // Closing first makes a re-parse after a failed batch safe.
          if (name !== '') wire.close({ type: 'S', name });
          wire.parse({ text: parse, name });
        }
        wire.bind({ statement: name, values });
        wire.describe({ type: 'P' });
        wire.execute({});
      }
      wire.sync();
    } finally {
      wire.stream.uncork();
    }
    return undefined;
  }

  handleCopyInResponse(connection: pg.Connection & { sendCopyFail(message: string): void }): void {
    connection.sendCopyFail('COPY is not supported by this driver');
  }

  handleCopyData(): void {}
  handlePortalSuspended(): void {}
}

class PostgresBatchingConnection extends BatchingConnection {
  readonly client: pg.PoolClient;

  constructor(
    client: pg.PoolClient,
    onRoundTrip: RoundTripListener | undefined,
    settings: StatementSettings,
  ) {
    super(onRoundTrip, settings, new Set());
    this.client = client;
  }

  /** Whether this client's socket was found closed: it is destroyed on release. */
  lost = false;

  protected async exchange(steps: readonly Step[]): Promise<Exchange> {
    const batch = new WireBatch(steps);
    this.client.query(batch);
    const answer = await batch.answered;
    if (answer.error instanceof ConnectionLostError) this.lost = true;
    return answer;
  }
}

/** Where the driver gets its clients: a pg Pool, or a pool over several servers. */
export interface ClientPool {
  connect(): Promise<pg.PoolClient>;
  end(): Promise<void>;
}

class PostgresBatchingDriver extends BatchingDriver<PostgresBatchingConnection> {
  readonly #pool: ClientPool;
  readonly #onRoundTrip: RoundTripListener | undefined;
  readonly #settings: StatementSettings;
  readonly #connections = new WeakMap<pg.PoolClient, PostgresBatchingConnection>();
  #destroyed = false;

  constructor(
    pool: ClientPool,
    onRoundTrip: RoundTripListener | undefined,
    settings: StatementSettings,
  ) {
    super();
    this.#pool = pool;
    this.#onRoundTrip = onRoundTrip;
    this.#settings = settings;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<PostgresBatchingConnection> {
    const client = await this.#pool.connect();
    if (this.#destroyed) {
      client.release();
      throw new Error('driver has already been destroyed');
    }
    let connection = this.#connections.get(client);
    if (connection === undefined) {
      connection = new PostgresBatchingConnection(client, this.#onRoundTrip, this.#settings);
      this.#connections.set(client, connection);
    }
    return connection;
  }

  releaseConnection(connection: PostgresBatchingConnection): Promise<void> {
    // A closed socket can end before pg's pool hears of it; it must not be
    // handed out again meanwhile.
    connection.client.release(connection.lost ? true : undefined);
    return Promise.resolve();
  }

  async destroy(): Promise<void> {
    if (this.#destroyed) return;
    this.#destroyed = true;
    await this.#pool.end();
  }
}

/** A dialect over pg Pools whose clients run in pipeline mode. */
export function postgresDialect(
  pool: ClientPool,
  settings: StatementSettings,
  onRoundTrip?: RoundTripListener,
): Dialect {
  return dialect(() => new PostgresBatchingDriver(pool, onRoundTrip, settings));
}

// PGlite runs in this process: a round trip is a call into its WebAssembly
// backend, and a plain query makes six (parse, describe, bind, describe,
// execute, sync). A batch here is one call, its messages in one buffer,
// written by pg-protocol's serializer, the one pg writes them with.
function encode(steps: readonly Step[]): Buffer {
  const parts: Buffer[] = [];
  for (const { name, parse, values } of steps) {
    if (parse !== undefined) {
      if (name !== '') parts.push(serialize.close({ type: 'S', name }));
      parts.push(serialize.parse({ text: parse, name }));
    }
    parts.push(
      serialize.bind({ statement: name, values: [...values] }),
      serialize.describe({ type: 'P' }),
      serialize.execute({}),
    );
  }
  parts.push(serialize.sync());
  return Buffer.concat(parts);
}

/** PGlite's own parsers, with timestamptz read by the faster path in timestamps.ts. */
export const PGLITE_PARSERS: ParserOptions = {
  [pgliteTypes.TIMESTAMPTZ]: timestamptzParser((text) => {
    const parse = pgliteTypes.parsers[pgliteTypes.TIMESTAMPTZ];
    return parse === undefined ? text : parse(text);
  }),
};

/** PGlite's parsers for a column, with its defaults behind the ones it was created with. */
function pgliteParserFor(parsers: PGlite['parsers']): ParserFor {
  return ({ dataTypeID }) => {
    const parse = parsers[dataTypeID] ?? pgliteTypes.parsers[dataTypeID];
    return parse === undefined
      ? (value) => value
      : (value): unknown => parse(value as string, dataTypeID) as unknown;
  };
}

class PgliteBatchingConnection extends BatchingConnection {
  readonly #pglite: PGlite;
  readonly #parserFor: ParserFor;

  constructor(pglite: PGlite, onRoundTrip: RoundTripListener | undefined) {
    // In this process, a statement cannot be left running by a lost client,
    // and there is no pooler: no timeout, and every statement prepared.
    super(onRoundTrip, PGLITE_SESSION, new Set());
    this.#pglite = pglite;
    this.#parserFor = pgliteParserFor(pglite.parsers);
  }

  // The answers are read by pg-protocol's parser, as on PostgreSQL, from the
  // raw stream. PGlite's own (execProtocol) copies every text field into an
  // ArrayBuffer of its own before decoding it: a third of a conversation
  // list's CPU in a profile.
  protected async exchange(steps: readonly Step[]): Promise<Exchange> {
    const answers = new BatchAnswers(this.#parserFor);
    const parser = new MessageParser();
    await this.#pglite.execProtocolRawStream(encode(steps), {
      // A chunk is a view of PGlite's memory, reused after this call: copied
      // before the parser may keep the part of a message it ends in.
      onRawData: (chunk) => {
        parser.parse(Buffer.from(chunk), (message) => answers.take(message));
      },
    });
    answers.ended();
    return answers.answered;
  }
}

// PGlite is one session: transactions take turns on it.
class PgliteBatchingDriver extends BatchingDriver<PgliteBatchingConnection> {
  readonly #pglite: PGlite;
  readonly #connection: PgliteBatchingConnection;
  readonly #waiting: ((connection: PgliteBatchingConnection) => void)[] = [];
  #busy = false;

  constructor(pglite: PGlite, onRoundTrip: RoundTripListener | undefined) {
    super();
    this.#pglite = pglite;
    this.#connection = new PgliteBatchingConnection(pglite, onRoundTrip);
  }

  async init(): Promise<void> {}

  acquireConnection(): Promise<PgliteBatchingConnection> {
    if (this.#pglite.closed) return Promise.reject(new Error('PGlite is closed'));
    if (!this.#busy) {
      this.#busy = true;
      return Promise.resolve(this.#connection);
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  releaseConnection(): Promise<void> {
    const next = this.#waiting.shift();
    if (next === undefined) this.#busy = false;
    else next(this.#connection);
    return Promise.resolve();
  }

  async destroy(): Promise<void> {
    if (!this.#pglite.closed) await this.#pglite.close();
  }
}

export function pgliteDialect(pglite: PGlite, onRoundTrip?: RoundTripListener): Dialect {
  return dialect(() => new PgliteBatchingDriver(pglite, onRoundTrip));
}
