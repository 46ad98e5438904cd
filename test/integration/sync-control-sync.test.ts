// The Sync dashboard's backend end to end through a studio's router: the studio's own local org
// (demo data) and embedded Postgres, the demo opened inside it, the engine watched through
// sync.status, its events through studio.events, and changes made as an application makes
// them (plain SQL, so the triggers log them).
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DemoOpened,
  SyncLogEntry,
  SyncStatus,
  type ApiEventPayload,
  type ApiResult,
} from '../../src-shared/api';
import { waitFor } from '../support/wait-for';
import { openExploreStudio, useDatabase, type ExploreStudio } from './explore-studio';

const DEMO_OBJECTS = ['Account', 'Contact', 'Opportunity', 'Case', 'Lead'];

let s: ExploreStudio;
/** A pool of the test's own on the studio's embedded server (the studio's may be replaced). */
let db: pg.Pool | undefined;
let databaseUrl: string;

beforeAll(() => {
  s = openExploreStudio();
});
afterAll(async () => {
  await db?.end();
  await s?.close();
});

const status = async () => SyncStatus.parse(await s.call('sync.status', {}));
const mappingOf = (st: SyncStatus, objectName: string) => {
  const found = st.mappings.find((m) => m.objectName === objectName);
  if (!found) throw new Error(`${objectName} is not in the status: ${JSON.stringify(st)}`);
  return found;
};
const eventsOf = <E extends 'sync.status' | 'sync.log' | 'triggerLog.changed'>(name: E) =>
  s.events.filter((e) => e.event === name).map((e) => e.payload as ApiEventPayload<E>);
const logEntries = () => eventsOf('sync.log').flatMap((e) => e.entries);

async function orgCount(objectName: string): Promise<number> {
  const org = await s.studio.connections.activeOrg();
  return (await org.conn.query(`SELECT COUNT() FROM ${objectName}`)).totalSize;
}

