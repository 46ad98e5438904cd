// The trigger-log inspector's backend: pages of `_trigger_log` and its archive on the active
// database, rows by id, rows per state, one row in full (with the mapped row and the Salesforce
// record beside it), and retry / ignore. Reads need only SELECT and create nothing, so they work
// on a database Heroku Connect laid out, through a read-only role; actions the database refuses
// come back as a sentence saying why. While a client reads the log, captured changes are pushed
// as `triggerLog.changed` (trigger-log-watch.ts).
import { DatabaseError } from 'pg';
import { ApiError, type ApiResult, type TriggerLogFilterJson } from '../../src-shared/api';
import {
  appliedMappings,
  mappingsFromSnapshot,
  tableNameFor,
  writeAlgorithmOf,
  type Mapping,
  type WriteAlgorithm,
} from '../../src-shared/mapping';
import type { DatabaseConnection } from '../connections';
import { normalizeId } from '../local-org';
import { introspectSchema } from '../postgres';
import {
  TriggerLogOperationError,
  ignoreTriggerLogRows,
  pageTriggerLog,
  retryMatchingTriggerLogRows,
  retryTriggerLogRows,
  triggerLogRow,
  triggerLogRowsById,
  triggerLogStateCounts,
  type TriggerLogSelection,
} from '../sync';
import type { SyncControlOptions } from './sync-control';
import { createDescribeCache, triggerLogDetail } from './trigger-log-detail';
import { createTriggerLogWatch } from './trigger-log-watch';
import type { SyncService, TriggerLogService } from './types';

/** What the schema's tables say (mappings, whether there is a log), read again after this. */
const SCHEMA_INFO_MAX_AGE_MS = 5_000;
/**
 * Rows per state are read again after this (they come from indexes and estimates, a few ms on
 * a million rows with the planner's indexes; a Heroku Connect database without them scans).
 */
const COUNTS_MAX_AGE_MS = 3_000;

interface SchemaInfo {
  hasLog: boolean;
  /** Mapping per mapped table: the applied document's, else read from the tables. */
  mappings: Map<string, Mapping>;
  tables: string[];
  /** The applied document's write algorithm, when one was applied here. */
  writeAlgorithm: WriteAlgorithm | null;
}

/** The last answer for one key, kept `maxAgeMs`; a failed one is not kept. */
function memo<T>(maxAgeMs: number) {
  let entry: { key: string; at: number; value: Promise<T> } | undefined;
  return {
    get(key: string, load: () => Promise<T>): Promise<T> {
      if (entry && entry.key === key && Date.now() - entry.at < maxAgeMs) return entry.value;
      const current = { key, at: Date.now(), value: load() };
      current.value.catch(() => {
        if (entry === current) entry = undefined;
      });
      entry = current;
      return current.value;
    },
    clear() {
      entry = undefined;
    },
  };
}

const keyOf = (db: DatabaseConnection) => `${db.profileId}\u0000${db.url}\u0000${db.schemaName}`;

/** The inspector's filter as the operations take it. */
function selectionOf(filter: TriggerLogFilterJson): TriggerLogSelection {
  const selection: TriggerLogSelection = { source: filter.source ?? 'both' };
  if (filter.states && filter.states.length > 0) selection.states = filter.states;
  if (filter.table !== undefined) selection.table = filter.table;
  if (filter.action !== undefined) selection.action = filter.action;
  if (filter.since !== undefined && filter.since !== '') selection.since = filter.since;
  if (filter.until !== undefined && filter.until !== '') selection.until = filter.until;
  if (filter.text !== undefined && filter.text.trim() !== '') selection.text = filter.text;
  if (filter.recordId !== undefined) selection.recordId = filter.recordId;
  if (filter.sfid !== undefined) {
    // Heroku Connect keeps 18-character Ids; a pasted 15-character one gets its suffix.
    selection.sfid = normalizeId(filter.sfid) ?? filter.sfid;
  }
  return selection;
}

