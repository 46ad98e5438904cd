// The Mapping editor's backend: what the active database has applied, the editor's checks of a
// document against the active org, applying a whole document (replace semantics: the editor
// always sends everything), and the unapplied draft kept in the studio's cache.
import type pg from 'pg';
import { ApiError, type ApiResult } from '../../src-shared/api';
import {
  ConnectExportError,
  SchemaPlanError,
  appliedMappings,
  formatConnectExport,
  mappingsFromSnapshot,
  parseConnectExport,
  tableNameFor,
  toConnectExport,
  validateMappings,
  writeAlgorithmOf,
  type DatabaseSnapshot,
  type Mapping,
  type MappingDocument,
  type MappingProblem,
} from '../../src-shared/mapping';
import type { DescribeCatalog } from '../../src-shared/salesforce';
import type { DatabaseConnection, OrgConnection } from '../connections';
import { databaseFailure, orgFailure } from '../explore';
import {
  SchemaApplyError,
  applyMappingDocument,
  countTableRows,
  introspectSchema,
  type RowCount,
} from '../postgres';
import { LiveDescribes } from '../salesforce';
import type { SyncControlOptions } from './sync-control';
import type { MappingsService, SyncService } from './types';

type MappingsState = ApiResult<'mappings.state'>;
type MappedTableState = MappingsState['tables'][number];
type ProblemJson = ApiResult<'mappings.validate'>['problems'][number];

/** Drafts above this are refused: the cache keeps edits, not data. */
export const MAX_DRAFT_BYTES = 5 * 1024 * 1024;
/**
 * Exact row counts of the mapped tables share this much time; a big table (EXACT_COUNT_BELOW
 * rows or more), or what is left uncounted when the time runs out, reports the planner's
 * estimate, so one huge table (or one locked by an apply elsewhere) never stalls the editor's
 * first paint.
 */
export const ROW_COUNT_BUDGET_MS = 1_000;
/**
 * validate runs on the editor's edits: describes fetched for it are reused this long, so live
 * validation does not spend the org's API calls on every keystroke. apply always describes anew.
 */
const VALIDATE_DESCRIBES_KEEP_MS = 60_000;

