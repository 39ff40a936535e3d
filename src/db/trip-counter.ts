// Counts what reaches the database, from the drivers' round-trip hook
// (`onRoundTrip`): how many batches (round trips), statements and
// transactions a call costs, for the benchmark and the statement-count test.
const BEGIN = /^\s*begin\b/i;
const END = /^\s*(commit|rollback)\b/i;
// BEGIN, COMMIT and the set_config that scopes a transaction to its user.
const CONTROL = /^\s*(begin|commit|rollback|select set_config)\b/i;

export interface TripTotals {
  /** Batches sent to the database: what a call waits on. */
  roundTrips: number;
  statements: number;
  transactions: number;
  /** Statements that only open, scope or end a transaction. */
  control: number;
}

export class TripCounter {
  #totals: TripTotals = { roundTrips: 0, statements: 0, transactions: 0, control: 0 };
  #open = false;

  readonly listener = (statements: readonly string[]): void => {
    const totals = this.#totals;
    totals.roundTrips += 1;
    // A batch sent outside a transaction that does not open one is an
    // implicit transaction of its own (the one-statement form: one Sync).
    if (!this.#open && !BEGIN.test(statements[0] ?? '')) totals.transactions += 1;
    for (const statement of statements) {
      totals.statements += 1;
      if (CONTROL.test(statement)) totals.control += 1;
      if (BEGIN.test(statement)) {
        this.#open = true;
        totals.transactions += 1;
      } else if (END.test(statement)) {
        this.#open = false;
      }
    }
  };

  reset(): void {
    this.#totals = { roundTrips: 0, statements: 0, transactions: 0, control: 0 };
  }

  totals(): TripTotals {
    return { ...this.#totals };
  }
}