describe('the sync service', () => {
  it('with no database active: the engine is off, nothing is listed, and the message says what to do', async () => {
    const st = await status();
    expect(st).toMatchObject({ engine: 'off', mappings: [], databaseName: null, startedAt: null });
    expect(st.message).toMatch(/Connections/);
    expect(await s.fail('sync.pause', {})).toMatchObject({
      code: 'CONFLICT',
      message: 'The sync is not running; start it first.',
    });
    expect(await s.fail('sync.reload', { object: 'Account' })).toMatchObject({ code: 'CONFLICT' });
    expect(await s.call('sync.log', {})).toEqual({ entries: [] });
  });

  it('start with nothing applied to the schema is refused with where to design a mapping', async () => {
    await Promise.all([s.call('localOrg.start', {}), s.call('embeddedPostgres.start', {})]);
    const active = await s.studio.connections.activeDatabase();
    databaseUrl = active.url;
    db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    // The studio stops its server at the end; an idle client of ours must not fail the run.
    db.on('error', () => {});

    const refused = await s.fail('sync.start', {});
    expect(refused.code).toBe('CONFLICT');
    expect(refused.message).toContain('No mappings are applied to schema "salesforce" yet');
    expect(refused.message).toContain('Mappings');
    const st = await status();
    expect(st).toMatchObject({ engine: 'off', schemaName: 'salesforce', mappings: [] });
    expect(st.databaseName).toBeTruthy();
    expect(st.orgName).toBeTruthy();
    expect(st.message).toContain('did not start');
  });

  it("demo.open runs the engine on the demo mappings and loads every table to the org's counts", async () => {
    const opened = DemoOpened.parse(await s.call('demo.open', {}));
    expect(opened.schemaName).toBe('salesforce');
    expect(opened.database).toMatch(/^postgres:\/\//);
    expect(opened.database).not.toMatch(/:[^@/]*@/); // no password
    expect(opened.org).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
    expect(s.events.some((e) => e.event === 'mappings.changed')).toBe(true);

    const first = await status();
    expect(['running', 'starting']).toContain(first.engine);
    expect(first.mappings.map((m) => m.objectName).sort()).toEqual([...DEMO_OBJECTS].sort());
    expect(first.startedAt).not.toBeNull();
    expect(first.writeAlgorithm).toBe('merged');
    expect(s.studio.syncControl.sync.running()).toEqual({
      schemaName: 'salesforce',
      writeAlgorithm: 'merged',
    });

    const counts = Object.fromEntries(
      await Promise.all(DEMO_OBJECTS.map(async (o) => [o, await orgCount(o)] as const)),
    );
    const synced = await waitFor(
      "every mapping synced with the org's row counts",
      status,
      (st) =>
        st.engine === 'running' &&
        st.mappings.every((m) => m.phase === 'synced' && m.rowCount === counts[m.objectName]),
      45_000,
    );
    for (const m of synced.mappings) {
      expect(m.rowCount, m.objectName).toBeGreaterThan(0);
      expect(m.lastPollAt).not.toBeNull();
      expect(m.nextPollAt).not.toBeNull();
      expect(m).toMatchObject({ pending: 0, failed: 0, load: null, error: null });
    }
    expect(mappingOf(synced, 'Account').access).toBe('read_write');
    expect(mappingOf(synced, 'Lead').access).toBe('read_only');
    expect(synced.apiCallsThisRun).toBeGreaterThan(0);
    expect(synced.apiUsage).toMatchObject({ used: expect.any(Number), max: expect.any(Number) });
  });

  it("sync.status and sync.log events arrive, with one line for a load's start and one for its end", async () => {
    const statuses = eventsOf('sync.status');
    expect(statuses.length).toBeGreaterThan(1);
    expect(statuses.some((st) => st.engine === 'running')).toBe(true);
    // Throttled: at most about four a second.
    const times = statuses.map((st) => Date.parse(st.at));
    const span = (times.at(-1)! - times[0]!) / 1000;
    expect(statuses.length).toBeLessThanOrEqual(Math.ceil(span * 4) + 4);

    const entries = await waitFor(
      'the end of the Account load in the log',
      async () => logEntries(),
      // Lines go out in batches after the status has moved on: wait for the ones looked at.
      (all) =>
        all.some((e) => e.objectName === 'Account' && /: loaded /.test(e.message)) &&
        all.some((e) => e.kind === 'poll.done' && e.objectName === 'Contact'),
    );
    for (const entry of entries) SyncLogEntry.parse(entry);
    const accountLoad = entries.filter(
      (e) => e.kind === 'load.progress' && e.objectName === 'Account',
    );
    expect(accountLoad.map((e) => e.message)).toEqual([
      expect.stringMatching(/^Account: initial load of [\d,]+ records through REST$/),
      expect.stringMatching(/^Account: loaded [\d,]+ records in \d+\.\d s through REST$/),
    ]);
    // The end names as many records as the start announced.
    const [announced, loaded] = accountLoad.map((e) => /([\d,]+) records/.exec(e.message)?.[1]);
    expect(loaded).toBe(announced);
    expect(entries.some((e) => e.kind === 'engine.state' && e.message === 'engine running')).toBe(
      true,
    );
    expect(entries.some((e) => e.kind === 'poll.done' && e.objectName === 'Contact')).toBe(true);
    const ids = entries.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));

    // sync.log answers the same lines, oldest first.
    const answered = (await s.call('sync.log', { limit: 1000 })).entries;
    expect(answered.map((e) => e.id)).toEqual(expect.arrayContaining(ids));
    expect((await s.call('sync.log', { limit: 3 })).entries).toEqual(answered.slice(-3));
  });

  it('demo.open again while the demo runs answers at once, with the same engine', async () => {
    const before = await status();
    const again = DemoOpened.parse(await s.call('demo.open', {}));
    expect(again.durationMs).toBeLessThan(500);
    expect(again.schemaName).toBe('salesforce');
    const after = await status();
    expect(after.startedAt).toBe(before.startedAt);
    expect(after.engine).toBe('running');
  });

  it('pauses and resumes one mapping; an unknown one is named with the mapped ones', async () => {
    const paused = await s.call('sync.pause', { object: 'contact' });
    expect(mappingOf(paused, 'Contact')).toMatchObject({ paused: true, phase: 'paused' });
    expect(mappingOf(paused, 'Account').paused).toBe(false);
    await waitFor(
      'the paused line in the log',
      async () => logEntries(),
      (all) => all.some((e) => e.objectName === 'Contact' && /^Contact: paused\b/.test(e.message)),
    );

    const resumed = await s.call('sync.resume', { object: 'Contact' });
    expect(mappingOf(resumed, 'Contact').paused).toBe(false);
    await waitFor(
      'Contact synced again',
      status,
      (st) => mappingOf(st, 'Contact').phase === 'synced',
    );

    const unknown = await s.fail('sync.pause', { object: 'Invoice__c' });
    expect(unknown.code).toBe('NOT_FOUND');
    expect(unknown.message).toContain('Invoice__c');
    for (const name of DEMO_OBJECTS) expect(unknown.message).toContain(name);
  });

  it("reloads a mapping: its table is loaded again to the org's count", async () => {
    const loadsBefore = logEntries().filter(
      (e) => e.objectName === 'Case' && e.kind === 'load.progress',
    ).length;
    await s.call('sync.reload', { object: 'Case' });
    const expected = await orgCount('Case');
    await waitFor(
      'Case reloaded',
      async () => ({ st: await status(), log: logEntries() }),
      ({ st, log }) =>
        mappingOf(st, 'Case').phase === 'synced' &&
        mappingOf(st, 'Case').rowCount === expected &&
        log.filter((e) => e.objectName === 'Case' && e.kind === 'load.progress').length ===
          loadsBefore + 2,
    );
  });

  it('an application INSERT becomes SUCCESS, with a write.batch line and triggerLog.changed', async () => {
    const externalId = randomUUID();
    const written = s.nextEvent(
      'triggerLog.changed',
      (p) => p.schemaName === 'salesforce' && p.reason === 'written',
      15_000,
    );
    await db!.query(
      `INSERT INTO salesforce.account (name, external_id__c, industry) VALUES ($1, $2, 'Energy')`,
      ['Sync dashboard Co', externalId],
    );
    await written;
    const { rows } = await db!.query<{ state: string }>(
      `SELECT l.state FROM salesforce._trigger_log l
         JOIN salesforce.account a ON a.id = l.record_id
        WHERE l.table_name = 'account' AND a.external_id__c = $1`,
      [externalId],
    );
    expect(rows).toEqual([{ state: 'SUCCESS' }]);
    const org = await s.studio.connections.activeOrg();
    const inOrg = await org.conn.query(
      `SELECT Id FROM Account WHERE External_ID__c = '${externalId}'`,
    );
    expect(inOrg.totalSize).toBe(1);
    await waitFor(
      'the write.batch line',
      async () => logEntries(),
      (all) =>
        all.some(
          (e) =>
            e.kind === 'write.batch' &&
            e.objectName === 'Account' &&
            e.level === 'info' &&
            /^account: \w+ of 1 through collections: 1 ok$/.test(e.message),
        ),
    );
  });

  it('a new apply restarts the running engine on the applied document', async () => {
    const before = await status();
    // What the mappings service calls after an apply (not part of the SyncService contract).
    const service = s.studio.syncControl.sync as typeof s.studio.syncControl.sync & {
      mappingsApplied(): Promise<void>;
    };
    await service.mappingsApplied();
    const after = await status();
    expect(['running', 'starting']).toContain(after.engine);
    expect(after.startedAt).not.toBe(before.startedAt);
    expect(after.mappings.map((m) => m.objectName).sort()).toEqual([...DEMO_OBJECTS].sort());
    const { entries } = await s.call('sync.log', { limit: 1000 });
    expect(entries.some((e) => e.message.startsWith('The applied mappings changed'))).toBe(true);
    // The demo is still the demo: opening it again answers at once.
    expect((await s.call('demo.open', {})).durationMs).toBeLessThan(500);
  });

  it('stop turns the engine off; the mappings stay listed as stopped; start runs it again', async () => {
    const stopped = await s.call('sync.stop', {});
    expect(stopped.engine).toBe('off');
    expect(stopped.startedAt).toBeNull();
    expect(stopped.mappings.map((m) => m.objectName).sort()).toEqual([...DEMO_OBJECTS].sort());
    expect(stopped.mappings.every((m) => m.phase === 'stopped')).toBe(true);
    expect(mappingOf(stopped, 'Account').rowCount).toBe(await orgCount('Account'));
    expect(s.studio.syncControl.sync.running()).toBeNull();
    expect(await s.fail('sync.resume', {})).toMatchObject({ code: 'CONFLICT' });

    const started: ApiResult<'sync.start'> = await s.call('sync.start', {});
    expect(['running', 'starting']).toContain(started.engine);
    // Start while running answers the status of the same engine.
    const again = await s.call('sync.start', {});
    expect(again.startedAt).toBe(started.startedAt);
  });

  it('changing the active database stops the engine and says why', async () => {
    const stoppedStatus = s.nextEvent('sync.status', (st) => st.engine === 'off', 15_000);
    await useDatabase(s, databaseUrl, 'elsewhere');
    const pushed = await stoppedStatus;
    expect(pushed.message).toContain('Database elsewhere');
    const st = await status();
    expect(st).toMatchObject({ engine: 'off', schemaName: 'elsewhere', mappings: [] });
    expect(st.message).toMatch(/The sync stopped: the active database is now "Database elsewhere"/);
    // The engine's own stop lines may follow the studio's sentence: look past them.
    const { entries } = await s.call('sync.log', { limit: 50 });
    const stopLines = entries.filter((e) => e.message.startsWith('The sync stopped'));
    expect(stopLines.at(-1)?.message).toContain('Database elsewhere');
    expect(s.studio.syncControl.sync.running()).toBeNull();
  });
});