export function createMappingsService(
  options: SyncControlOptions & { sync: SyncService & { mappingsApplied(): Promise<void> } },
): MappingsService {
  const { connections, cache, events, sync, log } = options;
  /** The applies in flight, one after another: a plan is only right against the schema it read. */
  let applying: Promise<unknown> = Promise.resolve();
  let validateDescribes: { conn: OrgConnection['conn']; at: number; live: LiveDescribes } | null =
    null;
  /**
   * Draft saves in this run, counted: an apply settles (forgets) the draft only when none was
   * saved since it began, timestamps being too coarse to tell a save from an apply begun in the
   * same millisecond. The last count per database profile and schema.
   */
  let draftSaveCount = 0;
  const draftSaves = new Map<string, number>();
  const draftKey = (profileId: string, schemaName: string) => `${profileId}\u0000${schemaName}`;

  const describesFor = (org: OrgConnection, reuse: boolean): LiveDescribes => {
    const now = Date.now();
    if (
      reuse &&
      validateDescribes &&
      validateDescribes.conn === org.conn &&
      now - validateDescribes.at < VALIDATE_DESCRIBES_KEEP_MS
    ) {
      return validateDescribes.live;
    }
    const live = new LiveDescribes(org.conn);
    validateDescribes = { conn: org.conn, at: now, live };
    return live;
  };

  /** Describes of the mapped objects and their lookups' parents, and the document's problems. */
  const checkAgainstOrg = async (
    document: MappingDocument,
    reuseDescribes: boolean,
  ): Promise<{ org: OrgConnection; catalog: DescribeCatalog; problems: MappingProblem[] }> => {
    const org = await connections.activeOrg();
    try {
      const { catalog, result } = await describesFor(org, reuseDescribes).describeFor((catalog) => {
        // As prepareSync does: relationship external-ID columns resolve through the parents.
        for (const mapping of document.mappings) {
          for (const field of catalog.describe(mapping.objectName)?.fields ?? []) {
            for (const parent of field.referenceTo) catalog.describe(parent);
          }
        }
        return validateMappings(document.mappings, catalog, {
          writeAlgorithm: writeAlgorithmOf(document),
        });
      });
      return { org, catalog, problems: result };
    } catch (error) {
      // A failed describe must not be remembered as the org's answer.
      validateDescribes = null;
      throw orgFailure(error, org.conn.instanceUrl);
    }
  };

  const readState = async (database: DatabaseConnection): Promise<MappingsState> => {
    const { pool, profileId, schemaName } = database;
    const snapshot = await introspect(pool, schemaName);
    const recorded = appliedMappings(snapshot);
    const fromTables =
      !recorded && snapshot.tables.some((t) => t.mapped) ? mappingsFromSnapshot(snapshot) : null;
    const applied = recorded ?? fromTables;
    const draft = cache.mappingDrafts.get(profileId, schemaName);
    return {
      databaseName: cache.profiles.get(profileId)?.name ?? profileId,
      schemaName,
      applied: applied ? formatConnectExport(applied) : null,
      appliedFrom: recorded ? 'hcmeta' : fromTables ? 'tables' : null,
      appliedAt: applied ? lastAppliedAt(applied) : null,
      organizationId:
        applied?.connection?.organizationId ??
        [...snapshot.hcmeta].reverse().find((row) => row.orgId)?.orgId ??
        null,
      snapshot,
      tables: applied ? await tableStates(pool, snapshot, applied.mappings) : [],
      draft: draft ? { document: draft.document, savedAt: draft.savedAt } : null,
    };
  };

  /**
   * The database part of an apply: read the schema, plan against it, run, report. `request` is
   * the document as sent and the draft save last counted when the apply began (which drafts it
   * settles).
   */
  const applyChecked = async (
    incoming: MappingDocument,
    checked: { org: OrgConnection; catalog: DescribeCatalog; problems: MappingProblem[] },
    allowDrop: boolean,
    request: { text: string; savesBefore: number },
  ): Promise<ApiResult<'mappings.apply'>> => {
    const { catalog, problems } = checked;
    const database = await connections.activeDatabase();
    const { pool, profileId, schemaName } = database;
    const snapshot = await introspect(pool, schemaName);
    const recorded = appliedMappings(snapshot);
    const before =
      recorded ?? (snapshot.tables.some((t) => t.mapped) ? mappingsFromSnapshot(snapshot) : null);
    const document = stampedForApply(incoming, recorded, checked.org.orgKey, new Date());

    let result: Awaited<ReturnType<typeof applyMappingDocument>>;
    try {
      result = await applyMappingDocument(pool, {
        schemaName,
        document,
        catalog,
        snapshot,
        applied: recorded,
        allowDrop,
      });
    } catch (error) {
      // The messages are already sentences that say nothing changed (as `mapping apply` prints).
      if (error instanceof SchemaApplyError) {
        throw new ApiError('REMOTE_ERROR', error.message, {
          ...(error.postgresCode ? { sqlState: error.postgresCode } : {}),
          ...(error.statement ? { statement: error.statement.purpose } : {}),
        });
      }
      if (error instanceof SchemaPlanError) {
        throw new ApiError(
          'BAD_PARAMS',
          `The sync schema of this database profile cannot be used: ${error.message} ` +
            'Edit the profile in Connections to name another schema.',
        );
      }
      throw databaseFailure(error);
    }
    const { plan, unchanged } = result;

    // The draft this apply settles: one saved before it began, or the very text applied. One
    // saved since (the user edited on while it ran) is newer work, and stays.
    const draft = cache.mappingDrafts.get(profileId, schemaName);
    const savedSince = (draftSaves.get(draftKey(profileId, schemaName)) ?? 0) > request.savesBefore;
    if (draft && (!savedSince || draft.document.trim() === request.text.trim())) {
      cache.mappingDrafts.forget(profileId, schemaName);
    }
    if (!unchanged) {
      events.emit('mappings.changed', { schemaName });
      // A running engine restarts on the new document after this answer, not before it: the
      // restart's outcome shows in sync.status and sync.log (a refused one says why there).
      void sync.mappingsApplied().catch((error: unknown) => {
        log(`connect-studio: the sync did not restart after an apply: ${String(error)}`);
      });
    }
    return {
      unchanged,
      statementsRun: result.statementsRun,
      createdTables: unchanged ? [] : plan.tables.filter((t) => !t.exists).map((t) => t.table),
      destructive: unchanged
        ? []
        : plan.statements.filter((s) => s.destructive).map((s) => s.purpose),
      warnings: [
        ...plan.warnings.map((w) => w.message),
        ...removedMappingWarnings(before, document, schemaName),
        ...problems.map((p) => `${p.message} ${p.fix}`),
      ],
      state: await readState(database),
    };
  };

  return {
    state: async () => readState(await connections.activeDatabase()),

    validate: async (text) => {
      const document = parseDocument(text);
      const { problems } = await checkAgainstOrg(document, true);
      return { problems: problems.map(problemJson) };
    },

    apply: async (text, allowDrop) => {
      const savesBefore = draftSaveCount;
      const incoming = parseDocument(text);
      await connections.activeDatabase();
      const checked = await checkAgainstOrg(incoming, false);
      refuseOnErrors(checked.problems);
      // Describing may run side by side; reading the schema, planning and running may not.
      const run = applying.then(() =>
        applyChecked(incoming, checked, allowDrop, { text, savesBefore }),
      );
      applying = run.catch(() => {});
      return run;
    },

    saveDraft: async (document) => {
      const { profileId, schemaName } = await connections.activeDatabase();
      const counted = () => draftSaves.set(draftKey(profileId, schemaName), ++draftSaveCount);
      if (document === null) {
        counted();
        cache.mappingDrafts.forget(profileId, schemaName);
        return { savedAt: null };
      }
      const bytes = Buffer.byteLength(document, 'utf8');
      if (bytes > MAX_DRAFT_BYTES) {
        throw new ApiError(
          'BAD_PARAMS',
          `The draft is ${megabytes(bytes)} MB; drafts are kept up to ${megabytes(MAX_DRAFT_BYTES)} MB. ` +
            'Export the document to a file instead, or apply it.',
          { bytes, maxBytes: MAX_DRAFT_BYTES },
        );
      }
      counted();
      return { savedAt: cache.mappingDrafts.put({ profileId, schemaName, document }).savedAt };
    },
  };
}

