// A trigger log as a busy connection leaves it after a month: rows for account, contact and
// opportunity over 30 days, the older ones moved to the archive, nearly all SUCCESS, a few
// FAILED with the errors Salesforce really sends, some NEW/PENDING at the head, IGNORED and
// MERGED here and there; hstore values and old values as the capture triggers write them.
// Loaded with COPY (the insert trigger's NOTIFY off while it runs), then VACUUM ANALYZE.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { qualifiedName } from '../../src-shared/mapping';

export interface TriggerLogFill {
  /** Rows in all; the newest `liveRows` stay in _trigger_log, the rest go to the archive. */
  rows: number;
  liveRows: number;
  /** The newest row's capture time; the oldest is 30 days before it. */
  newest: Date;
}

export const FILL_TABLES = ['account', 'contact', 'opportunity'] as const;
type FillTable = (typeof FILL_TABLES)[number];

const KEY_PREFIX: Record<FillTable, string> = {
  account: '001',
  contact: '003',
  opportunity: '006',
};

/** The rare message, a dozen rows in a million: what "text of a rare message" looks for. */
export const RARE_MESSAGE_TEXT = 'Region__c';
const RARE_MESSAGE =
  'INVALID_FIELD_FOR_INSERT_UPDATE: Unable to create/update fields: Region__c. Please check ' +
  'the security settings of this field and verify that it is read/write for your profile or ' +
  'permission set.';
const RARE_EVERY = 83_333;

/** Salesforce's answers to a failed write, by how often a month of them shows each. */
const FAILURES: ReadonlyArray<{ weight: number; message: (t: FillTable, sfid: string) => string }> =
  [
    {
      weight: 22,
      message: (t) =>
        t === 'opportunity'
          ? 'FIELD_CUSTOM_VALIDATION_EXCEPTION: Amount must not be negative'
          : 'FIELD_CUSTOM_VALIDATION_EXCEPTION: Phone must have 10 digits',
    },
    {
      weight: 18,
      message: (t) =>
        `REQUIRED_FIELD_MISSING: Required fields are missing: [${t === 'contact' ? 'LastName' : 'Name'}]`,
    },
    {
      weight: 14,
      message: (_t, sfid) =>
        `DUPLICATE_VALUE: duplicate value found: External_ID__c duplicates value on record with id: ${sfid}`,
    },
    {
      weight: 12,
      message: () => 'INVALID_CROSS_REFERENCE_KEY: invalid cross reference id',
    },
    {
      weight: 10,
      message: () =>
        'STRING_TOO_LONG: Phone: data value too large: +1 555 0100 extension 4471 ask for billing (max length=40)',
    },
    {
      weight: 12,
      message: (_t, sfid) =>
        `UNABLE_TO_LOCK_ROW: unable to obtain exclusive access to this record or 1 records: ${sfid}`,
    },
    { weight: 5, message: () => 'REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.' },
    { weight: 4, message: () => 'INVALID_SESSION_ID: Session expired or invalid' },
    { weight: 3, message: () => 'ENTITY_IS_DELETED: entity is deleted' },
  ];
const FAILURE_WEIGHT = FAILURES.reduce((sum, f) => sum + f.weight, 0);

/** mulberry32: the same log every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The record's 18-character Salesforce Id (the same one every time it is changed). */
export function fillSfid(table: FillTable, recordId: number): string {
  return `${KEY_PREFIX[table]}${recordId.toString(36).padStart(12, '0')}AAA`;
}

const CITIES = ['Austin', 'Berlin', 'Lyon', 'Osaka', 'Porto', 'Leeds', 'Quito'];
const STAGES = ['Prospecting', 'Qualification', 'Proposal', 'Negotiation', 'Closed Won'];

/** The mapped row's columns as the capture trigger writes them into hstore. */
function rowValues(
  table: FillTable,
  id: number,
  sfid: string | null,
): Array<[string, string | null]> {
  const common: Array<[string, string | null]> = [
    ['id', String(id)],
    ['sfid', sfid],
    ['isdeleted', 'f'],
    ['systemmodstamp', sfid ? '2025-05-01 09:30:00' : null],
  ];
  switch (table) {
    case 'account':
      return [
        ...common,
        ['name', `Account ${id} ${CITIES[id % CITIES.length]}`],
        ['phone', `+1 555 01${String(id % 10_000).padStart(4, '0')}`],
        ['industry', ['Retail', 'Energy', 'Media', 'Banking'][id % 4]!],
        ['type', id % 3 === 0 ? 'Partner' : 'Customer'],
        ['website', `https://account${id}.example.com`],
        ['annualrevenue', String((id % 97) * 125_000)],
        ['numberofemployees', String(10 + (id % 4000))],
        ['external_id__c', `acc-${id}`],
      ];
    case 'contact':
      return [
        ...common,
        ['firstname', `First${id % 977}`],
        ['lastname', `Last${id}`],
        ['email', `person${id}@example.com`],
        ['phone', `+1 555 02${String(id % 10_000).padStart(4, '0')}`],
        ['title', id % 5 === 0 ? '' : 'Buyer'],
        ['external_id__c', `con-${id}`],
        ['accountid', fillSfid('account', 1 + (id % 50_000))],
      ];
    case 'opportunity':
      return [
        ...common,
        ['name', `Deal ${id}`],
        ['stagename', STAGES[id % STAGES.length]!],
        ['amount', String((id % 400) * 250)],
        ['closedate', `2025-0${1 + (id % 9)}-1${id % 10}`],
        ['probability', String((id % 10) * 10)],
        ['accountid', fillSfid('account', 1 + (id % 50_000))],
      ];
  }
}

