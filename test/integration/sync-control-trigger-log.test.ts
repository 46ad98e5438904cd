// The trigger-log inspector's backend end to end through a studio's router, on a real embedded
// Postgres and the local org: a log written row by row (so every filter and page can be checked
// against the rows themselves), the studio's own engine failing and retrying real writes, and a
// Heroku-Connect-style schema read through a SELECT-only role.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TriggerLogDetail,
  TriggerLogRow,
  TriggerLogSummary,
  type ApiResult,
  type TriggerLogFilterJson,
} from '../../src-shared/api';
import { createTriggerLogWatch } from '../../src-main/sync-control/trigger-log-watch';
import { useEmbeddedPostgres } from '../support/embedded-postgres';
import { useLocalOrg } from '../support/local-org';
import {
  accountContactMappings,
  createSyncWorld,
  syncMapping,
  type SyncWorld,
} from '../support/sync-world';
import { waitFor } from '../support/wait-for';
import { openExploreStudio, useDatabase, useOrg, type ExploreStudio } from './explore-studio';

const postgres = useEmbeddedPostgres();
const local = useLocalOrg({ seed: 'empty' });

let s: ExploreStudio;
const worlds: SyncWorld[] = [];
/** A superuser pool of the test's own, for setup and for looking behind the studio's back. */
let admin: pg.Pool;

beforeAll(async () => {
  s = openExploreStudio();
  await useOrg(s, local().org);
  admin = new pg.Pool({ connectionString: postgres().url, max: 2 });
});
afterAll(async () => {
  await s?.close();
  for (const world of worlds) await world.close();
  await admin?.end();
});

const list = async (filter: TriggerLogFilterJson, limit = 200, beforeId?: number) => {
  const result = await s.call('triggerLog.list', {
    filter: { source: 'both', ...filter },
    limit,
    ...(beforeId !== undefined ? { beforeId } : {}),
  });
  for (const row of result.rows) TriggerLogRow.parse(row);
  return result;
};
const ids = (rows: Array<{ id: number }>) => rows.map((r) => r.id);

// ---------------------------------------------------------------------------------------------

/** One synthetic log row: what the test writes and what a filter is checked against. */
interface LogRow {
  id: number;
  source: 'live' | 'archive';
  createdAt: Date;
  state: string;
  action: 'INSERT' | 'UPDATE' | 'DELETE';
  table: 'account' | 'contact';
  recordId: number;
  sfid: string | null;
  message: string | null;
  values: string | null;
  old: string | null;
}

const BASE = Date.parse('2024-05-01T00:00:00Z');
const MESSAGES = [
  'REQUIRED_FIELD_MISSING: Required fields are missing: [LastName]',
  'FIELD_CUSTOM_VALIDATION_EXCEPTION: 100% of deals need an owner',
];
const sfidOf = (table: string, recordId: number) =>
  `${table === 'account' ? '001' : '003'}5g0${String(recordId).padStart(9, '0')}AAA`;

/** 60 rows: ids 1–36 archived, 37–60 live; every 10th FAILED, every 7th live one NEW. */
function syntheticLog(): LogRow[] {
  const rows: LogRow[] = [];
  for (let id = 1; id <= 60; id++) {
    const source = id <= 36 ? 'archive' : 'live';
    const table = id % 2 === 0 ? 'account' : 'contact';
    const action = (['INSERT', 'UPDATE', 'DELETE'] as const)[id % 3]!;
    const recordId = (id % 5) + 1;
    const state = id % 10 === 0 ? 'FAILED' : source === 'live' && id % 7 === 0 ? 'NEW' : 'SUCCESS';
    rows.push({
      id,
      source,
      // Minutes apart, but row 30 is captured after row 31 (ids are not the order).
      createdAt: new Date(BASE + (id === 30 ? 31.5 : id) * 60_000),
      state,
      action,
      table,
      recordId,
      sfid: action === 'INSERT' ? null : sfidOf(table, recordId),
      message: state === 'FAILED' ? MESSAGES[(id / 10) % 2]! : null,
      // As the log trigger writes them: an INSERT's whole row, an UPDATE's changed columns.
      values:
        action === 'DELETE'
          ? null
          : action === 'UPDATE'
            ? `"lastname"=>"Needle ${id}"`
            : `"email"=>"p${id}@example.com", "lastname"=>"Needle ${id}", "id"=>"${recordId}"`,
      old:
        action === 'INSERT'
          ? null
          : `"email"=>"p${id}@example.com", "lastname"=>"Old ${id}", "id"=>"${recordId}"`,
    });
  }
  return rows;
}