// --- The document.

/** Export JSON to a document; every problem named with its path (BAD_PARAMS). */
function parseDocument(text: string): MappingDocument {
  try {
    return parseConnectExport(text);
  } catch (error) {
    if (error instanceof ConnectExportError) {
      const named = error.problems.map((p) => `${p.path}: ${p.message}`).join('; ');
      throw new ApiError(
        'BAD_PARAMS',
        `The document is not a Heroku Connect mapping export: ${named}. Fix ${
          error.problems.length === 1 ? 'it' : 'them'
        } and try again.`,
        { exportProblems: error.problems },
      );
    }
    throw error;
  }
}

function refuseOnErrors(problems: readonly MappingProblem[]): void {
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length === 0) return;
  const named = errors
    .map((p) => `${p.object}${p.field ? `.${p.field}` : ''}: ${p.message} ${p.fix}`)
    .join(' ');
  throw new ApiError(
    'BAD_PARAMS',
    `Nothing was applied: the mappings have ${errors.length} error${errors.length === 1 ? '' : 's'}. ${named}`,
    { problems: problems.map(problemJson) },
  );
}

function problemJson(problem: MappingProblem): ProblemJson {
  return {
    severity: problem.severity,
    code: problem.code,
    object: problem.object,
    ...(problem.field !== undefined ? { field: problem.field } : {}),
    message: problem.message,
    fix: problem.fix,
  };
}

/**
 * The document as it is recorded: a mapping that changed (or is new) gets applied_at now, as
 * Heroku Connect's exports carry it; an unchanged one keeps its recorded time, so applying the
 * same document twice stays "unchanged". Without an org id of its own, the document records
 * the active org's (when the studio knows it), so a later sync can tell another org apart.
 */
