// The Sync dashboard's engine: one sync engine at a time between the active org and database,
// started, paused, reloaded and stopped through the contract, watched through its events. The
// engine gets a pool of its own (its loads must not starve the other workspaces' queries); the
// dashboard's counts (rows per table, pending and failed changes) come from the studio's pool,
// under a time limit (big tables by the planner's estimate), read at most every two seconds and
// only while someone asks for the status: pushed statuses between asks carry the last counts.
import type pg from 'pg';
import {
  ApiError,
  type ApiResult,
  type ProfileSummary,
  type SyncLogEntry,
  type SyncMappingState,
  type SyncStatus,
} from '../../src-shared/api';
import {
  appliedMappings,
  quoteIdentifier,
  tableNameFor,
  writeAlgorithmOf,
  type MappingDocument,
  type WriteAlgorithm,
} from '../../src-shared/mapping';
import {
  EXACT_COUNT_BELOW,
  PostgresConnectError,
  countTableRows,
  introspectSchema,
  openPool,
  withReadTimeout,
} from '../postgres';
import {
  createSalesforceApi,
  createSyncEngine,
  loadDemoMappings,
  readBookkeeping,
  type MappingBookkeeping,
  type MappingStatus,
  type SalesforceApi,
  type SyncEngine,
  type SyncEvent,
} from '../sync';
import { startDemoServices, type DemoServices } from './demo';
import { createSyncEventLog } from './event-log';
import { PrepareSyncError, prepareSync } from './prepare-sync';
import type { SyncControlOptions } from './sync-control';
import { createThrottle } from './throttle';
import type { SyncService } from './types';

/** Connections of the engine's own pool: readers, the writer and the bookkeeping share it. */
const ENGINE_POOL_SIZE = 6;
const ENGINE_APPLICATION_NAME = 'connect-studio sync';
/** Row and trigger-log counts older than this are read again (never on every progress tick). */
const COUNTS_MAX_AGE_MS = 2_000;
/**
 * Counts are read again only while a client asked for the status this recently (the dashboard
 * is open and asks every few seconds); between asks, pushed statuses carry the last counts.
 */
export const COUNTS_LISTEN_WINDOW_MS = 30_000;
/** The exact row counts of one read share this much time; bigger tables are estimated. */
const ROW_COUNT_BUDGET_MS = 500;
/** The trigger-log and bookkeeping reads of the status give up after this long. */
const STATUS_READ_TIMEOUT_MS = 1_000;
/** sync.status, sync.log and triggerLog.changed go out at most four times a second. */
const PUSH_EVERY_MS = 250;
/** While the engine runs the counts move without events: a status goes out this often. */
const STATUS_TICK_MS = 2_000;

const NOT_RUNNING = 'The sync is not running; start it first.';

interface Run {
  engine: SyncEngine;
  pool: pg.Pool;
  api: SalesforceApi;
  document: MappingDocument;
  schemaName: string;
  writeAlgorithm: WriteAlgorithm;
  org: { id: string; version: string };
  database: { id: string; version: string };
  startedAt: string;
  /** What the engine said with its last state (an error while it runs). */
  message: string | null;
  /** Set when the demo started this engine: a second demo.open answers with it. */
  demo: DemoServices | null;
  /** Pushes a status every STATUS_TICK_MS once the engine runs (while someone listens). */
  ticker: NodeJS.Timeout | undefined;
  /** The applied-mappings generation the engine read the schema at (see mappingsApplied). */
  generation: number;
  /** Each mapping's last phase: a load that ends or begins has the counts read again. */
  phases: Map<string, string>;
}

/** What the dashboard counts, read together and kept for COUNTS_MAX_AGE_MS. */
interface Counts {
  key: string;
  readAt: number;
  /** The applied mappings (read from the schema only while no engine runs). */
  document: MappingDocument | undefined;
  /** Rows per mapped table; null when unknown (never counted, or the count failed). */
  rows: Map<string, number | null>;
  log: Map<string, { pending: number; failed: number }>;
  kept: Map<string, MappingBookkeeping>;
}

