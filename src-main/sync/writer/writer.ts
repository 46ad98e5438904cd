// The writer: the trigger log is the queue. A drain recovers rows of dead engines, then claims
// NEW rows a pass at a time, turns them into writes (merged or ordered), sends them in batches
// (composite collections, or a Bulk 2.0 ingest job above the threshold) with parents' tables
// before children's, and writes each record's result back in one transaction per batch.

import { quoteIdentifier } from '../../../src-shared/mapping';
import type { MappingContext } from '../context';
import {
  backoffDelay,
  classifySalesforceFailure,
  isLimitRecordError,
  isRetryableRecordError,
} from '../retry';
import {
  SalesforceCallError,
  type DrainResult,
  type RecordResult,
  type SyncPartContext,
  type TriggerLogWriter,
} from '../types';
import {
  claimRows,
  closeIgnoreRows,
  recordKey,
  recoverAbandonedRows,
  releaseRows,
  triggerLogTable,
  type ClaimedRow,
} from './claim';
import {
  collectionRecord,
  mergedChanges,
  orderedChanges,
  referenceHeader,
  reinsertStarts,
  resolveChange,
  tableOrder,
  type Change,
  type CurrentRow,
  type PendingWrite,
  type ReferenceValue,
  type WriteKind,
} from './changes';
import { formatHstore, parseHstore } from './hstore';
import {
  addRowUpdate,
  emptyResultBatch,
  hcErr,
  writeResults,
  type LogState,
  type ResultBatch,
} from './results';
import { jsonToBulkValue } from './values';

export interface TriggerLogWriterOptions {
  /** Every mapping of the engine; only read-write ones are written, all serve as parents. */
  contexts: MappingContext[];
  /** The key of the session advisory lock the engine holds while it runs (see claim.ts). */
  leaseKey: bigint | string;
  /** A paused mapping's rows are left NEW. */
  isPaused?: (objectName: string) => boolean;
  /** Trigger-log rows claimed per pass (default 10,000: one Bulk job can take them all). */
  claimLimit?: number;
  /** Backoff before a retryable record is tried again (default 1 s doubling to 60 s). */
  retryBackoffMs?: { base: number; max: number };
  random?: () => number;
}

/** Codes a delete of an already deleted record answers with: the delete has happened. */
const ALREADY_DELETED = new Set(['ENTITY_IS_DELETED', 'NOT_FOUND', 'INVALID_CROSS_REFERENCE_KEY']);
/** Rows of one Bulk job at most (Salesforce takes 150 MB of CSV per job). */
const BULK_JOB_ROWS = 100_000;
/**
 * Deletes first: a row deleted and inserted again with the same unique identifier has its old
 * record deleted before the upsert, which then creates the new one instead of updating the old.
 */
const WRITE_ORDER: WriteKind[] = ['delete', 'upsert', 'create', 'update'];
/** Tries of one results transaction before the drain stops (a dropped connection, a deadlock). */
const RESULT_WRITE_TRIES = 3;
const RESULT_WRITE_BACKOFF_MS = [100, 300];
/** Result transactions of one group in flight at once. */
const RESULT_WRITERS = 2;

export function createTriggerLogWriter(
  part: SyncPartContext,
  options: TriggerLogWriterOptions,
): TriggerLogWriter {
  return new Writer(part, options);
}

type Outcome =
  | { type: 'success'; id: string | undefined }
  /** `ambiguous`: a create whose answer was lost; the record may exist in Salesforce. */
  | { type: 'failed'; message: string; ambiguous?: boolean }
  | { type: 'retry'; message: string }
  /** Not sent: a parent it needs is not in Salesforce yet. Back to NEW, no attempt counted. */
  | { type: 'wait'; message: string }
  /** The org's API allowance is spent: back to NEW and the drain stops. */
  | { type: 'limit'; code: string; message: string };

class Writer implements TriggerLogWriter {
  readonly leaseKey: string;
  readonly writable: Map<string, MappingContext>;
  readonly byObject: Map<string, MappingContext>;
  /** Records waiting for a retry backoff: left out of claims until `until`. */
  readonly held = new Map<string, { table: string; recordId: number; until: number }>();
  /** Failed attempts of trigger-log rows (retryable failures), by row id. */
  readonly attempts = new Map<number, number>();
  /**
   * Results of records sent to Salesforce that Postgres refused to take (after retries). Their
   * rows stay PENDING under our key; the next drain writes these before anything else, so a
   * create that went out is never sent again.
   */
  private unwritten: ResultBatch[] = [];
  private running = false;
  private hstoreSchema: string | undefined;

