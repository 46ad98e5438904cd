// Completion latency on a big org: a synthetic describe catalog of 1,500 objects × 300 fields
// (lookups, child relationships, picklists, a polymorphic Owner), a few realistic queries, and
// 1,000 cursor positions drawn with a seeded PRNG so every run measures the same calls.
// Baseline, measured side by side in the same run: parseSoql alone on the same texts, which
// completion runs once per call. Goal: p95 of completeSoql under 2 ms.
// Run: node --import tsx bench/soql/completion.bench.ts
import { seededRandom } from '../../src-shared/random';
import { performance } from 'node:perf_hooks';
import {
  createDescribeCatalog,
  fieldDescribe,
  type ChildRelationship,
  type FieldDescribe,
  type PicklistEntry,
  type SObjectDescribe,
} from '../../src-shared/salesforce';
import { completeSoql, parseSoql } from '../../src-shared/soql';

const OBJECTS = 1500;
const FIELDS_PER_OBJECT = 300;
const POSITIONS = 1000;
const SEED = 20240601;
const GOAL_P95_MS = 2;

const prng = seededRandom;

const objectName = (i: number) => `Obj${String(i).padStart(4, '0')}__c`;
const n3 = (i: number) => String(i).padStart(3, '0');

function entries(values: string[]): PicklistEntry[] {
  return values.map((value, i) => ({ value, label: value, active: true, defaultValue: i === 0 }));
}
// Shared between fields: the catalog holds 450,000 fields, so values are not copied per field.
const PICKLIST = entries(Array.from({ length: 8 }, (_, i) => `Value ${i + 1}`));
const MULTI = entries(['Red', 'Green', 'Blue', 'Yellow', 'Black']);
const NONE: PicklistEntry[] = [];

function field(name: string, type: string, extra: Partial<FieldDescribe> = {}): FieldDescribe {
  const flags = {
    filterable: type !== 'textarea',
    sortable: type !== 'textarea' && type !== 'multipicklist',
    groupable: !['textarea', 'multipicklist', 'datetime', 'currency', 'double'].includes(type),
    aggregatable: type !== 'boolean' && type !== 'textarea',
  };
  return fieldDescribe(name, type, {
    label: name.replace(/__c$/, '').replace(/_/g, ' '),
    length: 255,
    createable: true,
    updateable: true,
    picklistValues: NONE,
    ...flags,
    ...extra,
  });
}

/** 300 fields: Id, Name, a polymorphic Owner, 20 lookups and a mix of every common type. */
function objectFields(index: number): FieldDescribe[] {
  const fields: FieldDescribe[] = [
    field('Id', 'id'),
    field('Name', 'string'),
    field('OwnerId', 'reference', {
      referenceTo: [objectName(1), objectName(2)],
      relationshipName: 'Owner',
      polymorphicForeignKey: true,
    }),
    field('CreatedDate', 'datetime'),
  ];
  for (let k = 1; k <= 20; k++) {
    const target = objectName((index * 7 + k * 13) % OBJECTS);
    fields.push(
      field(`Ref_${n3(k)}__c`, 'reference', {
        referenceTo: [target],
        relationshipName: `Ref_${n3(k)}__r`,
      }),
    );
  }
  for (let k = 1; k <= 30; k++)
    fields.push(field(`Pick_${n3(k)}__c`, 'picklist', { picklistValues: PICKLIST }));
  for (let k = 1; k <= 10; k++)
    fields.push(field(`Multi_${n3(k)}__c`, 'multipicklist', { picklistValues: MULTI }));
  for (let k = 1; k <= 20; k++) fields.push(field(`Date_${n3(k)}__c`, 'date'));
  for (let k = 1; k <= 20; k++) fields.push(field(`DateTime_${n3(k)}__c`, 'datetime'));
  for (let k = 1; k <= 30; k++) fields.push(field(`Amount_${n3(k)}__c`, 'currency'));
  for (let k = 1; k <= 30; k++) fields.push(field(`Num_${n3(k)}__c`, 'double'));
  for (let k = 1; k <= 30; k++) fields.push(field(`Bool_${n3(k)}__c`, 'boolean'));
  for (let k = 1; fields.length < FIELDS_PER_OBJECT; k++) {
    fields.push(field(`Field_${n3(k)}__c`, k % 10 === 0 ? 'textarea' : 'string'));
  }
  return fields;
}

function syntheticDescribes(): SObjectDescribe[] {
  const describes: SObjectDescribe[] = [];
  const children = new Map<string, ChildRelationship[]>();
  for (let i = 0; i < OBJECTS; i++) {
    const name = objectName(i);
    const fields = objectFields(i);
    for (const f of fields) {
      const target = f.referenceTo[0];
      if (f.type !== 'reference' || f.referenceTo.length !== 1 || !target) continue;
      const list = children.get(target) ?? [];
      list.push({
        childSObject: name,
        field: f.name,
        relationshipName: `${name.replace(/__c$/, '')}_${f.name.replace(/__c$/, '')}s__r`,
        cascadeDelete: false,
      });
      children.set(target, list);
    }
    describes.push({
      name,
      label: `Object ${i}`,
      keyPrefix: `a${String(i).padStart(2, '0')}`,
      custom: true,
      queryable: true,
      fields,
      childRelationships: [],
    });
  }
  for (const d of describes) d.childRelationships = children.get(d.name) ?? [];
  return describes;
}