async function writeLog(schemaName: string, rows: readonly LogRow[]): Promise<void> {
  for (const row of rows) {
    await admin.query(
      `INSERT INTO "${schemaName}".${row.source === 'live' ? '_trigger_log' : '_trigger_log_archive'}
         (id, txid, created_at, updated_at, processed_at, state, action, table_name, record_id,
          sfid, old, "values", sf_message)
       VALUES ($1, 1, $2, $2, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        row.id,
        row.createdAt,
        row.state,
        row.action,
        row.table,
        row.recordId,
        row.sfid,
        row.old,
        row.values,
        row.message,
      ],
    );
  }
  await admin.query(`SELECT setval('"${schemaName}"._trigger_log_id_seq', 1000)`);
}

/** Mapped contacts 1–5 with the sfids the log's rows carry (written unlogged, as the engine). */
async function writeContacts(schemaName: string): Promise<void> {
  const client = await admin.connect();
  try {
    await client.query(`SET xmlbinary = 'hex'`);
    for (let id = 1; id <= 5; id++) {
      await client.query(
        `INSERT INTO "${schemaName}".contact (id, sfid, lastname, email) VALUES ($1, $2, $3, $4)`,
        [id, sfidOf('contact', id), `Contact ${id}`, `c${id}@example.com`],
      );
    }
  } finally {
    client.release();
  }
}

/** `columns` in the order of the table's columns. */
async function tableOrder(schemaName: string, table: string, columns: string[]) {
  const result = await admin.query<{ name: string }>(
    `SELECT column_name AS name FROM information_schema.columns
      WHERE table_schema = $1 AND table_name = $2 AND column_name = ANY($3)
      ORDER BY ordinal_position`,
    [schemaName, table, columns],
  );
  return result.rows.map((r) => r.name);
}

/** What a filter should answer, from the rows themselves: newest first. */
function expected(rows: readonly LogRow[], filter: TriggerLogFilterJson): number[] {
  const sfid = filter.sfid;
  return rows
    .filter((r) => {
      if (filter.source === 'live' && r.source !== 'live') return false;
      if (filter.source === 'archive' && r.source !== 'archive') return false;
      if (filter.states?.length && !filter.states.includes(r.state as never)) return false;
      if (filter.table && r.table !== filter.table) return false;
      if (filter.action && r.action !== filter.action) return false;
      if (filter.since && r.createdAt.getTime() < Date.parse(filter.since)) return false;
      if (filter.until && r.createdAt.getTime() >= Date.parse(filter.until)) return false;
      if (filter.text && !(r.message ?? '').toLowerCase().includes(filter.text.toLowerCase()))
        return false;
      if (filter.recordId !== undefined && r.recordId !== filter.recordId) return false;
      if (sfid !== undefined) {
        const full = sfid.length === 15 ? `${sfid}AAA` : sfid;
        // The rows of the record that has the Id (contacts are mapped), or had it when a DELETE
        // (carrying it) removed it; and the rows that carry it: on the live log those the
        // partial sfid index holds (a DELETE, a settled row that did not succeed).
        const mapped = r.table === 'contact' && sfidOf('contact', r.recordId) === full;
        const deleted = rows.some(
          (d) =>
            d.action === 'DELETE' &&
            d.sfid === full &&
            d.table === r.table &&
            d.recordId === r.recordId,
        );
        const carries =
          r.sfid === full &&
          (r.source === 'archive' ||
            r.action === 'DELETE' ||
            !['NEW', 'PENDING', 'SUCCESS'].includes(r.state));
        if (!carries && !mapped && !deleted) return false;
      }
      return true;
    })
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id)
    .map((r) => r.id);
}

const FILTERS: TriggerLogFilterJson[] = [
  {},
  { source: 'live' },
  { source: 'archive' },
  { states: ['FAILED'] },
  { states: ['NEW'] },
  { states: ['FAILED', 'NEW'], source: 'live' },
  { states: ['SUCCESS', 'FAILED'], table: 'contact' },
  { table: 'account' },
  { action: 'DELETE' },
  { action: 'INSERT', source: 'archive' },
  { since: '2024-05-01T00:20:00Z' },
  { until: '2024-05-01T00:20:00Z' },
  { since: '2024-05-01T00:25:00Z', until: '2024-05-01T00:45:00Z' },
  // Text is looked for in the org's message only: the values hold "needle", no message does.
  { text: 'needle' },
  { text: 'required' },
  { text: 'REQUIRED fields' },
  { text: '100%' },
  { text: '0%' },
  { recordId: 3 },
  { recordId: 3, table: 'contact', source: 'live' },
  { sfid: sfidOf('account', 2) },
  // A mapped contact: its INSERT rows (no sfid on the log row) belong to it too.
  { sfid: sfidOf('contact', 2) },
  { sfid: sfidOf('contact', 2).slice(0, 15) },
  { sfid: '0035g0000000099AAA' },
  { states: ['FAILED'], table: 'account', action: 'INSERT' },
  { states: ['SUCCESS'], since: '2024-05-01T00:30:00Z', text: '' },
  { table: 'contact', action: 'UPDATE', until: '2024-05-01T00:50:00Z', source: 'archive' },
];

describe('reading the log', () => {
  const rows = syntheticLog();
  let synthProfile: string;
  let databaseUrl: string;

  beforeAll(async () => {
    databaseUrl = postgres().url;
    const world = await createSyncWorld({
      org: local().org,
      databaseUrl,
      mappings: accountContactMappings(),
      schemaName: 'inspect_synth',
    });
    worlds.push(world);
    await writeLog(world.schemaName, rows);
    await writeContacts(world.schemaName);
    synthProfile = await useDatabase(s, databaseUrl, 'inspect_synth');
  });

  it('a schema without a trigger log answers NOT_FOUND, saying what to do', async () => {
    await useDatabase(s, databaseUrl, 'inspect_nothing');
    for (const failure of [
      await s.fail('triggerLog.summary', {}),
      await s.fail('triggerLog.list', { filter: { source: 'both' }, limit: 10 }),
    ]) {
      expect(failure.code).toBe('NOT_FOUND');
      expect(failure.message).toContain('inspect_nothing has no trigger log');
      expect(failure.message).toContain('Mappings');
    }
    await s.call('settings.set', { activeDbProfileId: synthProfile });
  });

  it('lists newest first across the live log and the archive, for every filter alone and combined', async () => {
    for (const filter of FILTERS) {
      const page = await list(filter);
      expect(ids(page.rows), JSON.stringify(filter)).toEqual(expected(rows, filter));
      expect(page.hasMore).toBe(false);
      expect(page.durationMs).toBeGreaterThanOrEqual(0);
    }
    // The filters are not vacuous: each answers something, and not everything.
    const sizes = FILTERS.map((f) => expected(rows, f).length);
    expect(sizes.filter((n) => n > 0 && n < rows.length).length).toBeGreaterThan(20);
    expect(expected(rows, { text: 'needle' })).toEqual([]);
    expect(expected(rows, { sfid: sfidOf('contact', 2) }).length).toBeGreaterThan(
      rows.filter((r) => r.sfid === sfidOf('contact', 2)).length,
    );
  });

  it('answers the rows in the grid shape, times in UTC ISO', async () => {
    const {
      rows: [row],
    } = await list({ states: ['FAILED'], source: 'archive' }, 1);
    const source = rows.find((r) => r.id === row!.id)!;
    expect(row).toEqual({
      id: source.id,
      state: 'FAILED',
      action: source.action,
      table: source.table,
      recordId: source.recordId,
      sfid: source.sfid,
      createdAt: source.createdAt.toISOString(),
      updatedAt: source.createdAt.toISOString(),
      processedAt: source.createdAt.toISOString(),
      message: source.message,
      source: 'archive',
    });
  });

  it('pages with beforeId walk each selection once, across both tables, with hasMore', async () => {
    const filters: TriggerLogFilterJson[] = [
      {},
      { states: ['FAILED', 'SUCCESS'] },
      { table: 'contact' },
    ];
    for (const filter of filters) {
      const want = expected(rows, filter);
      const seen: number[] = [];
      let beforeId: number | undefined;
      for (let pages = 0; pages < 20; pages++) {
        const page = await list(filter, 7, beforeId);
        seen.push(...ids(page.rows));
        expect(page.hasMore).toBe(seen.length < want.length);
        if (!page.hasMore) break;
        beforeId = page.rows.at(-1)!.id;
      }
      expect(seen).toEqual(want);
    }
    // A page exactly as long as what is left says there is no more.
    const all = expected(rows, { states: ['FAILED'] });
    const exact = await list({ states: ['FAILED'] }, all.length);
    expect(exact.hasMore).toBe(false);
    expect((await list({ states: ['FAILED'] }, all.length - 1)).hasMore).toBe(true);
  });

  it('a bad filter is refused with a sentence', async () => {
    const refused = await s.fail('triggerLog.list', {
      filter: { source: 'both', since: 'yesterday' },
      limit: 10,
    });
    expect(refused.code).toBe('BAD_PARAMS');
    expect(refused.message).toContain('"yesterday" is not a time');
  });

  it('rows(ids) answers the rows as they are now, wherever they are', async () => {
    expect(rows.find((r) => r.id === 40)?.state).toBe('FAILED');
    await admin.query(`UPDATE inspect_synth._trigger_log SET state = 'IGNORED' WHERE id = 40`);
    const { rows: found } = await s.call('triggerLog.rows', { ids: [40, 5, 999] });
    expect(found.map((r) => [r.id, r.state, r.source])).toEqual([
      [5, 'SUCCESS', 'archive'],
      [40, 'IGNORED', 'live'],
    ]);
    await admin.query(`UPDATE inspect_synth._trigger_log SET state = 'FAILED' WHERE id = 40`);
  });

  it('summary: rows per state of each table, the mapped tables, no engine', async () => {
    const summary = TriggerLogSummary.parse(await s.call('triggerLog.summary', {}));
    const count = (source: 'live' | 'archive') => {
      const counts: Record<string, number> = {};
      for (const r of rows) if (r.source === source) counts[r.state] = (counts[r.state] ?? 0) + 1;
      return counts;
    };
    expect(summary).toEqual({
      schemaName: 'inspect_synth',
      live: count('live'),
      archive: count('archive'),
      tables: ['account', 'contact'],
      engineRunning: false,
      writeAlgorithm: 'merged',
    });
  });

  it('detail: an UPDATE column by column in the table order, the row now, the org has no such record', async () => {
    const update = rows.find(
      (r) => r.action === 'UPDATE' && r.table === 'contact' && r.state === 'SUCCESS',
    )!;
    const detail = TriggerLogDetail.parse(await s.call('triggerLog.detail', { id: update.id }));
    expect(detail.row).toMatchObject({ id: update.id, action: 'UPDATE', source: update.source });
    // The table's column order (id, …, lastname, email), not the hstore's (email, lastname, id).
    expect(await tableOrder('inspect_synth', 'contact', ['email', 'lastname', 'id'])).toEqual([
      'id',
      'lastname',
      'email',
    ]);
    expect(detail.change).toEqual([
      { column: 'id', old: String(update.recordId), new: String(update.recordId), changed: false },
      { column: 'lastname', old: `Old ${update.id}`, new: `Needle ${update.id}`, changed: true },
      {
        column: 'email',
        old: `p${update.id}@example.com`,
        new: `p${update.id}@example.com`,
        changed: false,
      },
    ]);
    expect(detail.objectName).toBe('Contact');
    expect(detail.postgresRow).toMatchObject({
      id: update.recordId,
      sfid: sfidOf('contact', update.recordId),
      lastname: `Contact ${update.recordId}`,
      _hc_lastop: 'SYNCED',
    });
    expect(detail.hcLastop).toBe('SYNCED');
    expect(detail.explanation).toBeNull();
    expect(detail.salesforce.record).toBeNull();
    expect(detail.salesforce.note).toContain(`The org has no Contact ${update.sfid}`);
    expect(detail.salesforce.soql).toMatch(
      new RegExp(`^SELECT Id, .*LastName.* FROM Contact WHERE Id = '${update.sfid}'$`),
    );
    // The relationship external-ID column is read through its relationship.
    expect(detail.salesforce.soql).toContain('Account.External_ID__c');

    const missing = await s.fail('triggerLog.detail', { id: 999 });
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toContain('Trigger-log row 999 is not in inspect_synth._trigger_log');
  });

  it('detail without an org, or when the org fails, says why beside the SOQL', async () => {
    const update = rows.find((r) => r.action === 'UPDATE' && r.table === 'contact')!;
    const orgProfile = (await s.call('settings.get', {})).activeOrgProfileId;
    await s.call('settings.set', { activeOrgProfileId: null });
    try {
      const detail = TriggerLogDetail.parse(await s.call('triggerLog.detail', { id: update.id }));
      expect(detail.salesforce.record).toBeNull();
      expect(detail.salesforce.note).toBe(
        'No org is active: choose one in Connections to see the Salesforce record beside the row.',
      );
      // Without a describe the relationship column is still read through its relationship.
      expect(detail.salesforce.soql).toContain('Account.External_ID__c');
      expect(detail.salesforce.soql).toContain(`FROM Contact WHERE Id = '${update.sfid}'`);
    } finally {
      await s.call('settings.set', { activeOrgProfileId: orgProfile });
    }

    // A busy org (jsforce retries 503s for ~15 s): the detail answers within its wait.
    local().org.faults.set({ unavailable: { count: 20 } });
    try {
      const started = Date.now();
      const detail = TriggerLogDetail.parse(await s.call('triggerLog.detail', { id: update.id }));
      expect(Date.now() - started).toBeLessThan(7_000);
      expect(detail.salesforce.record).toBeNull();
      expect(detail.salesforce.note).toMatch(/^The org did not answer within 5 s/);
      expect(detail.salesforce.soql).toContain('FROM Contact');
      expect(detail.postgresRow).not.toBeNull();
    } finally {
      local().org.faults.set({});
    }
    // An org that refuses: its reason.
    const other = await s.call('profiles.save', {
      kind: 'salesforce',
      name: 'Expired org',
      auth: { method: 'token', instanceUrl: local().org.instanceUrl, accessToken: 'expired' },
    });
    await s.call('settings.set', { activeOrgProfileId: other.id });
    try {
      const detail = TriggerLogDetail.parse(await s.call('triggerLog.detail', { id: update.id }));
      expect(detail.salesforce.record).toBeNull();
      expect(detail.salesforce.note).toMatch(
        /^The org (refused to read the record|could not be reached): /,
      );
      expect(detail.salesforce.soql).toContain('FROM Contact');
    } finally {
      local().org.faults.set({});
      await s.call('settings.set', { activeOrgProfileId: orgProfile });
    }
  });

  it('detail of an UPDATE marks only the columns in values as changed', async () => {
    await admin.query(
      `INSERT INTO inspect_synth._trigger_log
         (id, txid, created_at, state, action, table_name, record_id, sfid, old, "values", sf_message)
       VALUES (500, 7, '2024-05-02T00:00:00Z', 'FAILED', 'UPDATE', 'contact', 2, $1,
               '"id"=>"2", "email"=>"c2@example.com", "lastname"=>"Contact 2"', '"email"=>NULL',
               'REQUIRED_FIELD_MISSING: Required fields are missing: [Email]')`,
      [sfidOf('contact', 2)],
    );
    const detail = TriggerLogDetail.parse(await s.call('triggerLog.detail', { id: 500 }));
    expect(detail.change).toEqual([
      { column: 'id', old: '2', new: '2', changed: false },
      { column: 'lastname', old: 'Contact 2', new: 'Contact 2', changed: false },
      { column: 'email', old: 'c2@example.com', new: null, changed: true },
    ]);
    expect(detail.row).toMatchObject({ txid: 7, state: 'FAILED' });
    expect(detail.explanation).toMatchObject({
      code: 'REQUIRED_FIELD_MISSING',
      fields: ['Email'],
      transient: false,
    });
    expect(detail.explanation!.fix).toContain('email column');
    await admin.query(`DELETE FROM inspect_synth._trigger_log WHERE id = 500`);
  });
});

// ---------------------------------------------------------------------------------------------

describe('rows per state of a big log', () => {
  it('counts the states other than SUCCESS exactly and SUCCESS from the estimate', async () => {
    const world = await createSyncWorld({
      org: local().org,
      databaseUrl: postgres().url,
      mappings: accountContactMappings(),
      schemaName: 'inspect_big',
    });
    worlds.push(world);
    // 80,000 archived rows (every 50th FAILED, every 1,000th IGNORED), 10 live NEW ones.
    await admin.query(
      `INSERT INTO inspect_big._trigger_log_archive (id, created_at, state, action, table_name, record_id)
       SELECT i, now() - interval '1 second' * i,
              CASE WHEN i % 1000 = 0 THEN 'IGNORED' WHEN i % 50 = 0 THEN 'FAILED' ELSE 'SUCCESS' END,
              'UPDATE', 'account', i
         FROM generate_series(1, 80000) AS i`,
    );
    await admin.query(
      `INSERT INTO inspect_big._trigger_log (created_at, state, action, table_name, record_id)
       SELECT now(), 'NEW', 'INSERT', 'contact', i FROM generate_series(1, 10) AS i`,
    );
    await admin.query('ANALYZE inspect_big._trigger_log_archive');
    await useDatabase(s, postgres().url, 'inspect_big');
    const summary = await s.call('triggerLog.summary', {});
    expect(summary.live).toEqual({ NEW: 10 });
    expect(summary.archive.FAILED).toBe(1600 - 80);
    expect(summary.archive.IGNORED).toBe(80);
    const success = summary.archive.SUCCESS ?? 0;
    expect(Math.abs(success - 78_400) / 78_400).toBeLessThan(0.05);
  });
});

describe('the live-update watch', () => {
  it('listens on the schema in use, follows a new target, throttles bursts and lets go when idle', async () => {
    const captured: string[] = [];
    const watch = createTriggerLogWatch({
      onCaptured: (schemaName) => captured.push(schemaName),
      log: () => {},
      idleMs: 1_500,
      throttleMs: 250,
    });
    const target = (schemaName: string) => ({
      key: schemaName,
      url: postgres().url,
      schemaName,
    });
    const capture = (schemaName: string) =>
      admin.query(
        `INSERT INTO "${schemaName}"._trigger_log (state, action, table_name, record_id)
         VALUES ('NEW', 'INSERT', 'account', 1)`,
      );
    try {
      watch.use(target('inspect_synth'));
      await waitFor(
        'listening',
        async () => watch.listening(),
        (l) => l === 'inspect_synth',
      );
      // A burst of 20 captures within ~0.1 s: one call now, one trailing.
      await Promise.all(Array.from({ length: 20 }, () => capture('inspect_synth')));
      await waitFor(
        'the burst seen',
        async () => captured.length,
        (n) => n >= 1,
      );
      await new Promise((r) => setTimeout(r, 600));
      expect(captured.length).toBeGreaterThanOrEqual(1);
      expect(captured.length).toBeLessThanOrEqual(2);
      expect(new Set(captured)).toEqual(new Set(['inspect_synth']));

      watch.use(target('inspect_big'));
      await waitFor(
        'moved',
        async () => watch.listening(),
        (l) => l === 'inspect_big',
      );
      captured.length = 0;
      await capture('inspect_synth');
      await capture('inspect_big');
      await waitFor(
        'the new schema seen',
        async () => captured.length,
        (n) => n >= 1,
      );
      await new Promise((r) => setTimeout(r, 300));
      expect(captured).toEqual(['inspect_big']);

      // Nobody looked for longer than the idle time: the connection is let go.
      await waitFor(
        'released',
        async () => watch.listening(),
        (l) => l === null,
        10_000,
      );
      expect(watch.inUse()).toBe(false);
    } finally {
      await watch.close();
    }
    expect(watch.listening()).toBeNull();
  });
});

describe("with the studio's engine", () => {
  let world: SyncWorld;
  let app: pg.Pool;

  const state = async (id: number) =>
    (await s.call('triggerLog.rows', { ids: [id] })).rows[0]?.state;

  /** The newest row of a table's record, once it is in one of `states`. */
  async function rowOf(table: string, recordId: number, states: string[]) {
    const found = await waitFor(
      `a ${states.join('/')} row of ${table} ${recordId}`,
      () => list({ table, recordId, source: 'live' }),
      (page) => page.rows.some((r) => states.includes(r.state)),
    );
    return found.rows.find((r) => states.includes(r.state))!;
  }

  async function insert(sql: string, values: unknown[]): Promise<number> {
    const result = await app.query<{ id: number }>(`${sql} RETURNING id`, values);
    return result.rows[0]!.id;
  }

  beforeAll(async () => {
    world = await createSyncWorld({
      org: local().org,
      databaseUrl: postgres().url,
      schemaName: 'inspect_engine',
      mappings: [
        syncMapping('Account', ['Name', 'External_ID__c'], {
          access: 'read_write',
          upsertField: 'External_ID__c',
        }),
        syncMapping('Opportunity', ['Name', 'StageName', 'CloseDate', 'Amount'], {
          access: 'read_write',
        }),
      ],
    });
    worlds.push(world);
    app = world.pool;
    await useDatabase(s, postgres().url, 'inspect_engine');
    await s.call('sync.start', {});
    await waitFor(
      'the engine running',
      () => s.call('sync.status', {}),
      (st) => st.engine === 'running',
    );
  });

  afterAll(async () => {
    await s.call('sync.stop', {}).catch(() => {});
    local().org.faults.set({});
  });

  it('a capture is pushed as triggerLog.changed {captured} while the inspector is in use', async () => {
    await s.call('triggerLog.summary', {});
    let caught: ApiResult<'triggerLog.summary'> | undefined;
    for (let attempt = 1; attempt <= 5 && !caught; attempt++) {
      const event = s.nextEvent(
        'triggerLog.changed',
        (e) => e.reason === 'captured' && e.schemaName === 'inspect_engine',
        2_000,
      );
      await insert(`INSERT INTO inspect_engine.account (name, external_id__c) VALUES ($1, $2)`, [
        `Captured ${attempt}`,
        `cap-${attempt}`,
      ]);
      caught = await event.then(
        () => s.call('triggerLog.summary', {}),
        () => undefined,
      );
    }
    expect(caught?.engineRunning).toBe(true);
    expect(caught?.writeAlgorithm).toBe('merged');
  });

  it('a write the org refuses is FAILED, and its detail explains it', async () => {
    const recordId = await insert(
      `INSERT INTO inspect_engine.opportunity (name, stagename, closedate, amount)
       VALUES ('Bad deal', 'Prospecting', '2025-01-31', -5)`,
      [],
    );
    const failed = await rowOf('opportunity', recordId, ['FAILED']);
    expect(failed.message).toBe('FIELD_CUSTOM_VALIDATION_EXCEPTION: Amount must not be negative');
    expect(ids((await list({ states: ['FAILED'], text: 'must not be NEG' })).rows)).toContain(
      failed.id,
    );

    const detail = TriggerLogDetail.parse(await s.call('triggerLog.detail', { id: failed.id }));
    expect(detail.objectName).toBe('Opportunity');
    expect(detail.explanation).toMatchObject({
      code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      title: 'A validation rule refused the record',
      transient: false,
    });
    expect(detail.explanation!.explanation).toContain('Amount must not be negative');
    expect(detail.change.find((c) => c.column === 'amount')).toEqual({
      column: 'amount',
      old: null,
      new: '-5',
      changed: true,
    });
    expect(detail.change.every((c) => c.changed && c.old === null)).toBe(true);
    expect(detail.postgresRow).toMatchObject({ id: recordId, amount: -5, closedate: '2025-01-31' });
    expect(detail.hcLastop).toBe('FAILED');
    expect(detail.hcErr).toContain('Amount must not be negative');
    expect(detail.salesforce).toEqual({
      record: null,
      note: 'The row has no Salesforce Id: this Opportunity never reached Salesforce.',
      soql: null,
    });
    // Counts are kept a few seconds, and read again once the engine says it wrote.
    await waitFor(
      'the FAILED row counted',
      () => s.call('triggerLog.summary', {}),
      (summary) => (summary.live.FAILED ?? 0) >= 1,
      5_000,
    );
  });

  it('the detail of a written row fetches the Salesforce record beside it', async () => {
    const recordId = await insert(
      `INSERT INTO inspect_engine.account (name, external_id__c) VALUES ('Globex', 'globex-1')`,
      [],
    );
    await rowOf('account', recordId, ['SUCCESS']);
    await app.query(`UPDATE inspect_engine.account SET name = 'Globex Corp' WHERE id = $1`, [
      recordId,
    ]);
    const updated = await waitFor(
      'the UPDATE written',
      () => list({ table: 'account', recordId, action: 'UPDATE' }),
      (page) => page.rows[0]?.state === 'SUCCESS',
    );
    const detail = TriggerLogDetail.parse(
      await s.call('triggerLog.detail', { id: updated.rows[0]!.id }),
    );
    const sfid = detail.postgresRow!.sfid as string;
    expect(sfid).toMatch(/^001/);
    expect(detail.change.filter((c) => c.changed)).toEqual([
      { column: 'name', old: 'Globex', new: 'Globex Corp', changed: true },
    ]);
    expect(detail.salesforce.note).toBeNull();
    expect(detail.salesforce.record).toMatchObject({
      Id: sfid,
      Name: 'Globex Corp',
      External_ID__c: 'globex-1',
      IsDeleted: false,
    });
    expect(detail.salesforce.soql).toBe(
      `SELECT Id, IsDeleted, SystemModstamp, CreatedDate, Name, External_ID__c FROM Account WHERE Id = '${sfid}'`,
    );
    // The sfid filter finds the record's INSERT row too (its log row has no sfid).
    const bySfid = await list({ sfid });
    expect(bySfid.rows.map((r) => r.action).sort()).toEqual(['INSERT', 'UPDATE']);

    await app.query(`DELETE FROM inspect_engine.account WHERE id = $1`, [recordId]);
    const deleted = await waitFor(
      'the DELETE written',
      () => list({ table: 'account', recordId, action: 'DELETE' }),
      (page) => page.rows[0]?.state === 'SUCCESS',
    );
    const gone = TriggerLogDetail.parse(
      await s.call('triggerLog.detail', { id: deleted.rows[0]!.id }),
    );
    expect(gone.change.find((c) => c.column === 'name')).toEqual({
      column: 'name',
      old: 'Globex Corp',
      new: null,
      changed: true,
    });
    expect(gone.postgresRow).toBeNull();
    expect(gone.hcLastop).toBeNull();
    expect(gone.salesforce.record).toBeNull();
    expect(gone.salesforce.note).toBe(
      `Account ${sfid} is deleted in Salesforce (it is in the recycle bin).`,
    );
  });

  it('retry sends a FAILED row again and it turns SUCCESS; the refusals say why', async () => {
    local().org.faults.set({
      writes: { errorCode: 'DUPLICATES_DETECTED', message: 'Use one of these records?', count: 1 },
    });
    const recordId = await insert(
      `INSERT INTO inspect_engine.account (name, external_id__c) VALUES ('Initech', 'initech-1')`,
      [],
    );
    const failed = await rowOf('account', recordId, ['FAILED']);
    expect(failed.message).toBe('DUPLICATES_DETECTED: Use one of these records?');
    local().org.faults.set({});

    const retried = s.nextEvent('triggerLog.changed', (e) => e.reason === 'retried');
    expect(await s.call('triggerLog.retry', { ids: [failed.id] })).toEqual({ requeued: 1 });
    await retried;
    await waitFor(
      'the retried row written',
      () => state(failed.id),
      (st) => st === 'SUCCESS',
    );

    const again = await s.fail('triggerLog.retry', { ids: [failed.id] });
    expect(again.code).toBe('CONFLICT');
    expect(again.message).toBe(
      `Trigger-log row ${failed.id} (INSERT of account ${recordId}) is SUCCESS; only FAILED rows can be retried.`,
    );
    const ignored = await s.fail('triggerLog.ignore', { ids: [failed.id] });
    expect(ignored.code).toBe('CONFLICT');
    expect(ignored.message).toContain('only FAILED and NEW rows can be ignored');
  });

  it('ignore marks a FAILED row IGNORED', async () => {
    const { rows: failed } = await list({ states: ['FAILED'], table: 'opportunity' });
    expect(failed.length).toBeGreaterThan(0);
    const event = s.nextEvent('triggerLog.changed', (e) => e.reason === 'ignored');
    expect(await s.call('triggerLog.ignore', { ids: [failed[0]!.id] })).toEqual({ ignored: 1 });
    await event;
    expect(await state(failed[0]!.id)).toBe('IGNORED');
  });

  it("retryMatching retries every FAILED row the filter matches, and only those (the filter's states are ignored)", async () => {
    local().org.faults.set({
      writes: {
        errorCode: 'DUPLICATES_DETECTED',
        message: 'A twin of this account exists',
        count: 3,
        object: 'Account',
      },
    });
    const accounts: number[] = [];
    for (const name of ['Alpha', 'Beta', 'Gamma']) {
      accounts.push(
        await insert(`INSERT INTO inspect_engine.account (name, external_id__c) VALUES ($1, $2)`, [
          name,
          `bulk-${name}`,
        ]),
      );
    }
    const opportunity = await insert(
      `INSERT INTO inspect_engine.opportunity (name, stagename, closedate, amount)
       VALUES ('Worse deal', 'Prospecting', '2025-02-28', -1)`,
      [],
    );
    for (const id of accounts) await rowOf('account', id, ['FAILED']);
    const opportunityRow = await rowOf('opportunity', opportunity, ['FAILED']);
    local().org.faults.set({});

    const result = await s.call('triggerLog.retryMatching', {
      filter: { source: 'both', states: ['SUCCESS'], text: 'twin of this' },
    });
    expect(result).toEqual({ requeued: 3 });
    for (const id of accounts) await rowOf('account', id, ['SUCCESS']);
    expect(await state(opportunityRow.id)).toBe('FAILED');
    expect(await s.call('triggerLog.retryMatching', { filter: { text: 'twin of this' } })).toEqual({
      requeued: 0,
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('a Heroku-Connect-style database through a SELECT-only role', () => {
  const rows = syntheticLog();
  /** Every object in the database besides the system catalogs. */
  const catalog = async () =>
    (
      await admin.query<{ name: string }>(
        `SELECT n.nspname || '.' || c.relname || ':' || c.relkind::text AS name
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
            AND n.nspname NOT LIKE 'pg_temp%' AND n.nspname NOT LIKE 'pg_toast_temp%'
          ORDER BY 1`,
      )
    ).rows.map((r) => r.name);
  let before: string[];

  beforeAll(async () => {
    const world = await createSyncWorld({
      org: local().org,
      databaseUrl: postgres().url,
      mappings: accountContactMappings(),
      schemaName: 'inspect_hc',
    });
    worlds.push(world);
    // Heroku Connect's _hcmeta holds no export, and its log has only its own indexes.
    await admin.query(`UPDATE inspect_hc._hcmeta SET details = NULL`);
    const ours = await admin.query<{ indexname: string }>(
      `SELECT indexname FROM pg_indexes WHERE schemaname = 'inspect_hc'
          AND tablename IN ('_trigger_log', '_trigger_log_archive')
          AND indexname NOT IN ('_trigger_log_pkey', '_trigger_log_idx_created_at',
            '_trigger_log_idx_state_id', '_trigger_log_idx_state_table_name',
            '_trigger_log_archive_pkey', '_trigger_log_archive_idx_created_at',
            '_trigger_log_archive_idx_record_id', '_trigger_log_archive_idx_state_table_name')`,
    );
    expect(ours.rows.length).toBeGreaterThan(5);
    for (const { indexname } of ours.rows)
      await admin.query(`DROP INDEX inspect_hc."${indexname}"`);
    await writeLog('inspect_hc', rows);
    await writeContacts('inspect_hc');
    await admin.query(`DROP ROLE IF EXISTS inspector_ro`);
    await admin.query(`CREATE ROLE inspector_ro LOGIN PASSWORD 'read-only'`);
    await admin.query(`GRANT USAGE ON SCHEMA inspect_hc TO inspector_ro`);
    await admin.query(`GRANT SELECT ON ALL TABLES IN SCHEMA inspect_hc TO inspector_ro`);
    const url = new URL(postgres().url);
    url.username = 'inspector_ro';
    url.password = 'read-only';
    await s.call('sync.stop', {});
    await useDatabase(s, url.toString(), 'inspect_hc');
    before = await catalog();
  });

  it('live updates followed the active database here (LISTEN needs no privilege)', async () => {
    // No list or summary since the switch: the watch in use moved by itself.
    const event = s.nextEvent(
      'triggerLog.changed',
      (e) => e.reason === 'captured' && e.schemaName === 'inspect_hc',
      5_000,
    );
    await waitFor(
      'a capture seen',
      async () => {
        await admin.query(
          `INSERT INTO inspect_hc._trigger_log (id, state, action, table_name, record_id)
           VALUES (900, 'NEW', 'INSERT', 'account', 1)`,
        );
        await admin.query(`DELETE FROM inspect_hc._trigger_log WHERE id = 900`);
        return Promise.race([
          event.then(() => true),
          new Promise<boolean>((r) => setTimeout(() => r(false), 500)),
        ]);
      },
      (seen) => seen,
      5_000,
    );
  });

  it('summary, list and detail work; retries and ignores are refused with the reason; nothing was created', async () => {
    const summary = TriggerLogSummary.parse(await s.call('triggerLog.summary', {}));
    expect(summary).toMatchObject({
      schemaName: 'inspect_hc',
      tables: ['account', 'contact'],
      engineRunning: false,
      writeAlgorithm: 'merged',
    });
    expect(summary.archive.FAILED).toBe(
      rows.filter((r) => r.source === 'archive' && r.state === 'FAILED').length,
    );

    for (const filter of FILTERS) {
      expect(ids((await list(filter)).rows), JSON.stringify(filter)).toEqual(
        expected(rows, filter),
      );
    }
    const failed = rows.find((r) => r.state === 'FAILED')!;
    const detail = TriggerLogDetail.parse(await s.call('triggerLog.detail', { id: failed.id }));
    expect(detail.row.state).toBe('FAILED');
    expect(detail.explanation?.code).toBe(failed.message!.split(':')[0]);
    // Mappings read from the tables themselves (no export in _hcmeta).
    expect(detail.objectName?.toLowerCase()).toBe(failed.table);
    const update = rows.find((r) => r.table === 'contact' && r.action === 'UPDATE')!;
    const contact = TriggerLogDetail.parse(await s.call('triggerLog.detail', { id: update.id }));
    expect(contact.postgresRow).toMatchObject({
      id: update.recordId,
      lastname: `Contact ${update.recordId}`,
    });
    expect(contact.change.find((c) => c.changed)).toMatchObject({ column: 'lastname' });

    for (const [method, params] of [
      ['triggerLog.retry', { ids: [failed.id] }],
      ['triggerLog.ignore', { ids: [failed.id] }],
      ['triggerLog.retryMatching', { filter: { source: 'both' } }],
    ] as const) {
      const refused = await s.fail(method, params as never);
      expect(refused.code, method).toBe('REMOTE_ERROR');
      expect(refused.message).toMatch(
        /^The database refused to change inspect_hc\._trigger_log: permission denied/,
      );
      expect(refused.message).toContain('may only read');
    }
    expect((await s.call('triggerLog.rows', { ids: [failed.id] })).rows[0]?.state).toBe('FAILED');
    expect(await catalog()).toEqual(before);
  });
});
