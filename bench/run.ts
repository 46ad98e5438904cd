// Runs every benchmark under bench/ (files named *.bench.ts), or those whose path contains one
// of the words given: `npm run bench -- soql`. Each benchmark runs in its own process so one
// cannot warm the JIT or the caches for the next, and prints its own figures and ratios.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = __dirname;
const filters = process.argv.slice(2);

function benchFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return benchFiles(path);
    return entry.name.endsWith('.bench.ts') ? [path] : [];
  });
}

const files = benchFiles(root)
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();
if (files.length === 0) {
  console.error(
    `No benchmark matches ${filters.join(', ')}; see the *.bench.ts files under bench/`,
  );
  process.exit(2);
}
let failed = 0;
for (const file of files) {
  console.log(`\n=== ${relative(root, file)}`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', file], { stdio: 'inherit' });
  if (run.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
