// Record writes with an org's rules (salesforce-rest.md §2.7–2.8, §3.3): system fields kept by
// the server, required fields, types and lengths (values.ts), references that must exist,
// relationship references by a parent's external ID, unique and external-ID values, read-only
// fields, validation rules, the recycle bin with cascade on master-detail, and injected faults.

import type Database from 'better-sqlite3';
import { SalesforceError, notFound } from '../errors';
import type { Faults } from '../faults';
import { compileValidationCondition } from '../formula/compile-sqlite';
import { keyPrefixOf, makeId, normalizeId } from '../ids';
import type { OrgField, OrgObject, OrgSchema, ValidationRule } from '../schema/model';
import { dataTable, q } from './layout';
import type { OrgIdentity, RecordValues, UpsertOutcome, WriteOptions } from './types';
import { storedValue, type StoredValue } from './values';

type Row = Record<string, StoredValue>;

/** System fields the server alone writes. */
const AUDIT_FIELDS = [
  'CreatedDate',
  'CreatedById',
  'LastModifiedDate',
  'LastModifiedById',
  'SystemModstamp',
];

interface ChildLink {
  child: OrgObject;
  field: OrgField;
}

interface CompiledRule {
  /** Answers {hit: 1} for a record (by Id) the rule refuses. */
  check: Database.Statement;
  message: string;
  field: string | null;
}

