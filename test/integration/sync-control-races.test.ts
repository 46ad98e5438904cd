// The sync service when things happen at once, and its counts, through a studio's router with
// the demo running inside it (its local org and embedded Postgres): a database switch or an
// apply while the engine is still starting, an apply that answers before the engine's restart,
// a draft saved while an apply runs, demo.open on edited mappings (and when embedded Postgres
// cannot start), and row / trigger-log counts that never run unbounded nor read a failure as 0.
// Locks taken from a connection of the test's own hold a start or a restart at a known step.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalOrg } from '../../src-main/local-org';
import { createStudio } from '../../src-main/studio';
import { COUNTS_LISTEN_WINDOW_MS } from '../../src-main/sync-control/sync-service';
import { SyncStatus } from '../../src-shared/api';
import { parseConnectExport, formatConnectExport } from '../../src-shared/mapping';
import { adminCall, useLocalOrg } from '../support/local-org';
import { tempDir } from '../support/temp';
import { waitFor } from '../support/wait-for';
import { openExploreStudio, useDatabase, type ExploreStudio } from './explore-studio';

/** A local org of the test's own: the user's "own" org beside the studio's demo org. */
const ownOrg = useLocalOrg({ seed: 'empty' });

let s: ExploreStudio;
/** The test's own connections to the studio's embedded server. */
let db: pg.Pool;
let databaseUrl: string;
let demoDatabaseId: string;
let org: LocalOrg;

beforeAll(async () => {
  s = openExploreStudio();
  await s.call('demo.open', {});
  const active = await s.studio.connections.activeDatabase();
  databaseUrl = active.url;
  demoDatabaseId = active.profileId;
  db = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  // The studio stops its server at the end; an idle client of ours must not fail the run.
  db.on('error', () => {});
  org = await s.studio.connections.startLocalOrg();
}, 120_000);

afterAll(async () => {
  await db?.end();
  await s?.close();
});

const status = async () => SyncStatus.parse(await s.call('sync.status', {}));
const objects = (st: SyncStatus) => st.mappings.map((m) => m.objectName).sort();
const rowsOf = (st: SyncStatus, objectName: string) =>
  st.mappings.find((m) => m.objectName === objectName)?.rowCount;

/** The applied document with `edit` made to it, as export JSON text. */
async function appliedWith(
  edit: (doc: ReturnType<typeof parseConnectExport>) => ReturnType<typeof parseConnectExport>,
) {
  const state = await s.call('mappings.state', {});
  return formatConnectExport(edit(parseConnectExport(state.applied!)));
}

/**
 * Takes `lock` on a connection of its own and holds it until release(); `waiters` says how
 * many other sessions wait for a lock on `table` (a start or an apply held at that step).
 */
async function hold(table: string, mode = 'ACCESS EXCLUSIVE') {
  const client = await db.connect();
  await client.query('BEGIN');
  await client.query(`LOCK TABLE ${table} IN ${mode} MODE`);
  let released = false;
  return {
    waiters: async () =>
      Number(
        (
          await db.query<{ n: string }>(
            `SELECT count(*)::text AS n FROM pg_locks
              WHERE NOT granted AND relation = $1::regclass`,
            [table],
          )
        ).rows[0]!.n,
      ),
    release: async () => {
      if (released) return;
      released = true;
      await client.query('ROLLBACK');
      client.release();
    },
  };
}

const DEMO = ['Account', 'Case', 'Contact', 'Lead', 'Opportunity'];