function hstore(pairs: ReadonlyArray<[string, string | null]>): string {
  return pairs
    .map(([k, v]) => `"${k}"=>${v === null ? 'NULL' : `"${v.replace(/(["\\])/g, '\\$1')}"`}`)
    .join(', ');
}

/** COPY text format: tab-separated, \N for NULL, backslashes, tabs and newlines escaped. */
function field(value: string | number | null): string {
  if (value === null) return '\\N';
  return String(value).replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}

const COLUMNS =
  'id, txid, created_at, updated_at, processed_at, processed_tx, state, action, table_name, ' +
  'record_id, sfid, old, "values", sf_result, sf_message';

/** The lines of rows [from, to) (0 = the oldest), as COPY reads them. */
function* lines(fill: TriggerLogFill, from: number, to: number): Generator<string> {
  const span = 30 * 86_400_000;
  const oldest = fill.newest.getTime() - span;
  const next = random(0x7109 + from);
  const chunk: string[] = [];
  for (let i = from; i < to; i++) {
    const id = i + 1;
    const created = oldest + (span * i) / (fill.rows - 1) + next() * 1500;
    const rt = next();
    const table: FillTable = rt < 0.3 ? 'account' : rt < 0.75 ? 'contact' : 'opportunity';
    const ra = next();
    const action = ra < 0.35 ? 'INSERT' : ra < 0.92 ? 'UPDATE' : 'DELETE';
    const recordId = 1 + Math.floor(next() * 120_000);
    const sfid = fillSfid(table, recordId);
    const fromHead = fill.rows - 1 - i;
    const rs = next();
    let state: string;
    if (fromHead < 1000) state = 'NEW';
    else if (fromHead < 1500) state = 'PENDING';
    else if (i % RARE_EVERY === 4242) state = 'FAILED';
    else state = rs < 0.97 ? 'SUCCESS' : rs < 0.99 ? 'FAILED' : rs < 0.996 ? 'IGNORED' : 'MERGED';
    const processed = state !== 'NEW' && state !== 'PENDING';
    const lag = 2000 + next() * 118_000;
    let message: string | null = null;
    if (state === 'FAILED') {
      if (i % RARE_EVERY === 4242) message = RARE_MESSAGE;
      else {
        let pick = next() * FAILURE_WEIGHT;
        const failure = FAILURES.find((f) => (pick -= f.weight) < 0) ?? FAILURES[0]!;
        message = failure.message(table, sfid);
      }
    }
    // An INSERT's record has no sfid until Salesforce accepted it.
    const rowSfid = action === 'INSERT' && state !== 'SUCCESS' ? null : sfid;
    const full = rowValues(table, recordId, action === 'INSERT' ? null : sfid);
    let values: string | null;
    let old: string | null;
    if (action === 'INSERT') {
      values = hstore(full);
      old = null;
    } else if (action === 'UPDATE') {
      const changed = full.filter(
        ([k]) => !['id', 'sfid', 'isdeleted', 'systemmodstamp'].includes(k),
      );
      const n = 1 + Math.floor(next() * 3);
      const start = Math.floor(next() * changed.length);
      const touched = Array.from({ length: n }, (_, k) => changed[(start + k) % changed.length]!);
      values = hstore(
        touched.map(([k, v]) => [
          k,
          k === 'amount' && state === 'FAILED' ? '-5' : v === null ? 'x' : `${v} (edited)`,
        ]),
      );
      old = hstore(full);
    } else {
      values = null;
      old = hstore(full);
    }
    chunk.push(
      [
        id,
        5000 + Math.floor(i / 3),
        new Date(created).toISOString(),
        new Date(processed ? created + lag : created).toISOString(),
        processed ? new Date(created + lag).toISOString() : null,
        processed ? 900_000 + Math.floor(i / 200) : null,
        state,
        action,
        table,
        recordId,
        rowSfid,
        old,
        values,
        state === 'FAILED' ? 400 : null,
        message,
      ]
        .map(field)
        .join('\t') + '\n',
    );
    if (chunk.length === 5000) {
      yield chunk.join('');
      chunk.length = 0;
    }
  }
  if (chunk.length) yield chunk.join('');
}

/** Fills `<schema>._trigger_log` and its archive; answers how long it took. */
export async function fillTriggerLog(
  pool: pg.Pool,
  schemaName: string,
  fill: TriggerLogFill,
): Promise<number> {
  const started = performance.now();
  const live = qualifiedName(schemaName, '_trigger_log');
  const archive = qualifiedName(schemaName, '_trigger_log_archive');
  const archived = fill.rows - fill.liveRows;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // History, not changes to send: no NOTIFY per row (nothing listens to these).
    await client.query(`ALTER TABLE ${live} DISABLE TRIGGER tlog_insert_trigger`);
    await pipeline(
      Readable.from(lines(fill, 0, archived)),
      client.query(copyFrom(`COPY ${archive} (${COLUMNS}) FROM STDIN`)),
    );
    await pipeline(
      Readable.from(lines(fill, archived, fill.rows)),
      client.query(copyFrom(`COPY ${live} (${COLUMNS}) FROM STDIN`)),
    );
    await client.query(`ALTER TABLE ${live} ENABLE TRIGGER tlog_insert_trigger`);
    await client.query(`SELECT setval(pg_get_serial_sequence($1, 'id'), $2)`, [live, fill.rows]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
  await pool.query(`VACUUM ANALYZE ${live}`);
  await pool.query(`VACUUM ANALYZE ${archive}`);
  return performance.now() - started;
}