type LogCounts = Map<string, { pending: number; failed: number }>;

export function createSyncService(options: SyncControlOptions): SyncService & {
  /** The mappings service applied a document: a running engine takes it up. */
  mappingsApplied(): Promise<void>;
  close(): Promise<void>;
} {
  const { connections, events, settings, profiles } = options;

  let run: Run | undefined;
  let starting = false;
  let closed = false;
  /** Why the engine is off (a stop, a failed start), until the next start. */
  let lastMessage: string | null = null;
  let counts: Counts | undefined;
  /** The counts are out of date whatever their age (an apply, a switch, a load that ended). */
  let countsStale = false;
  let countsReading: { key: string; promise: Promise<Counts> } | undefined;
  /** When a client last asked for the status (the contract's sync.status and the controls). */
  let askedAt = Number.NEGATIVE_INFINITY;
  const listening = () => Date.now() - askedAt < COUNTS_LISTEN_WINDOW_MS;
  /** Last good counts per database and schema: a failed read keeps them rather than zeros. */
  const knownRows = new Map<string, number>();
  const knownLog = new Map<string, LogCounts>();
  /** Bumped by every apply; an engine that read the schema before the last one restarts. */
  let appliedGeneration = 0;
  let demoOpening: Promise<DemoServices> | undefined;
  let writtenSchema: string | undefined;

  // Starts, stops and restarts take turns: two clicks never make two engines.
  let turn: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const result = turn.then(work);
    turn = result.catch(() => {});
    return result;
  };

  const eventLog = createSyncEventLog({
    push: (entries) => events.emit('sync.log', { entries }),
  });
  const statusPush = createThrottle(async () => {
    events.emit('sync.status', await status(false));
  }, PUSH_EVERY_MS);
  const writtenPush = createThrottle(() => {
    if (writtenSchema)
      events.emit('triggerLog.changed', { schemaName: writtenSchema, reason: 'written' });
  }, PUSH_EVERY_MS);

  const unsubscribeBus = events.subscribe((envelope) => {
    if (closed) return;
    if (envelope.event === 'mappings.changed') {
      countsStale = true;
      if (!run) statusPush.request();
    } else if (envelope.event === 'settings.changed' || envelope.event === 'profiles.changed') {
      countsStale = true;
      // Judged when its turn comes, after a start under way: an engine starting on the profiles
      // active before the switch is stopped once it stands. The demo changes the active
      // profiles on purpose, then starts an engine on them, which must not be stopped for it.
      void exclusive(() => stopIfStale());
      if (!run) statusPush.request();
    }
  });

  // --- Profiles.

  const profileOf = (id: string | null): ProfileSummary | undefined => {
    if (!id) return undefined;
    try {
      return profiles.get(id);
    } catch {
      return undefined;
    }
  };

  /** Why the running engine no longer works on the active org and database, if it does not. */
  function staleReason(current: Run): string | null {
    const active = settings.get();
    const describeSwitch = (what: string, id: string | null) => {
      const name = profileOf(id)?.name;
      return name
        ? `The sync stopped: the active ${what} is now "${name}". Start it again to sync that one.`
        : `The sync stopped: no ${what} is active any more. Choose one in Connections to sync again.`;
    };
    if (active.activeDbProfileId !== current.database.id) {
      return describeSwitch('database', active.activeDbProfileId);
    }
    if (active.activeOrgProfileId !== current.org.id) {
      return describeSwitch('org', active.activeOrgProfileId);
    }
    for (const [what, held] of [
      ['database', current.database],
      ['org', current.org],
    ] as const) {
      const profile = profileOf(held.id);
      if (!profile || profile.updatedAt !== held.version) {
        return `The sync stopped: the active ${what}'s profile${profile ? ` "${profile.name}"` : ''} was changed. Start it again to sync with the new settings.`;
      }
    }
    return null;
  }

  async function stopIfStale(): Promise<void> {
    if (!run) return;
    const reason = staleReason(run);
    if (reason) await stopRun(reason);
  }

  // --- Starting and stopping.

  async function startRun(how: {
    incoming?: MappingDocument;
    /** Apply only the mappings of `incoming` the schema does not have (the demo). */
    keepApplied?: boolean;
    warnings?: boolean;
    demo?: DemoServices | null;
  }): Promise<void> {
    if (closed) throw new ApiError('UNAVAILABLE', 'The studio is shutting down; start it again.');
    starting = true;
    lastMessage = null;
    countsStale = true;
    // Read before the schema is: an apply from here on restarts this engine (mappingsApplied).
    const generation = appliedGeneration;
    statusPush.request();
    try {
      const org = await connections.activeOrg();
      const database = await connections.activeDatabase();
      const schemaName = database.schemaName;
      const orgVersion = profileOf(org.profileId)?.updatedAt ?? '';
      const databaseVersion = profileOf(database.profileId)?.updatedAt ?? '';
      const pool = await openEnginePool(database.url);
      let engine: SyncEngine | undefined;
      try {
        const api = createSalesforceApi(org.conn);
        eventLog.startRun();
        const prepared = await prepareSync({
          conn: org.conn,
          api,
          pool,
          schemaName,
          incoming: how.incoming,
          ...(how.keepApplied ? { keepApplied: true } : {}),
          ...(how.warnings === false ? { warnings: false } : {}),
          warn: (line) => eventLog.add(levelOfLine(line), line),
          droppedTableConsequence:
            'it is not synced; apply the mappings again in Mappings to recreate it',
        });
        engine = createSyncEngine({
          pool,
          databaseUrl: database.url,
          salesforce: api,
          catalog: prepared.catalog,
          document: prepared.document,
          settings: { schemaName },
        });
        const current: Run = {
          engine,
          pool,
          api,
          document: prepared.document,
          schemaName,
          writeAlgorithm: writeAlgorithmOf(prepared.document),
          org: { id: org.profileId, version: orgVersion },
          database: { id: database.profileId, version: databaseVersion },
          startedAt: new Date().toISOString(),
          message: null,
          demo: how.demo ?? null,
          ticker: undefined,
          generation,
          phases: new Map(),
        };
        // The engine's listeners go with it: a stopped engine is dropped whole.
        engine.subscribe((event) => onEngineEvent(current, event));
        run = current;
        try {
          await engine.start();
        } catch (error) {
          if (run === current) run = undefined;
          throw error;
        }
        current.ticker = setInterval(() => {
          if (listening()) statusPush.request();
        }, STATUS_TICK_MS);
        current.ticker.unref();
      } catch (error) {
        await engine?.stop().catch(() => {});
        await pool.end().catch(() => {});
        throw error;
      }
    } catch (error) {
      const refusal = asApiError(error);
      lastMessage = `The sync did not start: ${refusal.message}`;
      eventLog.add('error', lastMessage);
      throw refusal;
    } finally {
      starting = false;
      statusPush.request();
    }
  }

  async function stopRun(reason: string | null): Promise<void> {
    const current = run;
    if (!current) return;
    run = undefined;
    lastMessage = reason;
    clearInterval(current.ticker);
    if (reason) eventLog.add('warning', reason);
    await current.engine.stop().catch((error: unknown) => {
      eventLog.add('error', `The engine did not stop cleanly: ${messageOf(error)}`);
    });
    await current.pool.end().catch(() => {});
    countsStale = true;
    statusPush.request();
  }

  function onEngineEvent(current: Run, event: SyncEvent): void {
    eventLog.record(event, (table) => objectOfTable(current.document, table));
    switch (event.type) {
      case 'engine.state':
        current.message = event.message ?? null;
        statusPush.request();
        break;
      case 'write.batch':
        writtenSchema = current.schemaName;
        writtenPush.request();
        statusPush.request();
        break;
      case 'mapping.status': {
        // A load that ends (or a reload that empties the table) moves the row count by more
        // than a listener's ticks would catch up with: read it again once, listened to or not.
        const before = current.phases.get(event.status.objectName);
        const phase = event.status.phase;
        current.phases.set(event.status.objectName, phase);
        if (before !== phase && (before === 'initial_load' || phase === 'initial_load')) {
          countsStale = true;
        }
        statusPush.request();
        break;
      }
      case 'load.progress':
      case 'poll.done':
        statusPush.request();
        break;
      default:
        break;
    }
  }

  // --- The status.

  /** The status; `asked` when a client asked for it (only then are counts read again). */
  async function status(asked: boolean): Promise<SyncStatus> {
    if (asked) askedAt = Date.now();
    const at = new Date().toISOString();
    const current = run;
    const active = settings.get();
    const base = {
      apiUsage: null,
      apiCallsThisRun: 0,
      startedAt: null,
      writeAlgorithm: null,
      at,
    } satisfies Partial<SyncStatus>;
    if (current) {
      // The studio's pool of the same database, not the engine's: its loads keep theirs.
      const database = await connections.activeDatabase().catch(() => undefined);
      const found = await readCounts(
        database?.profileId === current.database.id && database.schemaName === current.schemaName
          ? database.pool
          : undefined,
        current.database.id,
        current.schemaName,
        current.document,
      );
      const statuses = new Map(current.engine.statuses().map((s) => [s.objectName, s]));
      const state = current.engine.state();
      return {
        ...base,
        engine: state === 'stopped' ? 'starting' : state,
        message: current.message,
        orgName: profileOf(current.org.id)?.name ?? null,
        databaseName: profileOf(current.database.id)?.name ?? null,
        schemaName: current.schemaName,
        writeAlgorithm: current.writeAlgorithm,
        startedAt: current.startedAt,
        mappings: current.document.mappings.map((mapping) => {
          const engineStatus = statuses.get(mapping.objectName);
          return mappingState(mapping, found, engineStatus ?? unsyncedStatus(mapping.objectName));
        }),
        apiUsage: current.api.dailyUsage ?? null,
        apiCallsThisRun: current.api.callsMade,
      };
    }

    const orgProfile = profileOf(active.activeOrgProfileId);
    const databaseProfile = profileOf(active.activeDbProfileId);
    const off = {
      ...base,
      engine: starting ? ('starting' as const) : ('off' as const),
      orgName: orgProfile?.name ?? null,
      databaseName: databaseProfile?.name ?? null,
      schemaName: databaseProfile?.kind === 'postgres' ? databaseProfile.schema : null,
      mappings: [],
    };
    if (!databaseProfile) {
      return {
        ...off,
        message:
          lastMessage ??
          'No database is active: choose one in Connections (or open the demo) to sync it.',
      };
    }
    let database;
    try {
      database = await connections.activeDatabase();
    } catch (error) {
      return { ...off, message: lastMessage ?? asApiError(error).message };
    }
    const found = await readCounts(database.pool, database.profileId, database.schemaName);
    const document = found.document;
    const hint = !document?.mappings.length
      ? `No mappings are applied to schema "${database.schemaName}" yet: design one in Mappings.`
      : !orgProfile
        ? 'No org is active: choose one in Connections to sync with.'
        : null;
    return {
      ...off,
      schemaName: database.schemaName,
      message: lastMessage ?? hint,
      mappings: (document?.mappings ?? []).map((mapping) => {
        const kept = found.kept.get(mapping.objectName.toLowerCase());
        return mappingState(mapping, found, {
          ...unsyncedStatus(mapping.objectName),
          phase: 'stopped',
          paused: kept?.paused ?? false,
          lastPollAt: kept?.lastPollAt?.toISOString() ?? null,
          highWaterMark: kept?.highWaterMark?.toISOString() ?? null,
          error: kept?.error ?? null,
        });
      }),
    };
  }

  function mappingState(
    mapping: MappingDocument['mappings'][number],
    found: Counts,
    engineStatus: Omit<MappingStatus, 'phase'> & { phase: SyncMappingState['phase'] },
  ): SyncMappingState {
    const table = tableNameFor(mapping.objectName);
    const log = found.log.get(table);
    return {
      objectName: mapping.objectName,
      table,
      access: mapping.access,
      phase: engineStatus.phase,
      paused: engineStatus.paused,
      lastPollAt: engineStatus.lastPollAt,
      nextPollAt: engineStatus.nextPollAt,
      highWaterMark: engineStatus.highWaterMark,
      load: engineStatus.load,
      error: engineStatus.error,
      rowCount: found.rows.get(table) ?? null,
      pending: log?.pending ?? 0,
      failed: log?.failed ?? 0,
    };
  }

  /**
   * The counts of one schema. Read again when they are stale (an apply, a switch, a load that
   * ended), or older than COUNTS_MAX_AGE_MS while a client listens; otherwise the last ones are
   * answered. Callers asking at the same time share one read. Without `document` (no engine)
   * the applied mappings and the engine's bookkeeping are read from the schema too. Without a
   * pool (the studio's is on another database by now) the last counts stand.
   */
  function readCounts(
    pool: pg.Pool | undefined,
    databaseId: string,
    schemaName: string,
    document?: MappingDocument,
  ): Promise<Counts> {
    const key = `${databaseId}|${schemaName}|${document ? 'running' : 'off'}`;
    const last = counts?.key === key ? counts : undefined;
    const fresh = last !== undefined && Date.now() - last.readAt < COUNTS_MAX_AGE_MS;
    if (last && !countsStale && (fresh || !listening())) return Promise.resolve(last);
    if (!pool) return Promise.resolve(last ?? emptyCounts(key, document));
    if (countsReading?.key === key) return countsReading.promise;
    countsStale = false;
    const promise = (async (): Promise<Counts> => {
      const applied = document ?? (await readApplied(pool, schemaName));
      const tables = (applied?.mappings ?? []).map((m) => tableNameFor(m.objectName));
      const where = `${databaseId}|${schemaName}`;
      const [rows, log, kept] = await Promise.all([
        countRows(pool, schemaName, tables, where),
        countLog(pool, schemaName, where),
        document
          ? Promise.resolve(new Map<string, MappingBookkeeping>())
          : withReadTimeout(pool, STATUS_READ_TIMEOUT_MS, (client) =>
              readBookkeeping(client, schemaName),
            ).catch(() => last?.kept ?? new Map<string, MappingBookkeeping>()),
      ]);
      const read: Counts = { key, readAt: Date.now(), document: applied, rows, log, kept };
      counts = read;
      return read;
    })().finally(() => {
      if (countsReading?.promise === promise) countsReading = undefined;
    });
    countsReading = { key, promise };
    return promise;
  }

  /**
   * Rows of each mapped table (src-main/postgres countTableRows: exact below 100,000 rows, the
   * estimate above). A table whose count failed keeps its last known value, else null.
   */
  async function countRows(
    pool: pg.Pool,
    schemaName: string,
    tables: string[],
    where: string,
  ): Promise<Map<string, number | null>> {
    const rows = new Map<string, number | null>();
    if (tables.length === 0) return rows;
    const counted = await countTableRows(pool, schemaName, tables, {
      budgetMs: ROW_COUNT_BUDGET_MS,
    }).catch(() => undefined);
    for (const table of tables) {
      const known = `${where}|${table}`;
      if (counted && !counted.has(table)) {
        // The table does not exist (dropped since the apply): no rows to show.
        knownRows.delete(known);
        rows.set(table, null);
        continue;
      }
      const count = counted?.get(table);
      // An estimate of a small table is what a count that failed fell back to: a count from
      // before is closer. Big tables are estimated on purpose.
      if (count && (count.exact || count.rows >= EXACT_COUNT_BELOW || !knownRows.has(known))) {
        knownRows.set(known, count.rows);
        rows.set(table, count.rows);
      } else {
        rows.set(table, knownRows.get(known) ?? null);
      }
    }
    return rows;
  }

  /** Waiting and FAILED trigger-log rows per table; a failed read keeps the last ones. */
  async function countLog(pool: pg.Pool, schemaName: string, where: string): Promise<LogCounts> {
    try {
      const log = await countTriggerLog(pool, schemaName);
      knownLog.set(where, log);
      return log;
    } catch (error) {
      // No trigger log in this schema (nothing applied yet): nothing waits.
      if ((error as { code?: unknown } | null)?.code === '42P01') return new Map();
      return knownLog.get(where) ?? new Map();
    }
  }

  // --- Controls.

  async function control(
    objectName: string | undefined,
    act: (engine: SyncEngine, objectName: string | undefined) => Promise<void>,
  ): Promise<SyncStatus> {
    const current = run;
    if (!current) throw new ApiError('CONFLICT', NOT_RUNNING);
    let name: string | undefined;
    if (objectName !== undefined) {
      const mapping = current.document.mappings.find(
        (m) => m.objectName.toLowerCase() === objectName.toLowerCase(),
      );
      const synced = current.engine.statuses().map((s) => s.objectName);
      if (!mapping || !synced.includes(mapping.objectName)) {
        throw new ApiError(
          'NOT_FOUND',
          `No mapping of ${objectName} is synced; the synced ones are ${synced.join(', ') || 'none'}.`,
          { object: objectName, mapped: synced },
        );
      }
      name = mapping.objectName;
    }
    try {
      await act(current.engine, name);
    } catch (error) {
      throw new ApiError('REMOTE_ERROR', `The engine could not do that: ${messageOf(error)}`);
    }
    countsStale = true;
    statusPush.request();
    return status(true);
  }

  return {
    status: () => status(true),

    start: () =>
      exclusive(async () => {
        if (!run) await startRun({});
        return status(true);
      }),

    stop: () =>
      exclusive(async () => {
        if (run) {
          await stopRun(null);
          eventLog.add(
            'info',
            'The sync was stopped; changes made meanwhile wait in the trigger log.',
          );
        }
        return status(true);
      }),

    pause: (objectName) => control(objectName, (engine, name) => engine.pause(name)),
    resume: (objectName) => control(objectName, (engine, name) => engine.resume(name)),
    reload: (objectName) => control(objectName, (engine, name) => engine.reload(name!)),

    log: (limit): ApiResult<'sync.log'> => ({ entries: eventLog.entries(limit) }),

    async openDemo() {
      const began = Date.now();
      const answer = (services: DemoServices): ApiResult<'demo.open'> => ({
        database: services.database,
        schemaName: services.schemaName,
        org: services.org,
        durationMs: Date.now() - began,
      });
      if (run?.demo && !staleReason(run)) return answer(run.demo);
      demoOpening ??= exclusive(async () => {
        if (run?.demo && !staleReason(run)) return run.demo;
        const services = await startDemoServices(connections);
        if (run) await stopRun('The sync stopped: the demo was opened and runs its own.');
        await startRun({
          incoming: loadDemoMappings(),
          // A schema that has mappings applied (the demo's, perhaps edited since) starts on
          // them: only demo objects it does not map yet are added.
          keepApplied: true,
          // Its one warning (a self-reference under merged writes) is Heroku Connect's caveat;
          // this engine sends such references as a second update, so the demo does not shout it.
          warnings: false,
          demo: services,
        });
        events.emit('mappings.changed', { schemaName: services.schemaName });
        return services;
      }).finally(() => {
        demoOpening = undefined;
      });
      return answer(await demoOpening);
    },

    running() {
      const current = run;
      if (!current) return null;
      if (settings.get().activeDbProfileId !== current.database.id) return null;
      return { schemaName: current.schemaName, writeAlgorithm: current.writeAlgorithm };
    },

    mappingsApplied() {
      const generation = ++appliedGeneration;
      countsStale = true;
      statusPush.request();
      // In turn with starts and stops: an engine starting now may have read the schema before
      // this apply, and is restarted once it stands; one that read it after is left alone.
      return exclusive(async () => {
        const current = run;
        if (!current || current.generation >= generation) return;
        await stopRun(null);
        eventLog.add('info', 'The applied mappings changed: the engine restarts on them.');
        // A refused restart is reported in the status and the log; the apply itself stands.
        await startRun({ demo: current.demo }).catch(() => {});
      });
    },

    async close() {
      closed = true;
      unsubscribeBus();
      statusPush.close();
      writtenPush.close();
      await exclusive(() => stopRun(null));
      eventLog.close();
    },
  };
}

