// Counts what reaches the database, from the drivers' round-trip hook: how
// many batches (round trips), statements and transactions a call costs.
export class TripCounter {
  #roundTrips = 0;
  #statements = 0;
  #transactions = 0;
  #open = false;

  readonly listener = (statements: readonly string[]): void => {
    this.#roundTrips += 1;
    // A batch sent outside a transaction that does not open one is an
    // implicit transaction of its own (PGlite's one-call form).
    if (!this.#open && !/^\s*begin\b/i.test(statements[0] ?? '')) this.#transactions += 1;
    for (const statement of statements) {
      this.#statements += 1;
      if (/^\s*begin\b/i.test(statement)) {
        this.#open = true;
        this.#transactions += 1;
      } else if (/^\s*(commit|rollback)\b/i.test(statement)) {
        this.#open = false;
      }
    }
  };

  reset(): void {
    this.#roundTrips = 0;
    this.#statements = 0;
    this.#transactions = 0;
  }

  totals(): { roundTrips: number; statements: number; transactions: number } {
    return {
      roundTrips: this.#roundTrips,
      statements: this.#statements,
      transactions: this.#transactions,
    };
  }
}
