// From claimed trigger-log rows to changes (one per record with merged writes, one per row with
// ordered writes) and from a change to the write Salesforce gets: which operation, which record,
// which fields, which relationship references.

import type { MappingContext, WriteColumn } from '../context';
import type { CollectionOperation } from '../types';
import type { ClaimedRow, LogAction } from './claim';
import { recordKey } from './claim';
import { parseHstore } from './hstore';
import { toSalesforceValue, type SalesforceValue } from './values';

export type Values = Map<string, string | null>;

/** What one write sends for one record. */
export interface Change {
  key: string;
  ctx: MappingContext;
  recordId: number;
  /** Trigger-log rows the change carries, in id order; the last one carries the result. */
  rows: ClaimedRow[];
  action: LogAction;
  values: Values;
  /** The sfid the trigger-log rows knew (the last one given). */
  logSfid: string | null;
  /** Id of the first row: orders changes and tables. */
  firstId: number;
}

/**
 * Merged writes: the claimed rows of one record become one change. Later values win; INSERT and
 * UPDATEs → an INSERT of the merged values; UPDATEs → one UPDATE; anything ending in DELETE → a
 * DELETE. Returns each record's changes (exactly one).
 */
export function mergedChanges(
  rows: ClaimedRow[],
  contextOf: (table: string) => MappingContext | undefined,
): Change[][] {
  const byRecord = new Map<string, Change>();
  for (const row of rows) {
    const ctx = contextOf(row.table);
    if (!ctx) continue;
    const key = recordKey(row.table, row.recordId);
    let change = byRecord.get(key);
    if (!change) {
      change = {
        key,
        ctx,
        recordId: row.recordId,
        rows: [],
        action: row.action,
        values: new Map(),
        logSfid: null,
        firstId: row.id,
      };
      byRecord.set(key, change);
    }
    change.rows.push(row);
    if (row.sfid) change.logSfid = row.sfid;
    switch (row.action) {
      case 'INSERT':
        // An INSERT carries the whole row.
        change.action = 'INSERT';
        change.values = parseHstore(row.values);
        break;
      case 'UPDATE':
        if (change.action !== 'INSERT') change.action = 'UPDATE';
        for (const [column, value] of parseHstore(row.values)) change.values.set(column, value);
        break;
      case 'DELETE':
        change.action = 'DELETE';
        break;
    }
  }
  return [...byRecord.values()].map((change) => [change]);
}

/** Ordered writes: every row is its own change, each record's in id order. */
export function orderedChanges(
  rows: ClaimedRow[],
  contextOf: (table: string) => MappingContext | undefined,
): Change[][] {
  const byRecord = new Map<string, Change[]>();
  for (const row of rows) {
    const ctx = contextOf(row.table);
    if (!ctx) continue;
    const key = recordKey(row.table, row.recordId);
    const change: Change = {
      key,
      ctx,
      recordId: row.recordId,
      rows: [row],
      action: row.action,
      values: parseHstore(row.values),
      logSfid: row.sfid,
      firstId: row.id,
    };
    const list = byRecord.get(key);
    if (list) list.push(change);
    else byRecord.set(key, [change]);
  }
  return [...byRecord.values()];
}

/**
 * Ordered writes: the round each record's changes start in (0 unless listed). An insert that
 * carries the unique identifier of another record deleted in this pass starts no earlier than
 * that DELETE's round (deletes go first within a round): sent before it, the upsert would land
 * on the record about to be deleted, and the delete would take the new row's record with it.
 * `perRecord` is in order of each record's first trigger-log row, so a DELETE's own record is
 * placed before any insert that reuses its identifier.
 */
export function reinsertStarts(perRecord: Change[][]): Map<Change[], number> {
  const starts = new Map<Change[], number>();
  /** table + identifier (lower case, as Salesforce matches it) → latest DELETE round, by record. */
  const deletes = new Map<string, Array<{ key: string; round: number }>>();
  const identifier = (change: Change, values: Values): string | undefined => {
    const column = change.ctx.upsertColumn;
    const value = column !== undefined ? values.get(column) : undefined;
    return value ? `${change.ctx.table}\u0000${value.toLowerCase()}` : undefined;
  };
  for (const list of perRecord) {
    const first = list[0];
    if (!first) continue;
    let start = 0;
    const own = first.action === 'INSERT' ? identifier(first, first.values) : undefined;
    for (const earlier of (own && deletes.get(own)) || []) {
      if (earlier.key !== first.key) start = Math.max(start, earlier.round);
    }
    if (start > 0) starts.set(list, start);
    list.forEach((change, index) => {
      if (change.action !== 'DELETE') return;
      const gone = identifier(change, parseHstore(change.rows[0]?.old));
      if (!gone) return;
      const entry = deletes.get(gone);
      if (entry) entry.push({ key: change.key, round: start + index });
      else deletes.set(gone, [{ key: change.key, round: start + index }]);
    });
  }
  return starts;
}

// ---------------------------------------------------------------------------------------------

export type ReferenceColumn = Extract<WriteColumn, { kind: 'reference' }>;