// --- Helpers.

async function openEnginePool(url: string): Promise<pg.Pool> {
  try {
    return await openPool(url, { max: ENGINE_POOL_SIZE, applicationName: ENGINE_APPLICATION_NAME });
  } catch (error) {
    if (error instanceof PostgresConnectError) throw new ApiError('CONNECT_FAILED', error.message);
    throw error;
  }
}

async function readApplied(
  pool: pg.Pool,
  schemaName: string,
): Promise<MappingDocument | undefined> {
  try {
    return appliedMappings(await introspectSchema(pool, schemaName));
  } catch {
    return undefined;
  }
}

function emptyCounts(key: string, document: MappingDocument | undefined): Counts {
  return { key, readAt: 0, document, rows: new Map(), log: new Map(), kept: new Map() };
}

/**
 * Waiting (NEW + PENDING) and FAILED trigger-log rows per table in one statement, under a time
 * limit; each half is answered by a partial index on its states (Heroku Connect's on NEW and
 * PENDING, ours on the states other than SUCCESS) rather than a scan of every processed row.
 */
async function countTriggerLog(pool: pg.Pool, schemaName: string): Promise<LogCounts> {
  const counted: LogCounts = new Map();
  const log = `${quoteIdentifier(schemaName)}."_trigger_log"`;
  const result = await withReadTimeout(pool, STATUS_READ_TIMEOUT_MS, (client) =>
    client.query<{ table_name: string; failed: boolean; n: string }>(
      `SELECT table_name, false AS failed, count(*)::bigint AS n FROM ${log}
        WHERE state IN ('NEW', 'PENDING') GROUP BY table_name
       UNION ALL
       SELECT table_name, true, count(*)::bigint FROM ${log}
        WHERE state = 'FAILED' GROUP BY table_name`,
    ),
  );
  for (const row of result.rows) {
    const entry = counted.get(row.table_name) ?? { pending: 0, failed: 0 };
    if (row.failed) entry.failed += Number(row.n);
    else entry.pending += Number(row.n);
    counted.set(row.table_name, entry);
  }
  return counted;
}