  constructor(
    readonly part: SyncPartContext,
    readonly options: TriggerLogWriterOptions,
  ) {
    this.leaseKey = String(options.leaseKey);
    if (!/^-?\d+$/.test(this.leaseKey)) {
      throw new Error(
        `The writer's lease key must be a whole number (a Postgres advisory lock key), not ${JSON.stringify(this.leaseKey)}.`,
      );
    }
    this.writable = new Map(
      options.contexts.filter((c) => c.readWrite).map((c) => [c.table, c] as const),
    );
    this.byObject = new Map(options.contexts.map((c) => [c.objectName.toLowerCase(), c] as const));
  }

  async drain(signal: AbortSignal): Promise<DrainResult> {
    if (this.running) {
      throw new Error('The trigger-log writer is already draining; wait for that drain to end.');
    }
    this.running = true;
    const totals: DrainResult = {
      claimed: 0,
      succeeded: 0,
      failed: 0,
      merged: 0,
      ignored: 0,
      retrying: 0,
    };
    /** Rows this drain put back to NEW for a later try (and did not claim again): their record. */
    const waiting = new Map<number, string>();
    try {
      const { pool, settings } = this.part;
      await this.writeUnwrittenResults();
      await recoverAbandonedRows(pool, settings.schemaName, this.leaseKey);
      totals.ignored += await closeIgnoreRows(pool, settings.schemaName, [...this.writable.keys()]);
      while (!signal.aborted) {
        const tables = [...this.writable.values()]
          .filter((ctx) => !this.options.isPaused?.(ctx.objectName))
          .map((ctx) => ctx.table);
        const now = Date.now();
        for (const [key, hold] of this.held) if (hold.until <= now) this.held.delete(key);
        const rows = await claimRows(pool, settings.schemaName, {
          tables,
          limit: this.options.claimLimit ?? 10_000,
          leaseKey: this.leaseKey,
          heldBack: [...this.held.values()],
        });
        if (rows.length === 0) break;
        totals.claimed += rows.length;
        for (const row of rows) waiting.delete(row.id);
        await new Pass(this, rows, totals, waiting, signal).run();
      }
      // Rows put back here, and records still held back from earlier drains (their rows are NEW
      // but were not claimed): the engine drains again until none is left.
      const waitingRecords = new Set(waiting.values());
      totals.retrying = waiting.size;
      for (const key of this.held.keys()) if (!waitingRecords.has(key)) totals.retrying++;
      return totals;
    } finally {
      this.running = false;
    }
  }

  nextRetryAt(): number | undefined {
    let earliest: number | undefined;
    for (const hold of this.held.values()) {
      if (earliest === undefined || hold.until < earliest) earliest = hold.until;
    }
    return earliest;
  }

  /**
   * One results transaction, tried again on failure. When Postgres still refuses, the batch is
   * kept for the next drain and the drain stops: its rows stay PENDING under our key, and are
   * not sent again (see `unwritten`).
   */
  async writeResultsOrKeep(batch: ResultBatch): Promise<void> {
    try {
      await this.writeResultsWithRetry(batch);
    } catch (error) {
      this.unwritten.push(batch);
      throw resultsNotWritten(batch, error);
    }
  }

  /** Results an earlier drain could not write: written first, or this drain stops too. */
  private async writeUnwrittenResults(): Promise<void> {
    while (this.unwritten.length > 0) {
      const batch = this.unwritten[0] as ResultBatch;
      try {
        await this.writeResultsWithRetry(batch);
      } catch (error) {
        throw resultsNotWritten(batch, error);
      }
      this.unwritten.shift();
    }
  }