function noLog(schemaName: string): ApiError {
  return new ApiError(
    'NOT_FOUND',
    `Schema ${schemaName} has no trigger log (_trigger_log): nothing is mapped read-write there ` +
      'yet. Apply mappings in Mappings (or pick the database and schema Heroku Connect writes).',
  );
}

/**
 * An operation's failure as the contract's error. Refusals are the operation's sentence
 * (CONFLICT for actions, BAD_PARAMS for a bad filter); what the database refuses (a read-only
 * role, a missing table) says so and why; lost connections say what to check.
 */
function apiErrorOf(error: unknown, schemaName: string, doing: 'read' | 'change'): unknown {
  if (error instanceof ApiError) return error;
  if (error instanceof TriggerLogOperationError) {
    return new ApiError(doing === 'change' ? 'CONFLICT' : 'BAD_PARAMS', error.message);
  }
  if (error instanceof DatabaseError) {
    if (error.code === '42P01' || error.code === '3F000') return noLog(schemaName);
    const what =
      doing === 'change'
        ? `change ${schemaName}._trigger_log`
        : `read ${schemaName}._trigger_log and its archive`;
    if (error.code === '42501' || error.code === '25006') {
      return new ApiError(
        'REMOTE_ERROR',
        `The database refused to ${what}: ${error.message}. The database user may only read ` +
          (doing === 'change'
            ? "here (as on a database Heroku Connect manages): connect with a user that may update the trigger log, or retry from Heroku Connect's dashboard."
            : 'some tables: grant it SELECT on the schema, or connect with another user.'),
      );
    }
    return new ApiError('REMOTE_ERROR', `The database refused to ${what}: ${error.message}.`);
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
    return new ApiError(
      'CONNECT_FAILED',
      `The database could not be reached (${code}): check that it is running, then try again.`,
    );
  }
  return error;
}

