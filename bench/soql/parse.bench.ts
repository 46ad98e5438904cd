// Parse throughput on the SOQL corpus (test/fixtures/soql, valid entries): our parseSoql against
// @jetstreamapp/soql-parser-js's parseQuery, side by side in one process. Both warm up first, then
// run interleaved rounds (the order flips every round, so neither always runs on a warmer JIT or
// a fresher heap); the figure is the median round. Ours also builds ranges and diagnostics;
// theirs builds a position-free tree and throws on the first error.
// Goal: ours at least as fast (ratio ours ÷ theirs >= 1.00).
// Run: node --import tsx bench/soql/parse.bench.ts
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseQuery } from '@jetstreamapp/soql-parser-js';
import { parseSoql } from '../../src-shared/soql';

const CORPUS_DIR = resolve(__dirname, '..', '..', 'test', 'fixtures', 'soql');
const WARMUP_MS = 1500;
const ROUNDS = 15;
/** Passes over the query set per parser per round. */
const PASSES = 20;

interface Parser {
  name: string;
  /** Parses one query; true when it was read without error. */
  parse: (text: string) => boolean;
}

const ours: Parser = {
  name: 'parseSoql (ours)',
  parse: (text) => parseSoql(text).diagnostics.length === 0,
};

const theirs: Parser = {
  name: 'soql-parser-js parseQuery',
  parse: (text) => {
    try {
      parseQuery(text);
      return true;
    } catch {
      return false;
    }
  },
};

function validCorpus(): string[] {
  return readdirSync(CORPUS_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .flatMap((name) => {
      const entries = JSON.parse(readFileSync(join(CORPUS_DIR, name), 'utf8')) as {
        query: string;
        tree?: string;
      }[];
      return entries.filter((entry) => entry.tree !== undefined).map((entry) => entry.query);
    });
}

/** Milliseconds for `passes` passes over `queries`; `sink` keeps the work observable. */
function runPasses(parser: Parser, queries: string[], passes: number, sink: { n: number }): number {
  const start = performance.now();
  for (let p = 0; p < passes; p++) {
    for (const query of queries) if (parser.parse(query)) sink.n++;
  }
  return performance.now() - start;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median queries/second of each parser over interleaved rounds on the same queries. */
function measure(queries: string[]): { ours: number; theirs: number } {
  const sink = { n: 0 };
  for (const parser of [ours, theirs]) {
    const until = performance.now() + WARMUP_MS;
    while (performance.now() < until) runPasses(parser, queries, 1, sink);
  }
  const rates: Record<'ours' | 'theirs', number[]> = { ours: [], theirs: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? [ours, theirs] : [theirs, ours];
    for (const parser of order) {
      const ms = runPasses(parser, queries, PASSES, sink);
      rates[parser === ours ? 'ours' : 'theirs'].push((queries.length * PASSES) / (ms / 1000));
    }
  }
  if (sink.n < 0) console.log(sink.n);
  return { ours: median(rates.ours), theirs: median(rates.theirs) };
}

function main(): void {
  const corpus = validCorpus();
  const oursOk = corpus.filter((q) => ours.parse(q));
  const theirsOk = corpus.filter((q) => theirs.parse(q));
  const both = corpus.filter((q) => ours.parse(q) && theirs.parse(q));

  console.log(`SOQL parse throughput: ${corpus.length} valid corpus queries (test/fixtures/soql)`);
  console.log(
    `parsed without error: ours ${oursOk.length}/${corpus.length}, soql-parser-js ${theirsOk.length}/${corpus.length}`,
  );
  const missed = corpus.filter((q) => !theirs.parse(q));
  if (missed.length > 0) {
    console.log('soql-parser-js rejects:');
    for (const q of missed) console.log(`  ${q.replace(/\s+/g, ' ').slice(0, 110)}`);
  }

  const row = (label: string, r: { ours: number; theirs: number }) =>
    console.log(
      `${label.padEnd(34)}${Math.round(r.ours).toLocaleString('en-US').padStart(12)} q/s` +
        `${Math.round(r.theirs).toLocaleString('en-US').padStart(12)} q/s` +
        `${(r.ours / r.theirs).toFixed(2).padStart(9)}×`,
    );
  console.log(
    `${''.padEnd(34)}${'ours'.padStart(16)}${'theirs'.padStart(16)}${'ratio'.padStart(10)}`,
  );
  const common = measure(both);
  row(`queries both parse (${both.length})`, common);
  const whole = measure(corpus);
  row(`whole valid corpus (${corpus.length})`, whole);
  console.log(`ratio = ours ÷ theirs (queries/second; median of ${ROUNDS} interleaved rounds)`);
  const pass = common.ours >= common.theirs;
  console.log(`goal ours >= theirs on the queries both parse: ${pass ? 'PASS' : 'FAIL'}`);
}

main();