/** A relationship external-ID value to send as `{ Rel: { ExtId: value } }`. */
export interface ReferenceValue {
  column: ReferenceColumn;
  value: string;
  /** The parent's type, for a polymorphic lookup (attributes.type / `Type:Rel.Field`). */
  polymorphicType?: string;
}

export type WriteKind = CollectionOperation;

/** A change resolved into what Salesforce gets. */
export interface PendingWrite {
  change: Change;
  kind: WriteKind;
  /** The operation as _hc_err names it. */
  op: LogAction;
  /** Target record (update, delete). */
  sfid?: string;
  /** Field API name → value (references excluded). */
  fields: Map<string, SalesforceValue>;
  references: ReferenceValue[];
  /** References held back until their parent exists in Salesforce, sent by a second update. */
  deferred: Array<ReferenceValue & { parentKey: string }>;
  /** Parents written earlier in this round that the references need (their records' keys). */
  dependsOn?: string[];
  /** Why the write waits instead of going out: a parent it points to is still to be sent. */
  waitingFor?: string;
  /** An insert's row values (all of them, hstore keys): what a DELETE logs if the row is gone. */
  rowValues?: Values;
}

/** Why a change sends nothing; all its rows become IGNORED. */
export interface SkippedChange {
  change: Change;
  reason: string;
  /** Touch the Postgres row so it shows SYNCED (a change with nothing Salesforce can take). */
  touchRow: boolean;
}

export type Resolution = { write: PendingWrite } | { skip: SkippedChange };

/** The mapped row as it is now: its sfid, and its values when they were needed. */
export interface CurrentRow {
  sfid: string | null;
  /**
   * Loaded for UPDATEs of records without an sfid (sent as inserts of the row) and for INSERTs
   * of records that have one by now (sent as updates from the row).
   */
  values?: Values;
}

/**
 * What a change becomes, given the Postgres row as it is now (undefined: deleted) and the
 * record's sfid as far as this drain knows it.
 */
export function resolveChange(
  change: Change,
  current: CurrentRow | undefined,
  knownSfid: string | undefined,
): Resolution {
  const sfid = knownSfid ?? change.logSfid ?? current?.sfid ?? undefined;
  const { action } = change;
  if (action === 'DELETE') {
    if (!sfid) {
      return { skip: { change, reason: 'the record never reached Salesforce', touchRow: false } };
    }
    return {
      write: {
        change,
        kind: 'delete',
        op: 'DELETE',
        sfid,
        fields: new Map(),
        references: [],
        deferred: [],
      },
    };
  }
  if (!current && !sfid) {
    // The row was deleted before it ever reached Salesforce (its DELETE was logged IGNORE).
    return {
      skip: { change, reason: 'the row was deleted before it was sent', touchRow: false },
    };
  }
  if (sfid) {
    // An UPDATE, or an INSERT whose row already has an sfid: an update of the record.
    const values =
      action === 'INSERT' && !change.logSfid && current?.values
        ? insertAsItIsNow(change.values, current.values)
        : change.values;
    const payload = buildPayload(change.ctx, values, 'update');
    if (payload.fields.size === 0 && payload.references.length === 0) {
      return {
        skip: { change, reason: 'no column Salesforce can update changed', touchRow: !!current },
      };
    }
    return { write: { change, kind: 'update', op: 'UPDATE', sfid, ...payload, deferred: [] } };
  }
  // No sfid yet. An UPDATE of such a record (its insert failed or is still queued) is sent as
  // an insert of the row as it is now: that is how a user fixes a failed insert by editing it.
  const values = action === 'INSERT' ? change.values : (current?.values ?? change.values);
  const payload = buildPayload(change.ctx, values, 'insert');
  const upsertField = change.ctx.upsertField;
  const key = upsertField !== undefined ? payload.fields.get(upsertField) : undefined;
  // The unique identifier turns the insert into an upsert, so a re-sent insert never duplicates.
  const kind: WriteKind = key !== undefined && key !== null && key !== '' ? 'upsert' : 'create';
  return { write: { change, kind, op: 'INSERT', ...payload, deferred: [], rowValues: values } };
}

/**
 * An INSERT whose record exists by now (a retried insert whose fix already went out as an
 * insert of the row, or a record matched by its unique identifier) sends the columns the insert
 * set, valued as the row holds them now: the logged values may be the very ones Salesforce
 * refused. Columns the insert left empty are not sent, so nothing set since in Salesforce is
 * cleared. (UNCONFIRMED what Heroku Connect sends here; a later Salesforce edit of the same
 * column not yet polled is overwritten, as any write from Postgres would.)
 */
function insertAsItIsNow(logged: Values, now: Values): Values {
  const values: Values = new Map();
  for (const [column, text] of logged) {
    if (text === null) continue;
    values.set(column, now.has(column) ? (now.get(column) ?? null) : text);
  }
  return values;
}