describe('while the engine is starting', () => {
  it('a switch to another database stops the engine once it stands (it does not run on the old one)', async () => {
    await s.call('sync.stop', {});
    const lock = await hold('salesforce._hcmeta');
    let start: Promise<unknown> | undefined;
    try {
      // The start reads the schema first: held there, before its engine exists.
      start = s.call('sync.start', {}).catch((e: unknown) => e);
      await waitFor('the start held at the schema', lock.waiters, (n) => n >= 1);
      await useDatabase(s, databaseUrl, 'elsewhere');
    } finally {
      await lock.release();
    }
    await start;
    const stopped = await waitFor('the engine stopped', status, (st) => st.engine === 'off');
    expect(stopped.message).toMatch(
      /The sync stopped: the active database is now "Database elsewhere"/,
    );
    expect(s.studio.syncControl.sync.running()).toBeNull();
    await s.call('settings.set', { activeDbProfileId: demoDatabaseId });
  });

  it('an apply restarts the engine once it stands, on the applied document', async () => {
    await s.call('sync.stop', {});
    const withoutLead = await appliedWith((doc) => ({
      ...doc,
      mappings: doc.mappings.filter((m) => m.objectName !== 'Lead'),
    }));
    // The org slow: the start's describes come after the apply has run.
    await adminCall(org, 'PUT', 'faults', { latencyMs: 700 });
    const lock = await hold('salesforce._hcmeta');
    let start: Promise<unknown> | undefined;
    let apply: Promise<unknown> | undefined;
    try {
      start = s.call('sync.start', {}).catch((e: unknown) => e);
      await waitFor('the start held at the schema', lock.waiters, (n) => n >= 1);
      apply = s.call('mappings.apply', { document: withoutLead, allowDrop: false });
      await waitFor('the apply held at the schema too', lock.waiters, (n) => n >= 2, 20_000);
    } finally {
      await lock.release();
    }
    try {
      await apply;
      await start;
    } finally {
      await adminCall(org, 'DELETE', 'faults');
    }
    const restarted = await waitFor(
      'the engine on the document without Lead',
      status,
      (st) => st.engine === 'running' && !objects(st).includes('Lead'),
    );
    expect(objects(restarted)).toEqual(DEMO.filter((o) => o !== 'Lead'));
  });
});

describe('an apply', () => {
  it('answers before the running engine has restarted; the restart goes on after', async () => {
    const before = await waitFor('running', status, (st) => st.engine === 'running');
    // Account polled at another interval: no DDL, the apply only records the document.
    const document = await appliedWith((doc) => ({
      ...doc,
      mappings: doc.mappings.map((m) =>
        m.objectName === 'Account' ? { ...m, sfPollingSeconds: m.sfPollingSeconds + 7 } : m,
      ),
    }));

    // The engine's bookkeeping held in ROW EXCLUSIVE mode: reads and writes of it go on (and
    // reading the schema, which an apply does), but a starting engine's CREATE INDEX IF NOT
    // EXISTS on it waits, so the restart cannot get past it until released.
    const lock = await hold('salesforce._connect_studio_sync', 'ROW EXCLUSIVE');
    try {
      const answered = await Promise.race([
        s.call('mappings.apply', { document, allowDrop: false }).then(() => 'answered'),
        new Promise((r) => setTimeout(() => r('still waiting'), 10_000)),
      ]);
      expect(answered).toBe('answered');
      // The restart is still held: the engine is the one from before, or not running yet.
      const meanwhile = await status();
      expect(meanwhile.engine !== 'running' || meanwhile.startedAt === before.startedAt).toBe(true);
    } finally {
      await lock.release();
    }
    const restarted = await waitFor(
      'the engine restarted',
      status,
      (st) => st.engine === 'running' && st.startedAt !== before.startedAt,
    );
    expect(objects(restarted)).toEqual(objects(before));
    const { entries } = await s.call('sync.log', { limit: 1000 });
    expect(entries.some((e) => e.message.startsWith('The applied mappings changed'))).toBe(true);
  });

  it('keeps a draft saved while it ran; one saved before it, or of the applied text, goes', async () => {
    const state = await s.call('mappings.state', {});
    const document = state.applied!;
    const edited = document.replace('"LastName"', '"LastName" ');
    expect(edited).not.toBe(document);

    // Saved before: settled by the apply.
    await s.call('mappings.saveDraft', { document: edited });
    await s.call('mappings.apply', { document, allowDrop: false });
    expect((await s.call('mappings.state', {})).draft).toBeNull();

    // Saved while the apply runs (the org slow, so it is still describing): kept.
    await adminCall(org, 'PUT', 'faults', { latencyMs: 600 });
    try {
      const apply = s.call('mappings.apply', { document, allowDrop: false });
      await new Promise((r) => setTimeout(r, 100));
      const saved = await s.call('mappings.saveDraft', { document: edited });
      await apply;
      expect((await s.call('mappings.state', {})).draft).toEqual({
        document: edited,
        savedAt: saved.savedAt,
      });

      // Saved while it runs, but the very text applied: settled.
      const again = s.call('mappings.apply', { document, allowDrop: false });
      await new Promise((r) => setTimeout(r, 100));
      await s.call('mappings.saveDraft', { document });
      await again;
      expect((await s.call('mappings.state', {})).draft).toBeNull();
    } finally {
      await adminCall(org, 'DELETE', 'faults');
    }
  });
});