export function createTriggerLogService(
  options: SyncControlOptions & { sync: SyncService },
): TriggerLogService & { close(): Promise<void> } {
  const { connections, events, sync, log } = options;
  const schemaInfo = memo<SchemaInfo>(SCHEMA_INFO_MAX_AGE_MS);
  const counts = memo<Awaited<ReturnType<typeof triggerLogStateCounts>>>(COUNTS_MAX_AGE_MS);
  const describes = createDescribeCache();

  const watch = createTriggerLogWatch({
    onCaptured: (schemaName) =>
      events.emit('triggerLog.changed', { schemaName, reason: 'captured' }),
    log,
  });

  const unsubscribe = events.subscribe((envelope) => {
    if (envelope.event === 'mappings.changed') schemaInfo.clear();
    // Written, captured, archived: the counts moved.
    if (envelope.event === 'triggerLog.changed') counts.clear();
    if (envelope.event === 'settings.changed' || envelope.event === 'profiles.changed') {
      // The active database may have changed: a watch in use follows it.
      if (!watch.inUse()) return;
      connections.activeDatabase().then(
        (db) => watch.use({ key: keyOf(db), url: db.url, schemaName: db.schemaName }, false),
        () => void watch.release(),
      );
    }
  });

  const database = () => connections.activeDatabase();

  /** The inspector is in use on this database (list and summary say so). */
  const touch = (db: DatabaseConnection) =>
    watch.use({ key: keyOf(db), url: db.url, schemaName: db.schemaName });

  function infoOf(db: DatabaseConnection): Promise<SchemaInfo> {
    return schemaInfo.get(keyOf(db), async () => {
      const snapshot = await introspectSchema(db.pool, db.schemaName);
      const applied = appliedMappings(snapshot);
      const document =
        applied ?? (snapshot.tables.some((t) => t.mapped) ? mappingsFromSnapshot(snapshot) : null);
      const mappings = new Map<string, Mapping>();
      for (const mapping of document?.mappings ?? []) {
        mappings.set(tableNameFor(mapping.objectName), mapping);
      }
      const tables = new Set(mappings.keys());
      for (const table of snapshot.tables) if (table.mapped) tables.add(table.name);
      return {
        hasLog: snapshot.systemTables.triggerLog,
        mappings,
        tables: [...tables].sort(),
        writeAlgorithm: applied ? writeAlgorithmOf(applied) : null,
      };
    });
  }

  /** How retries requeue: the running engine's algorithm, else the applied document's. */
  async function algorithmOf(db: DatabaseConnection): Promise<WriteAlgorithm> {
    const running = sync.running();
    if (running && running.schemaName === db.schemaName) return running.writeAlgorithm;
    const info = await infoOf(db);
    return info.writeAlgorithm ?? 'merged';
  }

  /** Runs `work` on the active database with the contract's errors. */
  async function onDatabase<T>(
    doing: 'read' | 'change',
    work: (db: DatabaseConnection) => Promise<T>,
  ): Promise<T> {
    const db = await database();
    try {
      return await work(db);
    } catch (error) {
      throw apiErrorOf(error, db.schemaName, doing);
    }
  }

  const changed = (schemaName: string, reason: 'retried' | 'ignored') => {
    counts.clear();
    events.emit('triggerLog.changed', { schemaName, reason });
  };

  return {
    list: (params) =>
      onDatabase('read', async (db) => {
        touch(db);
        const started = performance.now();
        const page = await pageTriggerLog(db.pool, db.schemaName, selectionOf(params.filter), {
          limit: params.limit,
          ...(params.beforeId !== undefined ? { beforeId: params.beforeId } : {}),
        });
        const durationMs = Math.round((performance.now() - started) * 10) / 10;
        return { rows: page.rows, hasMore: page.hasMore, durationMs };
      }),

    rows: (ids) =>
      onDatabase('read', async (db) => ({
        rows: await triggerLogRowsById(db.pool, db.schemaName, ids),
      })),

    summary: () =>
      onDatabase('read', async (db): Promise<ApiResult<'triggerLog.summary'>> => {
        touch(db);
        const info = await infoOf(db);
        if (!info.hasLog) throw noLog(db.schemaName);
        const { live, archive } = await counts.get(keyOf(db), () =>
          triggerLogStateCounts(db.pool, db.schemaName),
        );
        const running = sync.running();
        const engineRunning = running !== null && running.schemaName === db.schemaName;
        return {
          schemaName: db.schemaName,
          live,
          archive,
          tables: info.tables,
          engineRunning,
          writeAlgorithm: engineRunning
            ? running.writeAlgorithm
            : (info.writeAlgorithm ?? 'merged'),
        };
      }),

    detail: (id) =>
      onDatabase('read', async (db) => {
        const row = await triggerLogRow(db.pool, db.schemaName, id);
        if (!row) {
          throw new ApiError(
            'NOT_FOUND',
            `Trigger-log row ${id} is not in ${db.schemaName}._trigger_log or its archive ` +
              '(archived rows are purged after 31 days).',
          );
        }
        const info = await infoOf(db);
        return triggerLogDetail({
          pool: db.pool,
          schemaName: db.schemaName,
          row,
          mapping: info.mappings.get(row.table),
          connections,
          describes,
        });
      }),

    retry: (ids) =>
      onDatabase('change', async (db) => {
        const algorithm = await algorithmOf(db);
        const result = await retryTriggerLogRows(db.pool, db.schemaName, { ids }, algorithm);
        changed(db.schemaName, 'retried');
        return result;
      }),

    retryMatching: (filter) =>
      onDatabase('change', async (db) => {
        const algorithm = await algorithmOf(db);
        const result = await retryMatchingTriggerLogRows(
          db.pool,
          db.schemaName,
          selectionOf(filter),
          algorithm,
        );
        changed(db.schemaName, 'retried');
        return result;
      }),

    ignore: (ids) =>
      onDatabase('change', async (db) => {
        const result = await ignoreTriggerLogRows(db.pool, db.schemaName, { ids });
        changed(db.schemaName, 'ignored');
        return result;
      }),

    close: async () => {
      unsubscribe();
      await watch.close();
    },
  };
}