function stampedForApply(
  incoming: MappingDocument,
  recorded: MappingDocument | undefined,
  orgKey: string,
  now: Date,
): MappingDocument {
  const before = new Map((recorded?.mappings ?? []).map((m) => [m.objectName.toLowerCase(), m]));
  const mappings = incoming.mappings.map((mapping): Mapping => {
    const previous = before.get(mapping.objectName.toLowerCase());
    if (previous && sameMapping(previous, mapping)) {
      return previous.appliedAt ? { ...mapping, appliedAt: previous.appliedAt } : mapping;
    }
    return { ...mapping, appliedAt: now.toISOString() };
  });
  const orgId = /^00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$/.test(orgKey) ? orgKey : undefined;
  const connection =
    incoming.connection?.organizationId || !orgId
      ? incoming.connection
      : {
          ...(incoming.connection ?? { writeAlgorithm: writeAlgorithmOf(incoming), features: {} }),
          organizationId: orgId,
        };
  return { ...incoming, ...(connection ? { connection } : {}), mappings };
}

/** Same export JSON apart from applied_at. */
function sameMapping(a: Mapping, b: Mapping): boolean {
  const json = (m: Mapping) =>
    JSON.stringify(toConnectExport({ version: 1, mappings: [{ ...m, appliedAt: undefined }] }));
  return json(a) === json(b);
}

/** The latest applied_at of the document's mappings (ISO), or null when none says. */
function lastAppliedAt(document: MappingDocument): string | null {
  let latest: number | null = null;
  for (const mapping of document.mappings) {
    const at = mapping.appliedAt ? Date.parse(mapping.appliedAt) : NaN;
    if (!Number.isNaN(at) && (latest === null || at > latest)) latest = at;
  }
  return latest === null ? null : new Date(latest).toISOString();
}

/** A mapping the new document leaves out keeps its table: say so, and what to do about it. */
function removedMappingWarnings(
  before: MappingDocument | null,
  after: MappingDocument,
  schemaName: string,
): string[] {
  if (!before) return [];
  const kept = new Set(after.mappings.map((m) => m.objectName.toLowerCase()));
  return before.mappings
    .filter((m) => !kept.has(m.objectName.toLowerCase()))
    .map((m) => {
      const table = `${schemaName}.${tableNameFor(m.objectName)}`;
      return (
        `${m.objectName} is no longer mapped, but its table ${table} stays in the database ` +
        'with its rows and triggers, and the sync no longer reads or writes it. Drop the table ' +
        'yourself (DROP TABLE) when you no longer need it.'
      );
    });
}

// --- The database.

async function introspect(pool: pg.Pool, schemaName: string): Promise<DatabaseSnapshot> {
  try {
    return await introspectSchema(pool, schemaName);
  } catch (error) {
    throw databaseFailure(error);
  }
}

/**
 * Each mapping's table: whether it exists and its rows. Counts are exact for tables under
 * EXACT_COUNT_BELOW rows while the shared budget lasts (each one under a statement_timeout of
 * what is left), the planner's estimate otherwise (src-main/postgres countTableRows).
 */
async function tableStates(
  pool: pg.Pool,
  snapshot: DatabaseSnapshot,
  mappings: readonly Mapping[],
): Promise<MappedTableState[]> {
  const tables = new Map(snapshot.tables.map((t) => [t.name, t]));
  const existing = [
    ...new Set(mappings.map((m) => tableNameFor(m.objectName)).filter((t) => tables.has(t))),
  ];
  let counts: Map<string, RowCount | null>;
  try {
    counts = await countTableRows(pool, snapshot.schemaName, existing, {
      budgetMs: ROW_COUNT_BUDGET_MS,
    });
  } catch (error) {
    throw databaseFailure(error);
  }
  return mappings.map((mapping) => {
    const table = tableNameFor(mapping.objectName);
    const found = tables.get(table);
    const estimate = found && found.estimatedRows >= 0 ? Math.round(found.estimatedRows) : null;
    return {
      objectName: mapping.objectName,
      table,
      access: mapping.access,
      exists: found !== undefined,
      rowCount: found ? (counts.get(table)?.rows ?? estimate) : null,
    };
  });
}

function megabytes(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '');
}