describe('demo.open', () => {
  it('on a schema with edited demo mappings starts on them, adding only the missing demo objects', async () => {
    await waitFor('running', status, (st) => st.engine === 'running');
    const edited = await appliedWith((doc) => ({
      ...doc,
      mappings: doc.mappings
        .filter((m) => m.objectName !== 'Case')
        .map((m) => (m.objectName === 'Account' ? { ...m, sfPollingSeconds: 345 } : m)),
    }));
    await s.call('mappings.apply', { document: edited, allowDrop: false });
    await s.call('sync.stop', {});

    await s.call('demo.open', {});
    const applied = parseConnectExport((await s.call('mappings.state', {})).applied!);
    const account = applied.mappings.find((m) => m.objectName === 'Account');
    expect(account?.sfPollingSeconds).toBe(345);
    expect(applied.mappings.map((m) => m.objectName).sort()).toEqual(DEMO);
    const running = await waitFor('running', status, (st) => st.engine === 'running');
    expect(objects(running)).toEqual(DEMO);
  });

  it("leaves the user's own org active when embedded Postgres cannot start", async () => {
    const userDataDir = tempDir('connect-studio-demo-fails-');
    // Where the embedded server keeps its data, a file: the server cannot start.
    writeFileSync(join(userDataDir, 'postgres'), 'not a folder\n');
    const studio = createStudio({ userDataDir, host: 'cli', log: () => {} });
    const own = ownOrg().org;
    try {
      const call = async (method: string, params: unknown) => {
        const outcome = await studio.router.call(method, params);
        if (!outcome.ok) throw new Error(`${method}: ${outcome.error.message}`);
        return outcome.result;
      };
      const profile = (await call('profiles.save', {
        kind: 'salesforce',
        name: 'My own org',
        auth: { method: 'token', instanceUrl: own.instanceUrl, accessToken: own.accessToken },
      })) as { id: string };
      await call('settings.set', { activeOrgProfileId: profile.id });

      const outcome = await studio.router.call('demo.open', {});
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect(outcome.error.message).toContain('Embedded Postgres did not start');
      const settings = (await call('settings.get', {})) as {
        activeOrgProfileId: string | null;
        activeDbProfileId: string | null;
      };
      expect(settings.activeOrgProfileId).toBe(profile.id);
      expect(settings.activeDbProfileId).toBeNull();
    } finally {
      await studio.close();
    }
  }, 60_000);
});

