// How fast the Schema and Query workspaces get describes from the cache on a big org: a cached
// list of 1,500 objects and cached describes of 300 fields each, answered through the studio's
// router (params and result checked against the contract, as the renderer gets them).
// Baseline, measured side by side in the same run: reading the same rows straight from the
// cache (SQLite read + JSON.parse), the least any answer can cost.
// Run: node --import tsx bench/ui/explore-describe-cache.bench.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createStudio } from '../../src-main/studio';
import { fieldDescribe, type SObjectDescribe } from '../../src-shared/salesforce';

const OBJECTS = 1_500;
const FIELDS = 300;
const ROUNDS = 200;
const MANY = 50;

const name = (i: number) => `Obj${String(i).padStart(4, '0')}__c`;

function describeOf(i: number): SObjectDescribe {
  const fields = [
    fieldDescribe('Id', 'id', { length: 18 }),
    fieldDescribe('Name', 'string', { length: 80 }),
    ...Array.from({ length: FIELDS - 2 }, (_, f) =>
      f % 10 === 0
        ? fieldDescribe(`Lookup${f}__c`, 'reference', {
            referenceTo: [name((i + f) % OBJECTS)],
            relationshipName: `Lookup${f}__r`,
            length: 18,
          })
        : fieldDescribe(`Field${f}__c`, f % 3 === 0 ? 'double' : 'string', { length: 255 }),
    ),
  ];
  return {
    name: name(i),
    label: `Object ${i}`,
    keyPrefix: `a${String(i).padStart(2, '0')}`.slice(0, 3),
    custom: true,
    queryable: true,
    fields,
    childRelationships: [],
  };
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function measure(run: () => Promise<unknown> | unknown): Promise<number[]> {
  for (let i = 0; i < 10; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return samples;
}

function report(label: string, ours: number[], baseline: number[]): void {
  const p50 = percentile(ours, 50);
  const p95 = percentile(ours, 95);
  const base50 = percentile(baseline, 50);
  console.log(
    `${label}: p50 ${p50.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms; baseline (cache read) p50 ` +
      `${base50.toFixed(2)} ms; ratio ${(p50 / base50).toFixed(2)}x`,
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'explore-bench-'));
  const studio = createStudio({ userDataDir: dir, host: 'cli', log: () => {} });
  try {
    // A token profile: the connection is made without a request, and nothing below is stale,
    // so no request ever leaves (the instance URL answers nothing).
    const saved = await studio.router.call('profiles.save', {
      kind: 'salesforce',
      name: 'Big org',
      auth: { method: 'token', instanceUrl: 'http://127.0.0.1:9', accessToken: 'unused' },
    });
    if (!saved.ok) throw new Error(saved.error.message);
    const orgKey = (saved.result as { id: string }).id;
    await studio.router.call('settings.set', { activeOrgProfileId: orgKey });

    const describes = Array.from({ length: OBJECTS }, (_, i) => describeOf(i));
    studio.cache.objectLists.put({
      orgKey,
      objects: describes.map(({ fields: _f, childRelationships: _c, ...entry }) => entry),
      lastModified: new Date().toUTCString(),
    });
    for (const d of describes.slice(0, 400)) {
      studio.cache.describes.put({ orgKey, objectName: d.name, describe: d, lastModified: null });
    }
    const call = async (method: string, params: unknown) => {
      const outcome = await studio.router.call(method, params);
      if (!outcome.ok) throw new Error(`${method}: ${outcome.error.message}`);
      return outcome.result;
    };

    console.log(`${OBJECTS} objects listed, ${FIELDS} fields per describe, ${ROUNDS} rounds`);
    report(
      'schema.objects (1,500 objects)',
      await measure(() => call('schema.objects', {})),
      await measure(() => studio.cache.objectLists.get(orgKey)),
    );
    let next = 0;
    report(
      'schema.describe (300 fields, columnTypes)',
      await measure(() => call('schema.describe', { object: name(next++ % 400) })),
      await measure(() => studio.cache.describes.get(orgKey, name(next++ % 400))),
    );
    const many = Array.from({ length: MANY }, (_, i) => name(i * 7));
    report(
      `schema.describeMany (${MANY} cached)`,
      await measure(() => call('schema.describeMany', { objects: many })),
      await measure(() => many.map((n) => studio.cache.describes.get(orgKey, n))),
    );
  } finally {
    await studio.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
