// The Sync dashboard's engine: one sync engine at a time between the active org and database,
// started, paused, reloaded and stopped through the contract, watched through its events. The
// engine gets a pool of its own (its loads must not starve the other workspaces' queries); the
// dashboard's counts (rows per table, pending and failed changes) come from the studio's pool,
// read at most every two seconds however often the status is asked for.
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
import { PostgresConnectError, introspectSchema, openPool } from '../postgres';
import { ProfilesService } from '../profiles';
import { SettingsService } from '../settings';
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
  /** Pushes a status every STATUS_TICK_MS once the engine runs. */
  ticker: NodeJS.Timeout | undefined;
}

/** What the dashboard counts, read together and kept for COUNTS_MAX_AGE_MS. */
interface Counts {
  key: string;
  readAt: number;
  /** The applied mappings (read from the schema only while no engine runs). */
  document: MappingDocument | undefined;
  rows: Map<string, number>;
  log: Map<string, { pending: number; failed: number }>;
  kept: Map<string, MappingBookkeeping>;
}

export function createSyncService(options: SyncControlOptions): SyncService & {
  /** The mappings service applied a document: a running engine takes it up. */
  mappingsApplied(): Promise<void>;
  close(): Promise<void>;
} {
  const { connections, cache, events } = options;
  // Read-only views of the studio's settings and profiles (names, the active ids, versions).
  const settings = new SettingsService(cache, events);
  const profiles = new ProfilesService(cache);

  let run: Run | undefined;
  let starting = false;
  let closed = false;
  /** Why the engine is off (a stop, a failed start), until the next start. */
  let lastMessage: string | null = null;
  let counts: Counts | undefined;
  let countsReading: { key: string; promise: Promise<Counts> } | undefined;
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
    events.emit('sync.status', await status());
  }, PUSH_EVERY_MS);
  const writtenPush = createThrottle(() => {
    if (writtenSchema)
      events.emit('triggerLog.changed', { schemaName: writtenSchema, reason: 'written' });
  }, PUSH_EVERY_MS);

  const unsubscribeBus = events.subscribe((envelope) => {
    if (closed) return;
    if (envelope.event === 'mappings.changed') {
      counts = undefined;
      if (!run) statusPush.request();
    } else if (envelope.event === 'settings.changed' || envelope.event === 'profiles.changed') {
      counts = undefined;
      // Judged when its turn comes: the demo changes the active profiles on purpose, then
      // starts an engine on them, which must not be stopped for it.
      if (run) void exclusive(() => stopIfStale());
      else statusPush.request();
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
    warnings?: boolean;
    demo?: DemoServices | null;
  }): Promise<void> {
    if (closed) throw new ApiError('UNAVAILABLE', 'The studio is shutting down; start it again.');
    starting = true;
    lastMessage = null;
    counts = undefined;
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
        current.ticker = setInterval(() => statusPush.request(), STATUS_TICK_MS);
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
    counts = undefined;
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
      case 'mapping.status':
      case 'load.progress':
      case 'poll.done':
        statusPush.request();
        break;
      default:
        break;
    }
  }

  // --- The status.

  async function status(): Promise<SyncStatus> {
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
      const found = await readCounts(
        current.pool,
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
   * The counts of one schema, read again when older than COUNTS_MAX_AGE_MS; callers asking at
   * the same time share one read. Without `document` (no engine) the applied mappings and the
   * engine's bookkeeping are read from the schema too.
   */
  function readCounts(
    pool: pg.Pool,
    databaseId: string,
    schemaName: string,
    document?: MappingDocument,
  ): Promise<Counts> {
    const key = `${databaseId}|${schemaName}|${document ? 'running' : 'off'}`;
    if (counts && counts.key === key && Date.now() - counts.readAt < COUNTS_MAX_AGE_MS) {
      return Promise.resolve(counts);
    }
    if (countsReading?.key === key) return countsReading.promise;
    const promise = (async (): Promise<Counts> => {
      const applied = document ?? (await readApplied(pool, schemaName));
      const tables = (applied?.mappings ?? []).map((m) => tableNameFor(m.objectName));
      const [rows, log, kept] = await Promise.all([
        countRows(pool, schemaName, tables),
        countTriggerLog(pool, schemaName),
        document
          ? Promise.resolve(new Map<string, MappingBookkeeping>())
          : readBookkeeping(pool, schemaName).catch(() => new Map<string, MappingBookkeeping>()),
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
    counts = undefined;
    statusPush.request();
    return status();
  }

  return {
    status,

    start: () =>
      exclusive(async () => {
        if (!run) await startRun({});
        return status();
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
        return status();
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

    async mappingsApplied() {
      counts = undefined;
      if (!run) {
        statusPush.request();
        return;
      }
      await exclusive(async () => {
        const current = run;
        if (!current) return;
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

/** Rows of each mapped table that exists (one statement for all of them). */
async function countRows(
  pool: pg.Pool,
  schemaName: string,
  tables: string[],
): Promise<Map<string, number>> {
  const counted = new Map<string, number>();
  if (tables.length === 0) return counted;
  try {
    const existing = await pool.query<{ relname: string }>(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname = ANY($2::text[]) AND c.relkind IN ('r', 'p')`,
      [schemaName, tables],
    );
    const present = tables.filter((t) => existing.rows.some((r) => r.relname === t));
    if (present.length === 0) return counted;
    const schema = quoteIdentifier(schemaName);
    const sql = present
      .map((t, i) => `SELECT ${i} AS i, count(*)::bigint AS n FROM ${schema}.${quoteIdentifier(t)}`)
      .join(' UNION ALL ');
    const result = await pool.query<{ i: number; n: string }>(sql);
    for (const row of result.rows) counted.set(present[row.i]!, Number(row.n));
  } catch {
    // A table dropped between the two statements: no counts this time, the next read has them.
  }
  return counted;
}

/**
 * Waiting (NEW + PENDING) and FAILED trigger-log rows per table in one statement; each half is
 * answered by the log's partial index on its states rather than a scan of every processed row.
 */
async function countTriggerLog(
  pool: pg.Pool,
  schemaName: string,
): Promise<Map<string, { pending: number; failed: number }>> {
  const counted = new Map<string, { pending: number; failed: number }>();
  const log = `${quoteIdentifier(schemaName)}."_trigger_log"`;
  try {
    const result = await pool.query<{ table_name: string; failed: boolean; n: string }>(
      `SELECT table_name, false AS failed, count(*)::bigint AS n FROM ${log}
        WHERE state IN ('NEW', 'PENDING') GROUP BY table_name
       UNION ALL
       SELECT table_name, true, count(*)::bigint FROM ${log}
        WHERE state = 'FAILED' GROUP BY table_name`,
    );
    for (const row of result.rows) {
      const entry = counted.get(row.table_name) ?? { pending: 0, failed: 0 };
      if (row.failed) entry.failed += Number(row.n);
      else entry.pending += Number(row.n);
      counted.set(row.table_name, entry);
    }
  } catch {
    // No trigger log in this schema (nothing applied yet): nothing waits.
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