/** The fields and references a change sends (insert: createable ones; update: updateable). */
export function buildPayload(
  ctx: MappingContext,
  values: Values,
  mode: 'insert' | 'update',
): { fields: Map<string, SalesforceValue>; references: ReferenceValue[] } {
  const fields = new Map<string, SalesforceValue>();
  const referenceColumns: Array<[ReferenceColumn, string | null]> = [];
  for (const [column, text] of values) {
    // Columns that are not write columns (sfid, id, systemmodstamp, isdeleted, formulas,
    // read-only fields) are dropped. UNCONFIRMED whether Heroku Connect drops or fails them; we drop.
    const write = ctx.writeColumns.get(column);
    if (!write) continue;
    if (mode === 'insert' ? !write.createable : !write.updateable) continue;
    if (write.kind === 'reference') {
      referenceColumns.push([write, text]);
      continue;
    }
    // An insert leaves out what it has no value for; an update sends null to clear the field.
    if (text === null && mode === 'insert') continue;
    fields.set(write.field, toSalesforceValue(write.type, text));
  }
  const references: ReferenceValue[] = [];
  for (const [column, text] of referenceColumns) {
    const lookupValue = fields.get(column.lookupField);
    if (text === null) {
      // UNCONFIRMED: an update that empties the external-ID column clears the lookup (unless
      // the same change sets the lookup Id itself); we do.
      if (mode === 'update' && !fields.has(column.lookupField))
        fields.set(column.lookupField, null);
      continue;
    }
    // A lookup Id in the change wins over the external ID (Salesforce refuses both at once).
    if (lookupValue !== undefined && lookupValue !== null && lookupValue !== '') continue;
    fields.delete(column.lookupField);
    const lookup = ctx.describe.fields.find((f) => f.name === column.lookupField);
    references.push({
      column,
      value: text,
      ...((lookup?.referenceTo.length ?? 0) > 1 ? { polymorphicType: column.parentObject } : {}),
    });
  }
  return { fields, references };
}

/** A collections record for a write (without the references deferred to a second update). */
export function collectionRecord(write: PendingWrite): Record<string, unknown> {
  if (write.kind === 'delete') return { Id: write.sfid };
  const record: Record<string, unknown> = {};
  if (write.kind === 'update') record.Id = write.sfid;
  for (const [field, value] of write.fields) record[field] = value;
  for (const reference of write.references) {
    record[reference.column.relationshipName] = referenceObject(reference);
  }
  return record;
}

export function referenceObject(reference: ReferenceValue): Record<string, unknown> {
  return {
    ...(reference.polymorphicType ? { attributes: { type: reference.polymorphicType } } : {}),
    [reference.column.parentExternalIdField]: reference.value,
  };
}

/** The CSV header of a reference: `Account.External_ID__c`, polymorphic `Account:What.Ext__c`. */
export function referenceHeader(reference: ReferenceValue): string {
  const path = `${reference.column.relationshipName}.${reference.column.parentExternalIdField}`;
  return reference.polymorphicType ? `${reference.polymorphicType}:${path}` : path;
}

/**
 * The order tables are written in within a pass: parents before children by their reference
 * columns, so a child can be inserted in the same pass as its parent. A cycle (Account's primary
 * contact ↔ Contact's account) is broken at the table whose first change came first; the
 * references that then point forward go out as second updates.
 */
export function tableOrder(
  tables: Array<{ ctx: MappingContext; firstId: number }>,
): MappingContext[] {
  const byObject = new Map(tables.map((t) => [t.ctx.objectName.toLowerCase(), t]));
  const parents = new Map<MappingContext, Set<MappingContext>>();
  for (const { ctx } of tables) {
    const set = new Set<MappingContext>();
    for (const column of ctx.writeColumns.values()) {
      if (column.kind !== 'reference') continue;
      const parent = byObject.get(column.parentObject.toLowerCase());
      if (parent && parent.ctx !== ctx) set.add(parent.ctx);
    }
    parents.set(ctx, set);
  }
  const remaining = [...tables].sort((a, b) => a.firstId - b.firstId);
  const ordered: MappingContext[] = [];
  const placed = new Set<MappingContext>();
  /** Whether `start` reaches itself through parents not placed yet. */
  const onCycle = (start: MappingContext): boolean => {
    const seen = new Set<MappingContext>();
    const stack = [...(parents.get(start) ?? [])];
    while (stack.length > 0) {
      const next = stack.pop() as MappingContext;
      if (next === start) return true;
      if (placed.has(next) || seen.has(next)) continue;
      seen.add(next);
      stack.push(...(parents.get(next) ?? []));
    }
    return false;
  };
  while (remaining.length > 0) {
    let index = remaining.findIndex(({ ctx }) =>
      [...(parents.get(ctx) ?? [])].every((p) => placed.has(p)),
    );
    // A cycle: the earliest-changed table on it goes first.
    if (index < 0)
      index = Math.max(
        0,
        remaining.findIndex(({ ctx }) => onCycle(ctx)),
      );
    const [next] = remaining.splice(index, 1);
    if (!next) break;
    ordered.push(next.ctx);
    placed.add(next.ctx);
  }
  return ordered;
}
