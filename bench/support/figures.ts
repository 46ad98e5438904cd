// How the benchmarks print their figures, and how each runs as a script.

/** A whole number with thousands separators: 1,000,000. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

export function perSecond(records: number, ms: number): number {
  return records / (ms / 1000);
}

/** The middle value (the upper one of an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** One line a figure: its name, its time and `records` per second, in aligned columns. */
export function printRates(
  figures: ReadonlyArray<readonly [name: string, ms: number]>,
  records: number,
  rateWidth = 10,
): void {
  const width = Math.max(...figures.map(([name]) => name.length));
  for (const [name, ms] of figures) {
    console.log(
      `${name.padEnd(width)}  ${formatSeconds(ms).padStart(9)}  ` +
        `${formatCount(perSecond(records, ms)).padStart(rateWidth)} records/s`,
    );
  }
}

/**
 * Runs a benchmark's main: a failure prints its stack and exits 1; an exit code it returns is
 * the process's.
 */
export function runBench(main: () => Promise<number | void>): void {
  main().then(
    (code) => {
      if (typeof code === 'number') process.exit(code);
    },
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exit(1);
    },
  );
}