export class RecordWriter {
  private readonly childLinks = new Map<string, ChildLink[]>();
  private readonly rules = new Map<string, CompiledRule[]>();
  private readonly counters: Database.Statement;
  private readonly bumpCounter: Database.Statement;
  private lastStamp = 0;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly schema: OrgSchema,
    private readonly identity: OrgIdentity,
    private readonly faults: Faults | undefined,
    private readonly now: () => Date,
  ) {
    this.counters = db.prepare('SELECT next FROM _id_counters WHERE prefix = ?');
    this.bumpCounter = db.prepare(
      'INSERT INTO _id_counters (prefix, next) VALUES (?, ?) ON CONFLICT (prefix) DO UPDATE SET next = excluded.next',
    );
    // Rules compile when the org opens, so a broken one is reported then, not at a write.
    for (const object of schema.objects) {
      const active = object.validationRules.filter((r) => r.active);
      if (active.length > 0)
        this.rules.set(
          object.name,
          active.map((r) => this.compileRule(object, r)),
        );
    }
    for (const child of schema.objects) {
      for (const field of child.fields) {
        if (field.type !== 'reference' || !field.stored) continue;
        for (const target of field.describe.referenceTo) {
          const key = target.toLowerCase();
          const links = this.childLinks.get(key) ?? [];
          links.push({ child, field });
          this.childLinks.set(key, links);
        }
      }
    }
  }

  private compileRule(object: OrgObject, rule: ValidationRule): CompiledRule {
    const scope = {
      object,
      schema: this.schema,
      rowAlias: 't',
      tableOf: (name: string) => q(dataTable(name)),
    };
    let condition: string;
    try {
      condition = compileValidationCondition(rule.condition, scope).sql;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`Validation rule ${object.name}.${rule.name}: ${reason}`);
    }
    return {
      check: this.db.prepare(
        `SELECT CASE WHEN (${condition}) THEN 1 ELSE 0 END AS hit FROM ${q(dataTable(object.name))} t WHERE t.${q('Id')} = ?`,
      ),
      message: rule.message,
      field: rule.field,
    };
  }

  /** Prepared once per distinct SQL text: writes repeat a handful of shapes. */
  private statement(sql: string): Database.Statement {
    let prepared = this.statements.get(sql);
    if (!prepared) {
      // Update shapes vary with the fields sent; a bound keeps odd clients from growing it.
      if (this.statements.size >= 1000) this.statements.clear();
      prepared = this.db.prepare(sql);
      this.statements.set(sql, prepared);
    }
    return prepared;
  }

  /** The next number of a named counter (Ids per key prefix, auto-numbers), from 1. */
  nextNumber(counter: string): number {
    const row = this.counters.get(counter) as { next: number } | undefined;
    const next = row?.next ?? 1;
    this.bumpCounter.run(counter, next + 1);
    return next;
  }

  /** Strictly increasing timestamps, so polling by SystemModstamp never misses a write. */
  timestamp(): string {
    const ms = Math.max(this.now().getTime(), this.lastStamp + 1);
    this.lastStamp = ms;
    return new Date(ms).toISOString();
  }

  // -------------------------------------------------------------------------------------------
  // Public operations (each runs inside the caller's transaction; see store.atomically).

  insert(objectName: string, values: RecordValues, options: WriteOptions = {}): string {
    const object = this.objectFor(objectName);
    this.injectedFault(object);
    if (!object.keyPrefix) throw notFound();
    const userId = options.userId ?? this.identity.userId;
    const row = this.rowFromBody(object, values, 'create');
    const id = makeId(object.keyPrefix, this.nextNumber(object.keyPrefix));
    const stamp = this.timestamp();
    row.Id = id;
    this.fillDefaults(object, row, id, userId);
    for (const name of ['CreatedDate', 'LastModifiedDate', 'SystemModstamp']) {
      if (object.field(name)) row[name] = stamp;
    }
    for (const name of ['CreatedById', 'LastModifiedById']) {
      if (object.field(name)) row[name] = userId;
    }
    if (object.field('IsDeleted')) row.IsDeleted = 0;
    this.deriveFields(object, row);
    this.checkRequired(object, row, Object.keys(row));
    this.checkReferences(object, row, Object.keys(row));
    this.checkUnique(object, row, Object.keys(row), null);
    const columns = Object.keys(row);
    this.statement(
      `INSERT INTO ${q(dataTable(object.name))} (${columns.map(q).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
    ).run(...columns.map((c) => row[c] ?? null));
    this.checkValidationRules(object, id);
    return id;
  }

  update(
    objectName: string,
    rawId: string,
    values: RecordValues,
    options: WriteOptions = {},
  ): void {
    const object = this.objectFor(objectName);
    this.injectedFault(object);
    const existing = this.existing(object, rawId);
    const userId = options.userId ?? this.identity.userId;
    const changes = this.rowFromBody(object, values, 'update', existing.Id as string);
    const merged: Row = { ...existing, ...changes };
    this.deriveFields(object, merged);
    const changed = Object.keys(merged).filter((k) => merged[k] !== existing[k]);
    this.checkRequired(object, merged, Object.keys(changes));
    this.checkReferences(object, merged, changed);
    this.checkUnique(object, merged, changed, existing.Id as string);
    const stamp = this.timestamp();
    const set: Row = {};
    for (const k of changed) set[k] = merged[k] ?? null;
    if (object.field('LastModifiedDate')) set.LastModifiedDate = stamp;
    if (object.field('SystemModstamp')) set.SystemModstamp = stamp;
    if (object.field('LastModifiedById')) set.LastModifiedById = userId;
    this.writeColumns(object, existing.Id as string, set);
    this.checkValidationRules(object, existing.Id as string);
  }

  upsert(
    objectName: string,
    externalIdField: string,
    externalIdValue: string,
    values: RecordValues,
    options: WriteOptions = {},
  ): UpsertOutcome {
    const object = this.objectFor(objectName);
    const field = object.field(externalIdField);
    const usable =
      field && (field.name === 'Id' || field.describe.externalId || field.describe.idLookup);
    if (!field || !usable) {
      throw new SalesforceError(
        'NOT_FOUND',
        `Provided external ID field does not exist or is not accessible: ${externalIdField}`,
        [],
        404,
      );
    }
    const body: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(values)) {
      // The key field itself is not written (jsforce leaves it out; a body may repeat it).
      if (k.toLowerCase() !== field.name.toLowerCase() && k !== 'attributes') body[k] = v;
    }
    const ids =
      field.name === 'Id'
        ? this.liveIds(object, normalizeId(externalIdValue))
        : this.findIds(object.name, field.name, externalIdValue);
    if (ids.length > 1) {
      // The HTTP layer answers 300 with these records' URLs.
      throw new SalesforceError('MULTIPLE_CHOICES', 'Multiple records found', ids, 300);
    }
    const [id] = ids;
    if (id) {
      this.update(object.name, id, body, options);
      return { id, created: false };
    }
    if (field.name === 'Id') throw notFound();
    return {
      id: this.insert(object.name, { ...body, [field.name]: externalIdValue }, options),
      created: true,
    };
  }

  delete(objectName: string, rawId: string, options: WriteOptions = {}): void {
    const object = this.objectFor(objectName);
    this.injectedFault(object);
    if (!object.field('IsDeleted')) {
      throw new SalesforceError(
        'INSUFFICIENT_ACCESS_OR_READONLY',
        `insufficient access rights on object id: ${object.name} records cannot be deleted`,
        [],
        400,
      );
    }
    const existing = this.existing(object, rawId);
    this.remove(
      object,
      existing.Id as string,
      this.timestamp(),
      options.userId ?? this.identity.userId,
      false,
    );
  }

  hardDelete(objectName: string, rawId: string): void {
    const object = this.objectFor(objectName);
    this.injectedFault(object);
    const id = normalizeId(rawId);
    const row = id ? this.rowById(object, id) : undefined;
    if (!id || !row) throw notFound();
    this.remove(object, id, this.timestamp(), this.identity.userId, true);
  }

  findIds(objectName: string, fieldName: string, value: string): string[] {
    const object = this.objectFor(objectName);
    const field = object.field(fieldName);
    if (!field || !field.stored) return [];
    const live = object.field('IsDeleted') ? ` AND ${q('IsDeleted')} = 0` : '';
    const collate =
      field.describe.caseSensitive || field.type === 'id' || field.type === 'reference'
        ? ''
        : ' COLLATE NOCASE';
    const rows = this.statement(
      `SELECT ${q('Id')} AS id FROM ${q(dataTable(object.name))} WHERE ${q(field.name)} = ?${collate}${live}`,
    ).all(value) as Array<{ id: string }>;
    return rows.map((r) => r.id);
  }

  // -------------------------------------------------------------------------------------------

  objectFor(objectName: string): OrgObject {
    const object = this.schema.object(objectName);
    if (!object) throw notFound();
    return object;
  }

  private injectedFault(object: OrgObject): void {
    const fault = this.faults?.onWrite(object.name);
    if (fault) throw fault;
  }

  rowById(object: OrgObject, id: string): Row | undefined {
    return this.statement(`SELECT * FROM ${q(dataTable(object.name))} WHERE ${q('Id')} = ?`).get(
      id,
    ) as Row | undefined;
  }

  /** The live record an update or delete names; Salesforce's errors for the other cases. */
  private existing(object: OrgObject, rawId: string): Row {
    const id = normalizeId(rawId);
    if (!id) throw new SalesforceError('MALFORMED_ID', `malformed id ${rawId}`, ['Id'], 400);
    if (keyPrefixOf(id) !== object.keyPrefix) {
      throw new SalesforceError(
        'MALFORMED_ID',
        `${object.label} ID: id value of incorrect type: ${id}`,
        ['Id'],
        400,
      );
    }
    const row = this.rowById(object, id);
    if (!row) throw notFound();
    if (row.IsDeleted === 1)
      throw new SalesforceError('ENTITY_IS_DELETED', 'entity is deleted', [], 404);
    return row;
  }

  private liveIds(object: OrgObject, id: string | undefined): string[] {
    if (!id) return [];
    const row = this.rowById(object, id);
    return row && row.IsDeleted !== 1 ? [id] : [];
  }

  /** The body's fields as stored values, after every per-field check. */
  private rowFromBody(
    object: OrgObject,
    values: RecordValues,
    mode: 'create' | 'update',
    id?: string,
  ): Row {
    const row: Row = {};
    const notWritable: string[] = [];
    for (const [key, value] of Object.entries(values)) {
      if (key === 'attributes') continue;
      const field = object.field(key);
      if (field) {
        // An update body may repeat its own Id (collections send `id`).
        if (field.name === 'Id' && mode === 'update' && normalizeId(String(value)) === id) continue;
        const writable = mode === 'create' ? field.describe.createable : field.describe.updateable;
        if (!writable || !field.stored) {
          notWritable.push(field.name);
          continue;
        }
        row[field.name] = storedValue(this.schema, field, value);
        continue;
      }
      const lookup = this.relationshipField(object, key);
      if (lookup && value !== null && typeof value === 'object') {
        const writable =
          mode === 'create' ? lookup.describe.createable : lookup.describe.updateable;
        if (!writable) {
          notWritable.push(lookup.name);
          continue;
        }
        row[lookup.name] = this.resolveForeignKey(lookup, value as Record<string, unknown>);
        continue;
      }
      throw new SalesforceError(
        'INVALID_FIELD',
        `No such column '${key}' on sobject of type ${object.name}`,
        [key],
      );
    }
    if (notWritable.length > 0) {
      throw new SalesforceError(
        'INVALID_FIELD_FOR_INSERT_UPDATE',
        `Unable to create/update fields: ${notWritable.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
        notWritable,
      );
    }
    return row;
  }

  private relationshipField(object: OrgObject, relationshipName: string): OrgField | undefined {
    const lower = relationshipName.toLowerCase();
    return object.fields.find(
      (f) => f.type === 'reference' && f.describe.relationshipName?.toLowerCase() === lower,
    );
  }

  /** `{"Account": {"External_ID__c": "X-1"}}` → the Account's Id. */
  private resolveForeignKey(lookup: OrgField, reference: Record<string, unknown>): string {
    const attributes = reference.attributes as { type?: unknown } | undefined;
    const entries = Object.entries(reference).filter(([k]) => k !== 'attributes');
    const typeName = typeof attributes?.type === 'string' ? attributes.type : undefined;
    const targets = lookup.describe.referenceTo;
    if (!typeName && targets.length > 1) {
      throw new SalesforceError(
        'INVALID_FIELD',
        `${lookup.describe.relationshipName} is polymorphic: name the parent's type in "attributes": {"type": …}`,
        [lookup.name],
      );
    }
    const target = this.schema.object(typeName ?? targets[0] ?? '');
    if (!target || !targets.some((t) => t.toLowerCase() === target.name.toLowerCase())) {
      throw new SalesforceError(
        'INVALID_FIELD',
        `${typeName ?? targets[0]} is not a type ${lookup.describe.relationshipName} can point to (${targets.join(', ')})`,
        [lookup.name],
      );
    }
    const [entry, ...extra] = entries;
    if (!entry || extra.length > 0) {
      throw new SalesforceError(
        'INVALID_FIELD',
        `A reference to ${target.name} through ${lookup.describe.relationshipName} must name exactly one external ID field and its value`,
        [lookup.name],
      );
    }
    const [fieldName, value] = entry;
    const keyField = target.field(fieldName);
    if (!keyField || !(keyField.describe.externalId || keyField.describe.idLookup)) {
      throw new SalesforceError(
        'INVALID_FIELD',
        `Field ${fieldName} does not exist or is not an External ID or indexed field on ${target.name}`,
        [lookup.name],
      );
    }
    const text = String(value);
    const ids =
      keyField.name === 'Id'
        ? this.liveIds(target, normalizeId(text))
        : this.findIds(target.name, keyField.name, text);
    if (ids.length === 0) {
      throw new SalesforceError(
        'INVALID_FIELD',
        `Foreign key external ID: ${text} not found for field ${keyField.name} in entity ${target.name}`,
        [lookup.name],
      );
    }
    if (ids.length > 1) {
      // Wording UNCONFIRMED.
      throw new SalesforceError(
        'INVALID_FIELD',
        `Foreign key external ID: ${text} matched more than one record for field ${keyField.name} in entity ${target.name}`,
        [lookup.name],
      );
    }
    return ids[0] as string;
  }

  private fillDefaults(object: OrgObject, row: Row, id: string, userId: string): void {
    for (const field of object.fields) {
      if (!field.stored || field.name in row) continue;
      const d = field.describe;
      if (field.name === 'OwnerId') row.OwnerId = userId;
      else if (d.autoNumber) {
        row[field.name] = String(this.nextNumber(`auto:${object.name}.${field.name}`)).padStart(
          8,
          '0',
        );
      } else if (field.type === 'boolean') row[field.name] = d.defaultValue === true ? 1 : 0;
      else if (field.type === 'picklist' || field.type === 'multipicklist') {
        const pick = d.picklistValues.find((p) => p.defaultValue && p.active);
        if (pick) row[field.name] = pick.value;
      } else if (field.name === 'Name' && d.nameField && d.defaultedOnCreate && d.createable) {
        // A custom object's Name left out is filled with the record's Id, as an org does.
        row.Name = id;
      }
    }
  }

  /** Fields the org computes from others on every write (person names, closed flags …). */
  private deriveFields(object: OrgObject, row: Row): void {
    const nameField = object.field('Name');
    const composed = object.fields.some((f) => f.describe.compoundFieldName === 'Name');
    if (nameField && composed && !nameField.describe.createable) {
      const parts = [row.FirstName, row.LastName].filter((p) => typeof p === 'string' && p !== '');
      row.Name = parts.length > 0 ? parts.join(' ') : null;
    }
    switch (object.name) {
      case 'Opportunity':
        row.IsClosed = row.StageName === 'Closed Won' || row.StageName === 'Closed Lost' ? 1 : 0;
        row.IsWon = row.StageName === 'Closed Won' ? 1 : 0;
        break;
      case 'Case':
        row.IsClosed = row.Status === 'Closed' ? 1 : 0;
        break;
      case 'Task':
        row.IsClosed = row.Status === 'Completed' ? 1 : 0;
        break;
      case 'OpportunityLineItem': {
        const quantity = typeof row.Quantity === 'number' ? row.Quantity : null;
        const price = typeof row.UnitPrice === 'number' ? row.UnitPrice : null;
        if (quantity !== null && price !== null)
          row.TotalPrice = Math.round(quantity * price * 100) / 100;
        // Product, list price, code and name come from the price book entry and its product.
        const entry = this.parentRow('PricebookEntry', row.PricebookEntryId);
        if (entry) {
          row.Product2Id = entry.Product2Id ?? null;
          row.ListPrice = entry.UnitPrice ?? null;
          row.ProductCode = entry.ProductCode ?? null;
          const opportunity = this.parentRow('Opportunity', row.OpportunityId);
          const parts = [opportunity?.Name, entry.Name].filter((p) => typeof p === 'string');
          row.Name = parts.length > 0 ? parts.join(' ') : null;
        }
        break;
      }
      case 'PricebookEntry': {
        const product = this.parentRow('Product2', row.Product2Id);
        if (product) {
          row.Name = product.Name ?? null;
          row.ProductCode = product.ProductCode ?? null;
        }
        break;
      }
    }
    for (const key of Object.keys(row)) if (!object.field(key)) delete row[key];
  }

  private parentRow(objectName: string, id: StoredValue | undefined): Row | undefined {
    const object = this.schema.object(objectName);
    return object && typeof id === 'string' ? this.rowById(object, id) : undefined;
  }

  private checkRequired(object: OrgObject, row: Row, touched: readonly string[]): void {
    const touchedSet = new Set(touched);
    const missing = object.fields
      .filter((f) => {
        const d = f.describe;
        if (!f.stored || d.nillable || AUDIT_FIELDS.includes(f.name) || f.name === 'Id')
          return false;
        if (!d.createable && !d.updateable) return false;
        // Absent (left out on create), or cleared by this write.
        return row[f.name] === undefined || (touchedSet.has(f.name) && row[f.name] === null);
      })
      .map((f) => f.name);
    if (missing.length > 0) {
      throw new SalesforceError(
        'REQUIRED_FIELD_MISSING',
        `Required fields are missing: [${missing.join(', ')}]`,
        missing,
      );
    }
  }

  private checkReferences(object: OrgObject, row: Row, changed: readonly string[]): void {
    for (const name of changed) {
      const field = object.field(name);
      const value = row[name];
      if (!field || field.type !== 'reference' || typeof value !== 'string') continue;
      // The server sets the audit lookups itself.
      if (AUDIT_FIELDS.includes(field.name)) continue;
      const target = this.schema.objectByKeyPrefix(keyPrefixOf(value));
      // Targets the org lists without storing (Group, Profile …) are taken on trust.
      if (!target) continue;
      const parent = this.rowById(target, value);
      if (!parent) {
        throw new SalesforceError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', [
          field.name,
        ]);
      }
      if (parent.IsDeleted === 1)
        throw new SalesforceError('ENTITY_IS_DELETED', 'entity is deleted', [field.name]);
    }
  }

  private checkUnique(
    object: OrgObject,
    row: Row,
    changed: readonly string[],
    selfId: string | null,
  ): void {
    for (const name of changed) {
      const field = object.field(name);
      const value = row[name];
      if (!field || !field.describe.unique || value === null || value === undefined) continue;
      const other = this.findIds(object.name, field.name, String(value)).find(
        (id) => id !== selfId,
      );
      if (other) {
        throw new SalesforceError(
          'DUPLICATE_VALUE',
          `duplicate value found: ${field.name} duplicates value on record with id: ${other}`,
          [field.name],
        );
      }
    }
  }

  private writeColumns(object: OrgObject, id: string, set: Row): void {
    const columns = Object.keys(set);
    if (columns.length === 0) return;
    this.statement(
      `UPDATE ${q(dataTable(object.name))} SET ${columns.map((c) => `${q(c)} = ?`).join(', ')} WHERE ${q('Id')} = ?`,
    ).run(...columns.map((c) => set[c] ?? null), id);
  }

  /** Rules see the record as it will be saved, parents included: it is written, then checked. */
  private checkValidationRules(object: OrgObject, id: string): void {
    for (const rule of this.rules.get(object.name) ?? []) {
      const hit = rule.check.get(id) as { hit: number } | undefined;
      if (hit?.hit === 1) {
        throw new SalesforceError(
          'FIELD_CUSTOM_VALIDATION_EXCEPTION',
          rule.message,
          rule.field ? [rule.field] : [],
        );
      }
    }
  }

  /**
   * Deletes a record: master-detail children go with it (cascade); a restricted lookup refuses;
   * other lookups to it are cleared, which bumps the child's SystemModstamp (UNCONFIRMED: an
   * org may leave it), so a poller sees the cleared field.
   */
  private remove(
    object: OrgObject,
    id: string,
    stamp: string,
    userId: string,
    hard: boolean,
  ): void {
    for (const { child, field } of this.childLinks.get(object.name.toLowerCase()) ?? []) {
      const live = child.field('IsDeleted') ? ` AND ${q('IsDeleted')} = 0` : '';
      const children = this.statement(
        `SELECT ${q('Id')} AS id FROM ${q(dataTable(child.name))} WHERE ${q(field.name)} = ?${live}`,
      ).all(id) as Array<{ id: string }>;
      if (children.length === 0) continue;
      if (field.describe.cascadeDelete) {
        for (const c of children) this.remove(child, c.id, stamp, userId, hard);
      } else if (field.describe.restrictedDelete) {
        throw new SalesforceError(
          'DELETE_FAILED',
          `Your attempt to delete ${object.name} ${id} could not be completed because it is associated with ${children.length} ${child.labelPlural} records`,
          [],
        );
      } else {
        const set: Row = { [field.name]: null };
        if (child.field('SystemModstamp')) set.SystemModstamp = stamp;
        for (const c of children) this.writeColumns(child, c.id, set);
      }
    }
    if (hard) {
      this.statement(`DELETE FROM ${q(dataTable(object.name))} WHERE ${q('Id')} = ?`).run(id);
    } else {
      const set: Row = { IsDeleted: 1 };
      if (object.field('SystemModstamp')) set.SystemModstamp = stamp;
      if (object.field('LastModifiedById')) set.LastModifiedById = userId;
      this.writeColumns(object, id, set);
    }
    this.statement(
      'INSERT OR REPLACE INTO _deleted_log (id, object, deleted_date) VALUES (?, ?, ?)',
    ).run(id, object.name, stamp);
  }
}