describe('the counts of the status', () => {
  it('are not read again for pushed statuses when nobody asked for one in the last 30 s', async () => {
    const inTable = async () =>
      Number(
        (await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM salesforce.account`))
          .rows[0]!.n,
      );
    let st = await waitFor(
      'every mapping synced, Account counted',
      async () => ({ st: await status(), rows: await inTable() }),
      ({ st: x, rows }) =>
        x.engine === 'running' &&
        x.mappings.every((m) => m.phase === 'synced') &&
        rowsOf(x, 'Account') === rows,
    ).then(({ st: x }) => x);
    const counted = rowsOf(st, 'Account')!;
    await new Promise((r) => setTimeout(r, COUNTS_LISTEN_WINDOW_MS + 1_000));

    // An application inserts an Account: the engine sends it and pushes a status, made after
    // the insert, that carries the counts from before.
    const inserted = new Date().toISOString();
    const written = s.nextEvent('triggerLog.changed', (p) => p.reason === 'written', 20_000);
    await db.query(
      `INSERT INTO salesforce.account (name, external_id__c) VALUES ('Unwatched Co', gen_random_uuid()::text)`,
    );
    await written;
    const pushed = await waitFor(
      'a status pushed after the write',
      async () =>
        s.events
          .filter((e) => e.event === 'sync.status')
          .map((e) => SyncStatus.parse(e.payload))
          .filter((p) => p.at > inserted),
      (found) => found.length > 0,
      5_000,
    );
    for (const push of pushed) expect(rowsOf(push, 'Account')).toBe(counted);

    // Asked for: counted again.
    st = await status();
    console.log(
      'DEBUG',
      counted,
      rowsOf(st, 'Account'),
      (await db.query('SELECT count(*) FROM salesforce.account')).rows,
      st.at,
      pushed.map((p) => [p.at, rowsOf(p, 'Account')]),
    );
    expect(rowsOf(st, 'Account')).toBe(counted + 1);
  }, 90_000);

  it('answer in time while tables are locked, keeping the last counts instead of zeros', async () => {
    // A FAILED Account: the org refuses the next Account write.
    await adminCall(org, 'PUT', 'faults', {
      writes: { count: 1, errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', object: 'Account' },
    });
    let failed: SyncStatus;
    try {
      await db.query(
        `INSERT INTO salesforce.account (name, external_id__c) VALUES ('Refused Co', gen_random_uuid()::text)`,
      );
      failed = await waitFor(
        'the FAILED Account counted',
        status,
        (st) => (st.mappings.find((m) => m.objectName === 'Account')?.failed ?? 0) >= 1,
      );
    } finally {
      await adminCall(org, 'DELETE', 'faults');
    }
    const failedCount = failed.mappings.find((m) => m.objectName === 'Account')!.failed;
    const accounts = rowsOf(failed, 'Account');
    expect(accounts).toBeGreaterThan(0);

    const log = await hold('salesforce._trigger_log');
    const account = await hold('salesforce.account');
    try {
      // Older than the 2 s the counts are kept: this status reads them again.
      await new Promise((r) => setTimeout(r, 2_100));
      const answer = await Promise.race([
        status(),
        new Promise<null>((r) => setTimeout(() => r(null), 8_000)),
      ]);
      expect(answer, 'the status waited for the locks').not.toBeNull();
      const st = answer!;
      expect(st.mappings.find((m) => m.objectName === 'Account')!.failed).toBe(failedCount);
      expect(rowsOf(st, 'Account')).toBe(accounts);
    } finally {
      await account.release();
      await log.release();
    }
  }, 60_000);

  it('of a table of 100,000 rows or more are the planner estimate, not a count(*)', async () => {
    await s.call('sync.pause', { object: 'Lead' });
    await db.query(`ALTER TABLE salesforce.lead SET (autovacuum_enabled = false)`);
    await db.query(
      `INSERT INTO salesforce.lead (lastname, company)
       SELECT 'Bulk ' || g, 'Co' FROM generate_series(1, 120000) AS g`,
    );
    await db.query(`ANALYZE salesforce.lead`);
    // Rows deleted since the ANALYZE: the estimate does not know, a count would.
    await db.query(
      `DELETE FROM salesforce.lead WHERE lastname LIKE 'Bulk %' AND lastname LIKE '%7'`,
    );
    const exact = Number(
      (await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM salesforce.lead`)).rows[0]!.n,
    );
    const estimate = Number(
      (
        await db.query<{ n: string }>(
          `SELECT (reltuples / relpages * (pg_relation_size(oid) / current_setting('block_size')::int))::bigint::text AS n
             FROM pg_class WHERE oid = 'salesforce.lead'::regclass`,
        )
      ).rows[0]!.n,
    );
    expect(estimate).toBeGreaterThanOrEqual(100_000);
    expect(Math.abs(estimate - exact)).toBeGreaterThan(5_000);
    const st = await waitFor(
      'Lead estimated',
      status,
      (x) => rowsOf(x, 'Lead') === estimate,
      10_000,
    );
    expect(rowsOf(st, 'Lead')).not.toBe(exact);
  }, 60_000);
});