  private async writeResultsWithRetry(batch: ResultBatch): Promise<void> {
    const { pool, settings } = this.part;
    for (let attempt = 1; ; attempt++) {
      try {
        await writeResults(pool, settings.schemaName, this.leaseKey, batch);
        return;
      } catch (error) {
        if (attempt >= RESULT_WRITE_TRIES) throw error;
        const delay = RESULT_WRITE_BACKOFF_MS[attempt - 1] ?? 300;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /** Schema of the hstore extension (the current rows are read as hstore, like the log). */
  async hstoreFunction(): Promise<string> {
    if (this.hstoreSchema === undefined) {
      const result = await this.part.pool.query<{ schema: string }>(
        `SELECT n.nspname AS schema FROM pg_extension e
           JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'hstore'`,
      );
      this.hstoreSchema = result.rows[0]?.schema ?? 'public';
    }
    return `${quoteIdentifier(this.hstoreSchema)}.hstore`;
  }

  /** Attempt count after one more retryable failure of a change's rows. */
  countAttempt(change: Change): number {
    let attempt = 0;
    for (const row of change.rows) {
      const next = (this.attempts.get(row.id) ?? 0) + 1;
      this.attempts.set(row.id, next);
      attempt = Math.max(attempt, next);
    }
    return attempt;
  }

  hold(change: Change, attempt = 1): void {
    const backoff = this.options.retryBackoffMs ?? { base: 1_000, max: 60_000 };
    const delay = backoffDelay(attempt, backoff.base, backoff.max, this.options.random);
    const existing = this.held.get(change.key);
    const until = Date.now() + delay;
    if (!existing || existing.until < until) {
      this.held.set(change.key, { table: change.ctx.table, recordId: change.recordId, until });
    }
  }

  forget(change: Change): void {
    for (const row of change.rows) this.attempts.delete(row.id);
  }
}

/** One claimed pass of rows, written round by round (ordered writes: a record's k-th change in round k). */
class Pass {
  private readonly unfinished: Set<number>;
  private readonly knownSfid = new Map<string, string>();
  /** Records whose change went back for a retry: their later changes wait with them. */
  private readonly stopped = new Set<string>();
  /** Outcome of each record's main write in the current round (for second updates). */
  private readonly roundOutcome = new Map<string, Outcome['type']>();
  /**
   * Records whose create got no answer (it may have created the record), with the message it
   * failed with: their later changes of this pass fail with it too, never sent as a second
   * create (ordered writes send an UPDATE of a record without sfid as an insert).
   */
  private readonly unansweredCreates = new Map<string, string>();

  constructor(
    private readonly writer: Writer,
    private readonly rows: ClaimedRow[],
    private readonly totals: DrainResult,
    private readonly waiting: Map<number, string>,
    private readonly signal: AbortSignal,
  ) {
    this.unfinished = new Set(rows.map((r) => r.id));
  }

  private get part() {
    return this.writer.part;
  }

  async run(): Promise<void> {
    const { pool, settings } = this.part;
    try {
      const contextOf = (table: string) => this.writer.writable.get(table);
      const perRecord =
        settings.writeAlgorithm === 'ordered'
          ? orderedChanges(this.rows, contextOf)
          : mergedChanges(this.rows, contextOf);
      const current = await this.loadCurrentRows(perRecord);
      const starts =
        settings.writeAlgorithm === 'ordered'
          ? reinsertStarts(perRecord)
          : new Map<Change[], number>();
      const rounds = perRecord.reduce(
        (most, list) => Math.max(most, (starts.get(list) ?? 0) + list.length),
        0,
      );
      for (let round = 0; round < rounds && !this.signal.aborted; round++) {
        const changes: Change[] = [];
        for (const list of perRecord) {
          const change = list[round - (starts.get(list) ?? 0)];
          if (change && !this.stopped.has(change.key)) changes.push(change);
        }
        await this.runRound(changes, current);
      }
      // Changes behind a retry, or left by an abort, go back to NEW.
      const left = [...this.unfinished];
      if (!this.signal.aborted) {
        const keyOf = new Map(this.rows.map((r) => [r.id, recordKey(r.table, r.recordId)]));
        for (const id of left) this.waiting.set(id, keyOf.get(id) ?? String(id));
      }
      await releaseRows(pool, settings.schemaName, this.writer.leaseKey, left);
      this.unfinished.clear();
    } catch (error) {
      await releaseRows(pool, settings.schemaName, this.writer.leaseKey, [
        ...this.unfinished,
      ]).catch(() => {});
      throw error;
    }
  }

  /**
   * Each record's sfid now, and the whole row where the change will be sent from it: an UPDATE
   * of a record without an sfid (sent as an insert of the row), and an INSERT whose record has
   * an sfid by now (a retried insert after the user's fix went out: its logged values are stale).
   */
  private async loadCurrentRows(perRecord: Change[][]): Promise<Map<string, CurrentRow>> {
    const { pool } = this.part;
    const byTable = new Map<
      MappingContext,
      { all: number[]; fromRowUnlessSfid: number[]; fromRowIfSfid: number[] }
    >();
    for (const list of perRecord) {
      const first = list[0];
      if (!first) continue;
      let entry = byTable.get(first.ctx);
      if (!entry)
        byTable.set(first.ctx, (entry = { all: [], fromRowUnlessSfid: [], fromRowIfSfid: [] }));
      entry.all.push(first.recordId);
      if (list.some((c) => c.action === 'UPDATE' && !c.logSfid)) {
        entry.fromRowUnlessSfid.push(first.recordId);
      }
      if (list.some((c) => c.action === 'INSERT' && !c.logSfid))
        entry.fromRowIfSfid.push(first.recordId);
    }
    const current = new Map<string, CurrentRow>();
    for (const [ctx, { all, fromRowUnlessSfid, fromRowIfSfid }] of byTable) {
      const sfids = await pool.query<{ id: number; sfid: string | null }>(
        `SELECT id, sfid FROM ${ctx.qualifiedTable} WHERE id = ANY($1::int[])`,
        [all],
      );
      for (const row of sfids.rows) {
        current.set(recordKey(ctx.table, row.id), { sfid: row.sfid });
      }
      const hasSfid = (id: number) => !!current.get(recordKey(ctx.table, id))?.sfid;
      const needed = [
        ...new Set([
          ...fromRowUnlessSfid.filter((id) => !hasSfid(id)),
          ...fromRowIfSfid.filter(hasSfid),
        ]),
      ];
      if (needed.length === 0) continue;
      const hstore = await this.writer.hstoreFunction();
      const rows = await pool.query<{ id: number; row: string }>(
        `SELECT t.id, ${hstore}(t)::text AS row FROM ${ctx.qualifiedTable} AS t
          WHERE t.id = ANY($1::int[])`,
        [needed],
      );
      for (const row of rows.rows) {
        const entry = current.get(recordKey(ctx.table, row.id));
        if (entry) entry.values = parseHstore(row.row);
      }
    }
    return current;
  }

  private async runRound(changes: Change[], current: Map<string, CurrentRow>): Promise<void> {
    const skipped = emptyResultBatch();
    const writes: PendingWrite[] = [];
    for (const change of changes) {
      const unanswered = this.unansweredCreates.get(change.key);
      if (unanswered !== undefined) {
        this.closeRows(skipped, change, 'FAILED', unanswered);
        this.writer.forget(change);
        continue;
      }
      const resolution = resolveChange(
        change,
        current.get(change.key),
        this.knownSfid.get(change.key),
      );
      if ('write' in resolution) {
        writes.push(resolution.write);
        continue;
      }
      for (const row of change.rows)
        skipped.log.push({ id: row.id, state: 'IGNORED', message: null });
      if (resolution.skip.touchRow) {
        // Nothing Salesforce can take changed: the row is as synced as it was.
        addRowUpdate(skipped, change.ctx.qualifiedTable, {
          recordId: change.recordId,
          sfid: null,
          lastop: null,
          err: null,
        });
      }
    }
    await this.finish(skipped);

    const firstIds = new Map<MappingContext, number>();
    for (const write of writes) {
      const ctx = write.change.ctx;
      firstIds.set(ctx, Math.min(firstIds.get(ctx) ?? Infinity, write.change.firstId));
    }
    const order = tableOrder([...firstIds].map(([ctx, firstId]) => ({ ctx, firstId })));
    await this.placeReferences(writes, order);

    this.roundOutcome.clear();
    const waits = emptyResultBatch();
    const ready: PendingWrite[] = [];
    for (const write of writes) {
      if (write.waitingFor) {
        this.recordOne(waits, write, { type: 'wait', message: write.waitingFor }, 'main');
      } else {
        ready.push(write);
      }
    }
    await this.finish(waits);
    const waitingForSecond: PendingWrite[] = [];
    for (const ctx of order) {
      for (const kind of WRITE_ORDER) {
        const group = ready.filter((w) => w.change.ctx === ctx && w.kind === kind);
        await this.sendGroup(ctx, kind, group, 'main', waitingForSecond);
      }
    }
    if (waitingForSecond.length > 0) await this.sendSecondUpdates(waitingForSecond, order);
  }

  /**
   * Where each relationship reference goes, by the parent row it names (found in the parent's
   * table by its external-ID column):
   * - parent unknown, or already in Salesforce: sent as is (Salesforce resolves it or says why not);
   * - parent inserted in this round by an earlier table: sent as is, after the parent's batch;
   * - parent inserted in this round in the same table (self-reference) or a later one (a cycle):
   *   taken out and sent as a second update once the parent has its sfid;
   * - parent still waiting to be sent (a retry backoff, another engine, a later claim): the
   *   write waits too, instead of failing on a parent Salesforce does not know yet.
   */
  private async placeReferences(writes: PendingWrite[], order: MappingContext[]): Promise<void> {
    const parentOf = (reference: ReferenceValue) => {
      const parent = this.writer.byObject.get(reference.column.parentObject.toLowerCase());
      if (!parent) return undefined;
      const field = reference.column.parentExternalIdField.toLowerCase();
      const column = parent.readColumns.find((c) => c.path.toLowerCase() === field)?.column;
      return column ? { parent, column } : undefined;
    };
    const wanted = new Map<MappingContext, { column: string; values: Set<string> }>();
    for (const w of writes) {
      for (const reference of w.references) {
        const found = parentOf(reference);
        if (!found) continue;
        let entry = wanted.get(found.parent);
        if (!entry) wanted.set(found.parent, (entry = { column: found.column, values: new Set() }));
        entry.values.add(reference.value);
      }
    }
    if (wanted.size === 0) return;

    const inRound = new Map(writes.map((w) => [w.change.key, w] as const));
    const position = new Map(order.map((ctx, index) => [ctx, index] as const));
    const parents = new Map<MappingContext, Map<string, { id: number; sfid: string | null }>>();
    const unsent: Array<{ table: string; id: number }> = [];
    for (const [parent, { column, values }] of wanted) {
      const result = await this.part.pool.query<{ id: number; sfid: string | null; key: string }>(
        `SELECT id, sfid, ${quoteIdentifier(column)}::text AS key FROM ${parent.qualifiedTable}
          WHERE ${quoteIdentifier(column)}::text = ANY($1::text[])`,
        [[...values]],
      );
      parents.set(parent, new Map(result.rows.map((r) => [r.key, r] as const)));
      for (const row of result.rows) {
        const key = recordKey(parent.table, row.id);
        if (!row.sfid && !this.knownSfid.has(key) && !inRound.has(key)) {
          unsent.push({ table: parent.table, id: row.id });
        }
      }
    }
    const waiting = await this.parentsStillToSend(unsent);

    for (const w of writes) {
      const keep: ReferenceValue[] = [];
      for (const reference of w.references) {
        const found = parentOf(reference);
        const row = found ? parents.get(found.parent)?.get(reference.value) : undefined;
        if (!found || !row) {
          keep.push(reference);
          continue;
        }
        const parentKey = recordKey(found.parent.table, row.id);
        if (row.sfid || this.knownSfid.has(parentKey)) {
          keep.push(reference);
          continue;
        }
        const parentWrite = inRound.get(parentKey);
        if (parentWrite && (parentWrite.kind === 'create' || parentWrite.kind === 'upsert')) {
          const later =
            found.parent === w.change.ctx ||
            (position.get(found.parent) ?? -1) > (position.get(w.change.ctx) ?? -1);
          if (later) {
            w.deferred.push({ ...reference, parentKey });
          } else {
            keep.push(reference);
            (w.dependsOn ??= []).push(parentKey);
          }
          continue;
        }
        if (waiting.has(parentKey)) {
          w.waitingFor =
            `WAITING_FOR_PARENT: ${reference.column.relationshipName} points at ` +
            `${found.parent.objectName} ${reference.value}, which is not in Salesforce yet`;
        }
        keep.push(reference);
      }
      w.references = keep;
    }
  }

  /** Parent rows without an sfid that still have a change to send (held here, or NEW/PENDING). */
  private async parentsStillToSend(
    rows: Array<{ table: string; id: number }>,
  ): Promise<Set<string>> {
    const waiting = new Set<string>();
    if (rows.length === 0) return waiting;
    for (const row of rows) {
      const key = recordKey(row.table, row.id);
      if (this.writer.held.has(key)) waiting.add(key);
    }
    const result = await this.part.pool.query<{ table_name: string; record_id: number }>(
      `SELECT DISTINCT l.table_name, l.record_id
         FROM ${triggerLogTable(this.part.settings.schemaName)} AS l
         JOIN unnest($1::text[], $2::int[]) AS p(table_name, record_id)
           ON p.table_name = l.table_name AND p.record_id = l.record_id
        WHERE l.state IN ('NEW', 'PENDING')`,
      [rows.map((r) => r.table), rows.map((r) => r.id)],
    );
    for (const row of result.rows) waiting.add(recordKey(row.table_name, row.record_id));
    return waiting;
  }

  private async sendSecondUpdates(waiting: PendingWrite[], order: MappingContext[]): Promise<void> {
    const outcomes = emptyResultBatch();
    const second: PendingWrite[] = [];
    for (const w of waiting) {
      const sfid = this.knownSfid.get(w.change.key);
      const fields = new Map<string, string | null>();
      const references: ReferenceValue[] = [];
      let blocked: Outcome | undefined;
      for (const deferred of w.deferred) {
        const parentSfid = this.knownSfid.get(deferred.parentKey);
        if (parentSfid) {
          fields.set(deferred.column.lookupField, parentSfid);
          continue;
        }
        const parentOutcome = this.roundOutcome.get(deferred.parentKey);
        const name = deferred.column.relationshipName;
        if (parentOutcome === 'retry' || parentOutcome === 'limit' || parentOutcome === 'wait') {
          blocked = {
            type: 'wait',
            message: `WAITING_FOR_PARENT: ${name} is set once its ${deferred.column.parentObject} (${deferred.value}) reaches Salesforce, which is being retried`,
          };
        } else {
          // The parent's insert failed: sent as is, Salesforce says what it makes of it.
          references.push(deferred);
        }
      }
      if (blocked) {
        this.recordOne(outcomes, w, blocked, 'second');
        continue;
      }
      second.push({
        change: w.change,
        kind: 'update',
        op: w.op,
        ...(sfid ? { sfid } : {}),
        fields,
        references,
        deferred: w.deferred,
      });
    }
    await this.finish(outcomes);
    for (const ctx of order) {
      const group = second.filter((w) => w.change.ctx === ctx);
      await this.sendGroup(ctx, 'update', group, 'second', []);
    }
  }

  private async sendGroup(
    ctx: MappingContext,
    kind: WriteKind,
    writes: PendingWrite[],
    phase: 'main' | 'second',
    waitingForSecond: PendingWrite[],
  ): Promise<void> {
    // A write whose parent (sent earlier in this round) did not get in waits for it.
    const parked = emptyResultBatch();
    writes = writes.filter((write) => {
      const parent = write.dependsOn?.find((key) => {
        const outcome = this.roundOutcome.get(key);
        return outcome === 'retry' || outcome === 'limit' || outcome === 'wait';
      });
      if (parent === undefined) return true;
      const message = `WAITING_FOR_PARENT: a record this one points at is being retried`;
      this.recordOne(parked, write, { type: 'wait', message }, phase);
      return false;
    });
    await this.finish(parked);
    if (writes.length === 0) return;
    const { settings } = this.part;
    // Bulk 2.0 above the threshold, never for a create without a key (its results could not be
    // matched to rows). Heroku Connect uses Bulk only with ordered writes (reference §3.2); we
    // allow it with both algorithms.
    const bulk =
      kind !== 'create' &&
      !settings.bulkWritesDisabled &&
      writes.length > settings.bulkWriteThreshold;
    const size = bulk ? BULK_JOB_ROWS : Math.max(1, Math.min(settings.batchSize, 200));
    // While batches' results are written to Postgres (two transactions at a time, on two
    // connections) the next batch is on its way to Salesforce: a drain costs about the slower of
    // the two sides, not their sum. A crash in between leaves those batches' rows PENDING, to be
    // sent again (upserts, updates and deletes are idempotent; a create is the one write that
    // can duplicate, as with any crash between a send and its result).
    const writing: Array<Promise<void>> = [];
    try {
      for (let start = 0; start < writes.length; start += size) {
        if (this.signal.aborted) break;
        const chunk = writes.slice(start, start + size);
        const outcomes = await this.call(ctx, kind, chunk, bulk);
        // The drain was stopped while a Bulk job ran: the chunk's rows go back to NEW.
        if (outcomes === 'stopped') break;
        const batch = emptyResultBatch();
        let limit: { code: string; message: string } | undefined;
        const counts = { succeeded: 0, failed: 0, retrying: 0 };
        let firstErrorCode: string | undefined;
        chunk.forEach((write, index) => {
          const outcome = outcomes[index] ?? {
            type: 'failed',
            message: 'UNKNOWN_ERROR: Salesforce returned no result for this record',
          };
          if (outcome.type === 'limit') limit = outcome;
          const type = this.recordOne(batch, write, outcome, phase, waitingForSecond);
          counts[type === 'success' ? 'succeeded' : type === 'failed' ? 'failed' : 'retrying']++;
          // sf_message is `<CODE>: <message>`: the code alone names the kind of refusal.
          if (type === 'failed' && firstErrorCode === undefined && 'message' in outcome) {
            firstErrorCode = /^([A-Z_]+):/.exec(outcome.message)?.[1] ?? 'UNKNOWN_ERROR';
          }
        });
        if (writing.length >= RESULT_WRITERS) await writing.shift();
        const written = this.finish(batch).then(() =>
          this.part.emit({
            type: 'write.batch',
            table: ctx.table,
            operation: kind,
            api: bulk ? 'bulk' : 'collections',
            records: chunk.length,
            ...counts,
            ...(firstErrorCode ? { firstErrorCode } : {}),
          }),
        );
        // Handled when awaited; until then a failure must not count as unhandled.
        written.catch(() => {});
        writing.push(written);
        if (limit) {
          await Promise.all(writing);
          throw new SalesforceCallError('limit', limit.code, limit.message);
        }
      }
    } catch (error) {
      // Results already on their way to Postgres land first; the first error is the one told.
      await Promise.allSettled(writing);
      throw error;
    }
    await Promise.all(writing);
  }

  /** One call for a chunk; its per-record outcomes in order, or 'stopped' by the drain's signal. */
  private async call(
    ctx: MappingContext,
    kind: WriteKind,
    chunk: PendingWrite[],
    bulk: boolean,
  ): Promise<Outcome[] | 'stopped'> {
    const api = this.part.salesforce;
    const externalId = kind === 'upsert' ? ctx.upsertField : undefined;
    let results: RecordResult[];
    try {
      if (bulk) {
        // The drain's signal stops the wait for the job.
        const outcome = await api.ingest(
          kind === 'create' ? 'insert' : kind,
          ctx.objectName,
          chunk.map(bulkRow),
          { ...(externalId ? { externalIdField: externalId } : {}), signal: this.signal },
        );
        results = outcome.results;
      } else {
        results = await api.collection(
          kind,
          ctx.objectName,
          chunk.map(collectionRecord),
          externalId ? { externalIdField: externalId } : {},
        );
      }
    } catch (error) {
      // Bulk jobs never create without a key, so sending their rows again later is safe.
      if (bulk && this.signal.aborted) return 'stopped';
      let failure: SalesforceCallError;
      if (error instanceof SalesforceCallError) {
        failure = error;
      } else {
        const c = classifySalesforceFailure(error);
        // Something that is not a Salesforce answer (a bug, say) must not fail records for
        // good: the drain stops and the rows go back to NEW.
        if (c.kind === 'permanent') throw error;
        failure = new SalesforceCallError(c.kind, c.errorCode, c.message, c.ambiguous);
      }
      // The session is gone or the daily allowance spent: the drain stops, the engine waits.
      if (failure.kind === 'session' || failure.kind === 'limit') throw failure;
      const message = `${failure.errorCode}: ${failure.message}`;
      if (failure.kind === 'retryable' && kind === 'create' && failure.ambiguous) {
        // No duplicates ever: a create whose answer was lost is not sent again.
        const failed: Outcome = {
          type: 'failed',
          ambiguous: true,
          message:
            `${failure.errorCode}: the create got no answer (${failure.message}), so Salesforce ` +
            `may have created the record. Look for it in the org (by its name or other values); ` +
            `if it is there, put its Id in this row's sfid column and ignore this trigger-log ` +
            `row, else retry the row.`,
        };
        return chunk.map(() => failed);
      }
      const outcome: Outcome =
        failure.kind === 'retryable' ? { type: 'retry', message } : { type: 'failed', message };
      return chunk.map(() => outcome);
    }
    return chunk.map((write, index) => toOutcome(write, results[index]));
  }

  /** Adds a write's result to a batch and the drain's totals; returns what it came to. */
  private recordOne(
    batch: ResultBatch,
    write: PendingWrite,
    outcome: Outcome,
    phase: 'main' | 'second',
    waitingForSecond: PendingWrite[] = [],
  ): Outcome['type'] {
    const { change } = write;
    const { settings } = this.part;
    if (phase === 'main') this.roundOutcome.set(change.key, outcome.type);
    const table = change.ctx.qualifiedTable;

    if (outcome.type === 'success') {
      const sfid =
        write.kind === 'create' || write.kind === 'upsert' ? outcome.id : (write.sfid ?? undefined);
      if (sfid) this.knownSfid.set(change.key, sfid);
      // UNCONFIRMED: Heroku Connect's own _hc_lastop values after a write (reference §2.6); we
      // write INSERTED / UPDATED / FAILED.
      const lastop = write.op === 'INSERT' ? 'INSERTED' : 'UPDATED';
      if (phase === 'main' && write.kind !== 'delete') {
        const inserted = write.op === 'INSERT' && sfid !== undefined;
        addRowUpdate(batch, table, {
          recordId: change.recordId,
          sfid: inserted ? sfid : null,
          lastop,
          err: null,
          ...(inserted
            ? {
                ifGone: {
                  table: change.ctx.table,
                  old: formatHstore(write.rowValues ?? change.values),
                },
              }
            : {}),
        });
      }
      if (phase === 'main' && write.deferred.length > 0) {
        // Its trigger-log rows stay PENDING until the second update went through.
        waitingForSecond.push(write);
        return 'success';
      }
      this.closeRows(batch, change, 'SUCCESS', null);
      this.writer.forget(change);
      return 'success';
    }

    if (outcome.type === 'wait') {
      this.writer.hold(change);
      this.stopped.add(change.key);
      for (const row of change.rows) {
        batch.log.push({ id: row.id, state: 'NEW', message: outcome.message });
        this.unfinished.delete(row.id);
        this.waiting.set(row.id, change.key);
      }
      return 'wait';
    }
    let failure = outcome;
    if (outcome.type === 'retry') {
      const attempt = this.writer.countAttempt(change);
      if (attempt < settings.maxRecordAttempts) {
        this.writer.hold(change, attempt);
        this.stopped.add(change.key);
        for (const row of change.rows) {
          batch.log.push({ id: row.id, state: 'NEW', message: outcome.message });
          this.unfinished.delete(row.id);
          this.waiting.set(row.id, change.key);
        }
        return 'retry';
      }
      failure = { type: 'failed', message: outcome.message };
    } else if (outcome.type === 'limit') {
      for (const row of change.rows) {
        batch.log.push({
          id: row.id,
          state: 'NEW',
          message: `${outcome.code}: ${outcome.message}`,
        });
        this.unfinished.delete(row.id);
        this.waiting.set(row.id, change.key);
      }
      this.stopped.add(change.key);
      return 'limit';
    }
    const message =
      phase === 'second'
        ? secondUpdateMessage(write, failure.type === 'failed' ? failure.message : '')
        : failure.type === 'failed'
          ? failure.message
          : '';
    if (write.kind !== 'delete') {
      addRowUpdate(batch, table, {
        recordId: change.recordId,
        sfid: null,
        lastop: 'FAILED',
        err: hcErr(write.op, message),
      });
    }
    if (failure.type === 'failed' && failure.ambiguous) {
      this.unansweredCreates.set(change.key, message);
    }
    this.closeRows(batch, change, 'FAILED', message);
    this.writer.forget(change);
    return 'failed';
  }

  /**
   * Final states of a change's rows: the last carries the write's result; with merged writes
   * the others are MERGED on success (UNCONFIRMED what Heroku Connect's MERGED means exactly;
   * we use it for "sent as part of a later row's write") and FAILED with the same message on
   * failure, so "retry all FAILED" resends the whole change.
   */
  private closeRows(
    batch: ResultBatch,
    change: Change,
    state: 'SUCCESS' | 'FAILED',
    message: string | null,
  ): void {
    change.rows.forEach((row, index) => {
      const last = index === change.rows.length - 1;
      const rowState: LogState = state === 'SUCCESS' && !last ? 'MERGED' : state;
      batch.log.push({ id: row.id, state: rowState, message });
      this.unfinished.delete(row.id);
      if (rowState === 'SUCCESS') this.totals.succeeded++;
      else if (rowState === 'MERGED') this.totals.merged++;
      else this.totals.failed++;
    });
  }

  private async finish(batch: ResultBatch): Promise<void> {
    for (const update of batch.log) {
      if (update.state === 'IGNORED') {
        this.unfinished.delete(update.id);
        this.totals.ignored++;
      }
    }
    await this.writer.writeResultsOrKeep(batch);
  }
}

function resultsNotWritten(batch: ResultBatch, error: unknown): Error {
  const reason = error instanceof Error ? error.message : String(error);
  return new Error(
    `Postgres refused the results of ${batch.log.length} trigger-log rows (${reason}). ` +
      'What was sent stays PENDING and is not sent again; the next drain writes these results first.',
    { cause: error },
  );
}

function toOutcome(write: PendingWrite, result: RecordResult | undefined): Outcome {
  if (!result) {
    return {
      type: 'failed',
      message: 'UNKNOWN_ERROR: Salesforce returned no result for this record',
    };
  }
  if (result.ok) return { type: 'success', id: result.id };
  const error = result.errors[0] ?? {
    statusCode: 'UNKNOWN_ERROR',
    message: 'Salesforce gave no reason',
    fields: [],
  };
  // A delete of a record that is already deleted (or gone) has happened: success. This is what
  // makes re-sending a dead engine's deletes safe.
  if (write.kind === 'delete' && ALREADY_DELETED.has(error.statusCode)) {
    return { type: 'success', id: write.sfid };
  }
  const message = `${error.statusCode}: ${error.message}`;
  if (isLimitRecordError(error.statusCode)) {
    return { type: 'limit', code: error.statusCode, message: error.message };
  }
  if (isRetryableRecordError(error.statusCode)) return { type: 'retry', message };
  return { type: 'failed', message };
}

function secondUpdateMessage(write: PendingWrite, message: string): string {
  const names = write.deferred.map((d) => d.column.relationshipName).join(', ');
  const colon = message.indexOf(': ');
  const code = colon > 0 ? message.slice(0, colon) : 'UNKNOWN_ERROR';
  const text = colon > 0 ? message.slice(colon + 2) : message;
  const what = write.op === 'INSERT' ? 'inserted' : 'updated';
  return `${code}: the record was ${what}, but ${names} could not be set by the second update: ${text}`;
}

/** A Bulk 2.0 CSV row: a missing column leaves the field alone, null clears it. */
function bulkRow(write: PendingWrite): Record<string, string | null> {
  const row: Record<string, string | null> = {};
  if (write.kind === 'delete' || write.kind === 'update') row.Id = write.sfid ?? null;
  if (write.kind === 'delete') return row;
  for (const [field, value] of write.fields) row[field] = jsonToBulkValue(value);
  for (const reference of write.references) row[referenceHeader(reference)] = reference.value;
  return row;
}