function objectOfTable(document: MappingDocument, table: string): string | undefined {
  return document.mappings.find((m) => tableNameFor(m.objectName) === table)?.objectName;
}

/** A mapping the engine does not run (its describe left it out): the event log says why. */
function unsyncedStatus(objectName: string): MappingStatus {
  return {
    objectName,
    table: tableNameFor(objectName),
    phase: 'error',
    paused: false,
    lastPollAt: null,
    nextPollAt: null,
    highWaterMark: null,
    load: null,
    error: 'This mapping is not synced: the event log says why.',
  };
}

function levelOfLine(line: string): SyncLogEntry['level'] {
  if (/^error\b/.test(line)) return 'error';
  if (/^applied the mappings\b/.test(line)) return 'info';
  return 'warning';
}

function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof PrepareSyncError) {
    const { failure } = error;
    switch (failure.kind) {
      case 'no-mappings':
        return new ApiError(
          'CONFLICT',
          `No mappings are applied to schema "${failure.schemaName}" yet: design one in Mappings.`,
        );
      case 'tables-gone':
        return new ApiError(
          'CONFLICT',
          `Every table of the applied mappings is gone from schema "${failure.schemaName}": apply the mappings again in Mappings.`,
        );
      case 'invalid': {
        const first = failure.errors[0];
        return new ApiError(
          'CONFLICT',
          `${error.message}${first ? ` The first: ${first.object}${first.field ? `.${first.field}` : ''}: ${first.message} ${first.fix}` : ''}`,
          { problems: failure.errors },
        );
      }
      case 'schema-name':
        return new ApiError('CONFLICT', `The sync schema cannot be used: ${error.message}`);
      case 'describes':
      case 'apply':
        return new ApiError('REMOTE_ERROR', error.message);
    }
  }
  return new ApiError('REMOTE_ERROR', messageOf(error));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