/** Queries as people write them, finished and half-typed (completion runs while typing). */
function queries(): string[] {
  // A child relationship of Obj0100__c, found the way a user would see it in the describe.
  const child = 'Obj0087_Ref_001s__r';
  return [
    `SELECT Id, Name, Field_010__c, Ref_001__r.Name, Ref_001__r.Ref_002__r.Field_005__c
FROM Obj0042__c
WHERE Pick_003__c = 'Value 3' AND Date_004__c = LAST_N_DAYS:30 AND Owner.Name LIKE 'A%'
ORDER BY Name DESC NULLS LAST
LIMIT 100`,
    `SELECT Name, (SELECT Id, Name, Field_002__c FROM ${child} WHERE Bool_001__c = true ORDER BY Name)
FROM Obj0100__c
WHERE Id IN (SELECT Ref_003__c FROM Obj0200__c WHERE Pick_001__c IN ('Value 1', 'Value 2'))`,
    `SELECT Pick_002__c, CALENDAR_YEAR(Date_001__c) yr, COUNT(Id), SUM(Amount_001__c) total
FROM Obj0300__c
WHERE CALENDAR_YEAR(Date_001__c) = 2024 AND Num_001__c > 10
GROUP BY Pick_002__c, CALENDAR_YEAR(Date_001__c)
HAVING COUNT(Id) > 5
ORDER BY COUNT(Id) DESC`,
    `SELECT Id, TYPEOF Owner WHEN Obj0001__c THEN Name, Field_001__c WHEN Obj0002__c THEN Name ELSE Name END
FROM Obj0400__c
WHERE Multi_001__c INCLUDES ('Red;Green', 'Blue') AND DateTime_002__c > 2024-01-01T00:00:00Z`,
    `SELECT Id, Name, Ref_005__r. FROM Obj0500__c WHERE Pick_004__c IN ( AND Ref_006__r.Ref_007__r.`,
    `SELECT Id FROM `,
    `SELECT ${Array.from({ length: 40 }, (_, k) => `Field_${n3(k + 1)}__c`).join(', ')}, Ref_010__r.Name
FROM Obj0777__c
WHERE (Pick_010__c = 'Value 1' OR Pick_011__c = 'Value 2') AND Bool_002__c = false
ORDER BY Amount_003__c DESC, Name
LIMIT 50 OFFSET 10`,
  ];
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1)!,
  };
}

const ms = (v: number) => `${v.toFixed(3)} ms`.padStart(10);

function main(): void {
  const buildStart = performance.now();
  const catalog = createDescribeCatalog(syntheticDescribes());
  const buildMs = performance.now() - buildStart;

  const texts = queries();
  const random = prng(SEED);
  const positions = Array.from({ length: POSITIONS }, () => {
    const text = texts[Math.floor(random() * texts.length)]!;
    return { text, offset: Math.floor(random() * (text.length + 1)) };
  });

  // Cold: the first calls on a fresh catalog build the cached, sorted candidate lists.
  const coldFrom = performance.now();
  completeSoql('SELECT Id FROM ', 15, catalog);
  const coldFromMs = performance.now() - coldFrom;
  const coldFields = performance.now();
  completeSoql('SELECT  FROM Obj0999__c', 7, catalog);
  const coldFieldsMs = performance.now() - coldFields;

  // Warm-up (JIT and caches), also counting how many positions get something to offer.
  let itemCount = 0;
  let offering = 0;
  for (let round = 0; round < 3; round++) {
    for (const { text, offset } of positions) {
      const count = completeSoql(text, offset, catalog).length;
      itemCount += count;
      if (count > 0) offering++;
      parseSoql(text);
    }
  }

  const complete: number[] = [];
  const parse: number[] = [];
  for (const { text, offset } of positions) {
    const a = performance.now();
    completeSoql(text, offset, catalog);
    const b = performance.now();
    parseSoql(text);
    const c = performance.now();
    complete.push(b - a);
    parse.push(c - b);
  }
  const completeStats = stats(complete);
  const parseStats = stats(parse);
  const ratio = completeStats.p95 / parseStats.p95;
  const pass = completeStats.p95 < GOAL_P95_MS;

  console.log(
    `SOQL completion latency: catalog ${OBJECTS} objects × ${FIELDS_PER_OBJECT} fields ` +
      `(built in ${buildMs.toFixed(0)} ms), ${texts.length} queries, ${POSITIONS} cursor positions, seed ${SEED}`,
  );
  console.log(
    `${''.padEnd(22)}${'p50'.padStart(10)}${'p95'.padStart(10)}${'p99'.padStart(10)}${'max'.padStart(10)}`,
  );
  for (const [name, s] of [
    ['completeSoql', completeStats],
    ['parseSoql (baseline)', parseStats],
  ] as const) {
    console.log(`${name.padEnd(22)}${ms(s.p50)}${ms(s.p95)}${ms(s.p99)}${ms(s.max)}`);
  }
  console.log(`ratio p95(complete) / p95(parse): ${ratio.toFixed(2)}×`);
  console.log(
    `cold first calls (cache build): FROM list ${coldFromMs.toFixed(2)} ms, one object's fields ${coldFieldsMs.toFixed(2)} ms`,
  );
  console.log(
    `items per call (mean): ${(itemCount / (3 * POSITIONS)).toFixed(1)}; ` +
      `positions offering something: ${((100 * offering) / (3 * POSITIONS)).toFixed(0)}%`,
  );
  console.log(`goal p95 < ${GOAL_P95_MS} ms: ${pass ? 'PASS' : 'FAIL'}`);
}

main();
