// Timing: run an operation from `concurrency` workers for a fixed time and
// keep every latency. Several rounds, interleaved with the baselines by the
// caller, give medians that a noisy shared machine cannot skew much.

export interface Sample {
  opsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  count: number;
}

export type Operation = (worker: number, iteration: number) => Promise<unknown>;

function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

export async function measure(
  operation: Operation,
  concurrency: number,
  durationMs: number,
): Promise<Sample> {
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + durationMs;
  const workers = Array.from({ length: concurrency }, async (_, worker) => {
    for (let iteration = 0; performance.now() < deadline; iteration++) {
      const before = performance.now();
      await operation(worker, iteration);
      latencies.push(performance.now() - before);
    }
  });
  await Promise.all(workers);
  const elapsed = performance.now() - started;
  const sorted = Float64Array.from(latencies).sort();
  return {
    opsPerSecond: (latencies.length / elapsed) * 1000,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    count: latencies.length,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}

/** Per-field medians over rounds. */
export function medianSample(samples: Sample[]): Sample {
  return {
    opsPerSecond: median(samples.map((sample) => sample.opsPerSecond)),
    p50: median(samples.map((sample) => sample.p50)),
    p95: median(samples.map((sample) => sample.p95)),
    p99: median(samples.map((sample) => sample.p99)),
    count: samples.reduce((total, sample) => total + sample.count, 0),
  };
}

/**
 * Runs each contender for one slice per round, in turn, for `rounds` rounds,
 * so a slow stretch of the machine hits all of them alike.
 */
export async function interleave(
  contenders: Record<string, Operation>,
  options: { concurrency: number; rounds: number; sliceMs: number; warmupMs: number },
): Promise<Record<string, Sample>> {
  const samples: Record<string, Sample[]> = {};
  for (const [name, operation] of Object.entries(contenders)) {
    await measure(operation, options.concurrency, options.warmupMs);
    samples[name] = [];
  }
  for (let round = 0; round < options.rounds; round++) {
    for (const [name, operation] of Object.entries(contenders)) {
      samples[name]?.push(await measure(operation, options.concurrency, options.sliceMs));
    }
  }
  return Object.fromEntries(
    Object.entries(samples).map(([name, list]) => [name, medianSample(list)]),
  );
}
