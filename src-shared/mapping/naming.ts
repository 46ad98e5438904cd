// Names as Heroku Connect gives them (reference §1.1, §1.3, §1.5, §3.6): tables and columns are
// the lower-cased API names, `Id` becomes `sfid`, indexes are hc_idx_/hcu_idx_<table>_<column>,
// and relationship external-ID pseudo-fields are `<relationship name>__<parent external ID>`.

import type { DescribeCatalog, FieldDescribe } from '../salesforce';
import { truncateIdentifier } from './sql';

/** Mapped table for an object: `Account` -> `account`, `My_Object__c` -> `my_object__c`. */
export function tableNameFor(objectName: string): string {
  return truncateIdentifier(objectName.toLowerCase());
}

/** Column for a mapped field: lower-cased API name; the record Id lives in `sfid`. */
export function columnNameFor(fieldName: string): string {
  const lower = fieldName.toLowerCase();
  return truncateIdentifier(lower === 'id' ? 'sfid' : lower);
}

export const triggerNames = {
  logFunction: (table: string) => truncateIdentifier(`hc_${table}_logger`),
  logTrigger: (table: string) => truncateIdentifier(`hc_${table}_logtrigger`),
  statusFunction: (table: string) => truncateIdentifier(`hc_${table}_status`),
  statusTrigger: (table: string) => truncateIdentifier(`hc_${table}_status_trigger`),
};

/** `hcu_idx_<table>_<column>` for unique indexes, `hc_idx_<table>_<column>` otherwise. */
export function indexNameFor(table: string, column: string, unique: boolean): string {
  return truncateIdentifier(`${unique ? 'hcu_idx' : 'hc_idx'}_${table}_${column}`);
}

/**
 * The relationship name of a lookup: the describe's `relationshipName`, or the name Salesforce
 * derives when it is missing (`AccountId` -> `Account`, `Primary_Contact__c` -> `Primary_Contact__r`).
 */
export function relationshipNameOf(
  lookup: Pick<FieldDescribe, 'name' | 'relationshipName'>,
): string {
  if (lookup.relationshipName) return lookup.relationshipName;
  if (/__c$/i.test(lookup.name)) return `${lookup.name.slice(0, -3)}__r`;
  if (/id$/i.test(lookup.name)) return lookup.name.slice(0, -2);
  return lookup.name;
}

/**
 * The pseudo-field a child mapping adds to carry its parent's external ID:
 * `AccountId` + `External_ID__c` -> `Account__External_ID__c`;
 * `Primary_Contact__c` + `External_ID__c` -> `Primary_Contact__r__External_ID__c`.
 */
export function relationshipExternalIdFieldName(
  lookup: Pick<FieldDescribe, 'name' | 'relationshipName'>,
  parentExternalIdField: string,
): string {
  return `${relationshipNameOf(lookup)}__${parentExternalIdField}`;
}

export type RelationshipProblem =
  /** The lookup points at several object types (WhoId, WhatId, OwnerId). */
  | 'polymorphic'
  /** The parent object is known by name only; its fields cannot be checked. */
  | 'parent_not_described'
  /** The parent has no field of that name. */
  | 'parent_field_missing'
  /** The parent field exists but is not an External ID. */
  | 'not_external_id';

export type ResolvedField =
  | { kind: 'field'; name: string; describe: FieldDescribe }
  | {
      kind: 'relationship_external_id';
      name: string;
      lookup: FieldDescribe;
      relationshipName: string;
      /** undefined for a polymorphic lookup. */
      parentObject?: string;
      /** The parent field's name as written after the relationship (`External_ID__c`). */
      externalIdFieldName: string;
      /** The parent's field when it exists. */
      parentField?: FieldDescribe;
      problem?: RelationshipProblem;
    }
  | { kind: 'unknown'; name: string };

function isPolymorphic(lookup: FieldDescribe): boolean {
  return lookup.referenceTo.length > 1 || lookup.polymorphicForeignKey === true;
}

/**
 * What a mapping field name stands for on an object: a real field of the describe, a
 * relationship external-ID pseudo-field, or nothing the describe knows (missing or unreadable).
 */
export function resolveMappedField(
  catalog: DescribeCatalog,
  objectName: string,
  fieldName: string,
): ResolvedField {
  const real = catalog.field(objectName, fieldName);
  if (real) return { kind: 'field', name: fieldName, describe: real };
  const describe = catalog.describe(objectName);
  if (!describe) return { kind: 'unknown', name: fieldName };
  const lowered = fieldName.toLowerCase();
  type Candidate = Extract<ResolvedField, { kind: 'relationship_external_id' }>;
  const candidates: Candidate[] = [];
  for (const lookup of describe.fields) {
    if (lookup.type !== 'reference' || lookup.referenceTo.length === 0) continue;
    const relationshipName = relationshipNameOf(lookup);
    const prefix = `${relationshipName.toLowerCase()}__`;
    if (!lowered.startsWith(prefix) || lowered.length === prefix.length) continue;
    const externalIdFieldName = fieldName.slice(prefix.length);
    const base = { kind: 'relationship_external_id' as const, name: fieldName, lookup };
    if (isPolymorphic(lookup)) {
      candidates.push({ ...base, relationshipName, externalIdFieldName, problem: 'polymorphic' });
      continue;
    }
    const parentObject = lookup.referenceTo[0]!;
    const common = { ...base, relationshipName, parentObject, externalIdFieldName };
    if (!catalog.describe(parentObject)) {
      candidates.push({ ...common, problem: 'parent_not_described' });
      continue;
    }
    const parentField = catalog.field(parentObject, externalIdFieldName);
    if (!parentField) candidates.push({ ...common, problem: 'parent_field_missing' });
    else if (!parentField.externalId) {
      candidates.push({ ...common, parentField, problem: 'not_external_id' });
    } else candidates.push({ ...common, parentField });
  }
  if (candidates.length === 0) return { kind: 'unknown', name: fieldName };
  // `Account__r__X` fits both `Account` and `Account__r`: prefer a clean match, then the
  // longer relationship name.
  const rank = (c: Candidate) =>
    c.problem === undefined ? 0 : c.problem === 'polymorphic' ? 2 : 1;
  candidates.sort(
    (a, b) => rank(a) - rank(b) || b.relationshipName.length - a.relationshipName.length,
  );
  return candidates[0]!;
}

/** Salesforce API names: a letter, then letters, digits and underscores. */
export function isSalesforceApiName(name: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_]*$/.test(name) && !name.endsWith('_') && name.length <= 255;
}
