// Mapping validation against an org's describes (reference §6, §3.5, §3.6). Every problem names
// the object, the field when there is one, what is wrong and how to fix it.

import {
  isFieldReadable,
  isRequiredOnCreate,
  type DescribeCatalog,
  type FieldDescribe,
} from '../salesforce';
import { postgresColumnType } from './column-types';
import { findMapping, type Mapping, type WriteAlgorithm } from './model';
import {
  columnNameFor,
  isSalesforceApiName,
  relationshipExternalIdFieldName,
  resolveMappedField,
} from './naming';

export type ProblemSeverity = 'error' | 'warning';

export const MAPPING_PROBLEM_CODES = [
  'INVALID_NAME',
  'DUPLICATE_MAPPING',
  'DUPLICATE_FIELD',
  'OBJECT_NOT_IN_ORG',
  'OBJECT_NOT_DESCRIBED',
  'OBJECT_UNSUPPORTED',
  'OBJECT_NOT_QUERYABLE',
  'FIELD_NOT_READABLE',
  'FIELD_BASE64',
  'FIELD_COMPOUND',
  'FIELD_TYPE_UNSUPPORTED',
  'FIELD_READ_ONLY',
  'FIELD_CALCULATED',
  'UPSERT_FIELD_MISSING',
  'UPSERT_FIELD_NOT_MAPPED',
  'UPSERT_FIELD_UNKNOWN',
  'UPSERT_FIELD_NOT_EXTERNAL_ID',
  'UPSERT_FIELD_NOT_UNIQUE',
  'UPSERT_FIELD_READ_ONLY_MAPPING',
  'INDEX_FIELD_NOT_MAPPED',
  'RELATIONSHIP_POLYMORPHIC',
  'RELATIONSHIP_PARENT_NOT_DESCRIBED',
  'RELATIONSHIP_PARENT_NO_EXTERNAL_ID',
  'SELF_REFERENCE_MERGED',
  'CIRCULAR_REFERENCE_MERGED',
  'REQUIRED_FIELD_MISSING',
  'POLLING_INTERVAL_UNUSUAL',
] as const;

export type MappingProblemCode = (typeof MAPPING_PROBLEM_CODES)[number];

export interface MappingProblem {
  severity: ProblemSeverity;
  code: MappingProblemCode;
  /** The mapping's object name, as written in the mapping. */
  object: string;
  field?: string;
  message: string;
  fix: string;
}

export interface ValidateOptions {
  /** The connection's write algorithm; self and circular references matter only when merged. */
  writeAlgorithm?: WriteAlgorithm;
}

/** Object suffixes Heroku Connect cannot replicate (reference §6.1). */
const UNSUPPORTED_SUFFIXES: ReadonlyArray<{ suffix: string; kind: string }> = [
  { suffix: '__b', kind: 'a big object' },
  { suffix: '__e', kind: 'a platform event' },
  { suffix: '__x', kind: 'an external object' },
  // UNCONFIRMED for Heroku Connect; neither can be read through the Bulk API, so we refuse them.
  { suffix: '__mdt', kind: 'a custom metadata type' },
  { suffix: 'ChangeEvent', kind: 'a change event' },
];

/** Fields every mapping carries whatever the access: never worth a read-only warning. */
const SYSTEM_FIELDS: ReadonlySet<string> = new Set([
  'id',
  'isdeleted',
  'systemmodstamp',
  'createddate',
  'createdbyid',
  'lastmodifieddate',
  'lastmodifiedbyid',
]);

const POLLING_RANGE = { min: 120, max: 3600 };

/** Validates mappings against the org's describes. Problems come in mapping and field order. */
export function validateMappings(
  mappings: readonly Mapping[],
  catalog: DescribeCatalog,
  options: ValidateOptions = {},
): MappingProblem[] {
  const writeAlgorithm = options.writeAlgorithm ?? 'merged';
  const problems: MappingProblem[] = [];
  const seen = new Set<string>();
  for (const mapping of mappings) {
    const key = mapping.objectName.toLowerCase();
    if (seen.has(key)) {
      problems.push({
        severity: 'error',
        code: 'DUPLICATE_MAPPING',
        object: mapping.objectName,
        message: `${mapping.objectName} is mapped more than once.`,
        fix: 'Keep one mapping per object and merge their fields.',
      });
      continue;
    }
    seen.add(key);
    problems.push(...validateMapping(mapping, catalog, writeAlgorithm));
  }
  if (writeAlgorithm === 'merged') problems.push(...circularReferences(mappings, catalog));
  return problems;
}

function validateMapping(
  mapping: Mapping,
  catalog: DescribeCatalog,
  writeAlgorithm: WriteAlgorithm,
): MappingProblem[] {
  const object = mapping.objectName;
  const problems: MappingProblem[] = [];
  const add = (p: Omit<MappingProblem, 'object'>) => problems.push({ object, ...p });

  if (!isSalesforceApiName(object)) {
    add({
      severity: 'error',
      code: 'INVALID_NAME',
      message: `${JSON.stringify(object)} is not a Salesforce object API name.`,
      fix: 'Use the API name from Setup > Object Manager (letters, digits and underscores).',
    });
  }
  const unsupported = UNSUPPORTED_SUFFIXES.find((u) => object.endsWith(u.suffix));
  if (unsupported) {
    add({
      severity: 'error',
      code: 'OBJECT_UNSUPPORTED',
      message: `${object} is ${unsupported.kind}; Heroku Connect cannot sync it.`,
      fix: `Remove the ${object} mapping.`,
    });
    return problems;
  }
  const describe = catalog.describe(object);
  if (!describe) {
    const listed = catalog.objects().some((o) => o.name.toLowerCase() === object.toLowerCase());
    add(
      listed
        ? {
            severity: 'warning',
            code: 'OBJECT_NOT_DESCRIBED',
            message: `${object} exists in the org but its describe is not loaded, so its fields were not checked.`,
            fix: `Fetch the describe of ${object} (or save it next to the others) and validate again.`,
          }
        : {
            severity: 'error',
            code: 'OBJECT_NOT_IN_ORG',
            message: `The org has no object ${object} (or the integration user cannot see it).`,
            fix: `Check the spelling of ${object}, install the package that defines it, or grant the integration user access to it.`,
          },
    );
    return problems;
  }
  if (describe.queryable === false || describe.retrieveable === false) {
    add({
      severity: 'error',
      code: 'OBJECT_NOT_QUERYABLE',
      message: `${object} cannot be queried through the API, so it cannot be synced.`,
      fix: `Remove the ${object} mapping.`,
    });
  }

  const readWrite = mapping.access === 'read_write';
  const mappedLower = new Map<string, string>();
  const columns = new Map<string, string>();
  for (const field of mapping.fields) {
    const lower = field.toLowerCase();
    const column = columnNameFor(field);
    const clash = mappedLower.get(lower) ?? columns.get(column);
    if (clash !== undefined) {
      add({
        severity: 'error',
        code: 'DUPLICATE_FIELD',
        field,
        message: `${object}.${field} is mapped twice (as ${clash} and ${field}); both would be column "${column}".`,
        fix: `Keep one of them.`,
      });
      continue;
    }
    mappedLower.set(lower, field);
    columns.set(column, field);
    if (!isSalesforceApiName(field)) {
      add({
        severity: 'error',
        code: 'INVALID_NAME',
        field,
        message: `${JSON.stringify(field)} is not a Salesforce field API name.`,
        fix: 'Use the field API name from Setup (letters, digits and underscores).',
      });
    }
    problems.push(...validateField(mapping, field, catalog, writeAlgorithm));
  }

  // Unique identifier (upsert field), reference §3.5.
  const upsert = mapping.upsertField;
  if (upsert !== undefined) {
    const upsertField = catalog.field(object, upsert);
    if (!readWrite) {
      add({
        severity: 'warning',
        code: 'UPSERT_FIELD_READ_ONLY_MAPPING',
        field: upsert,
        message: `${object} is read-only, so its upsert field ${upsert} is never used.`,
        fix: 'Remove upsert_field, or make the mapping read_write.',
      });
    }
    if (!upsertField) {
      add({
        severity: 'error',
        code: 'UPSERT_FIELD_UNKNOWN',
        field: upsert,
        message: `The upsert field ${object}.${upsert} does not exist (or the integration user cannot read it).`,
        fix: `Choose an External ID field of ${object}${externalIdList(catalog, object)}.`,
      });
    } else {
      if (!mappedLower.has(upsert.toLowerCase())) {
        add({
          severity: 'error',
          code: 'UPSERT_FIELD_NOT_MAPPED',
          field: upsert,
          message: `The upsert field ${object}.${upsert} is not one of the mapped fields.`,
          fix: `Add ${upsert} to the mapping's fields.`,
        });
      }
      if (!upsertField.externalId) {
        add({
          severity: 'error',
          code: 'UPSERT_FIELD_NOT_EXTERNAL_ID',
          field: upsert,
          message: `The upsert field ${object}.${upsert} is not an External ID field.`,
          fix: `Mark ${upsert} as "External ID" and "Unique" in Salesforce, or choose another field${externalIdList(catalog, object)}.`,
        });
      } else if (!upsertField.unique) {
        add({
          severity: 'warning',
          code: 'UPSERT_FIELD_NOT_UNIQUE',
          field: upsert,
          message: `The upsert field ${object}.${upsert} is an External ID but not Unique; two records with one value make upserts fail.`,
          fix: `Mark ${upsert} as "Unique" in Salesforce.`,
        });
      }
    }
  } else if (readWrite) {
    // The dashboard refuses this outright; Dev Center also describes connections running without
    // one (and the duplicates that follow), so we warn and let the local sync run.
    add({
      severity: 'warning',
      code: 'UPSERT_FIELD_MISSING',
      message: `The read-write mapping ${object} has no unique identifier (upsert field): rows inserted in Postgres can come back from Salesforce as duplicates.`,
      fix: `Add an External ID, Unique field to ${object}, map it, set it as upsert_field and fill it with a UUID on insert${externalIdList(catalog, object)}.`,
    });
  }

  for (const index of mapping.indexes ?? []) {
    if (!mappedLower.has(index.field.toLowerCase())) {
      add({
        severity: 'error',
        code: 'INDEX_FIELD_NOT_MAPPED',
        field: index.field,
        message: `${object} has an index on ${index.field}, which is not a mapped field.`,
        fix: `Add ${index.field} to the fields, or remove its index.`,
      });
    }
  }

  if (readWrite) {
    for (const required of describe.fields.filter(isRequiredOnCreate)) {
      if (mappedLower.has(required.name.toLowerCase())) continue;
      // A required lookup is satisfied by a relationship external-ID field for it.
      const viaExternalId = mapping.fields.some((f) => {
        const r = resolveMappedField(catalog, object, f);
        return r.kind === 'relationship_external_id' && r.lookup.name === required.name;
      });
      if (viaExternalId) continue;
      add({
        severity: 'warning',
        code: 'REQUIRED_FIELD_MISSING',
        field: required.name,
        message: `${object}.${required.name} is required when records are created, but it is not mapped: inserts from Postgres will fail.`,
        fix: `Add ${required.name} to the fields of ${object}.`,
      });
    }
  }

  if (
    mapping.sfPollingSeconds < POLLING_RANGE.min ||
    mapping.sfPollingSeconds > POLLING_RANGE.max
  ) {
    add({
      severity: 'warning',
      code: 'POLLING_INTERVAL_UNUSUAL',
      message: `sf_polling_seconds is ${mapping.sfPollingSeconds}; Heroku Connect offers ${POLLING_RANGE.min} to ${POLLING_RANGE.max} seconds.`,
      fix: `Choose a value between ${POLLING_RANGE.min} and ${POLLING_RANGE.max} (default 600).`,
    });
  }
  return problems;
}

function validateField(
  mapping: Mapping,
  field: string,
  catalog: DescribeCatalog,
  writeAlgorithm: WriteAlgorithm,
): MappingProblem[] {
  const object = mapping.objectName;
  const problems: MappingProblem[] = [];
  const add = (p: Omit<MappingProblem, 'object' | 'field'>) =>
    problems.push({ object, field, ...p });
  const resolution = resolveMappedField(catalog, object, field);

  if (resolution.kind === 'unknown') {
    add({
      severity: 'error',
      code: 'FIELD_NOT_READABLE',
      message: `${object} has no field ${field} that the integration user can read: it does not exist, or field-level security hides it.`,
      fix: `Check the spelling, or give the integration user read access to ${object}.${field}; otherwise remove it.`,
    });
    return problems;
  }

  if (resolution.kind === 'relationship_external_id') {
    const { lookup, parentObject, externalIdFieldName } = resolution;
    switch (resolution.problem) {
      case 'polymorphic':
        add({
          severity: 'error',
          code: 'RELATIONSHIP_POLYMORPHIC',
          message: `${object}.${lookup.name} can point at ${lookup.referenceTo.join(', ')}; a relationship external ID needs a single parent type.`,
          fix: `Remove ${field} and write the parent's 18-character Id into ${columnNameFor(lookup.name)} instead.`,
        });
        return problems;
      case 'parent_not_described':
        add({
          severity: 'warning',
          code: 'RELATIONSHIP_PARENT_NOT_DESCRIBED',
          message: `${field} refers to ${parentObject}.${externalIdFieldName}, but the describe of ${parentObject} is not loaded.`,
          fix: `Fetch the describe of ${parentObject} and validate again.`,
        });
        return problems;
      case 'parent_field_missing':
      case 'not_external_id': {
        const alternatives = externalIdFields(catalog, parentObject!);
        const what =
          resolution.problem === 'parent_field_missing'
            ? `${parentObject} has no field ${externalIdFieldName}`
            : `${parentObject}.${externalIdFieldName} is not an External ID field`;
        add({
          severity: 'error',
          code: 'RELATIONSHIP_PARENT_NO_EXTERNAL_ID',
          message: `${field} needs an External ID on ${parentObject}, but ${what}.`,
          fix:
            alternatives.length > 0
              ? `Use ${alternatives.map((f) => relationshipExternalIdFieldName(lookup, f.name)).join(' or ')}.`
              : `${parentObject} has no External ID field: add one in Salesforce (External ID, Unique), or write the parent's sfid into ${columnNameFor(lookup.name)} instead.`,
        });
        return problems;
      }
    }
    if (
      writeAlgorithm === 'merged' &&
      mapping.access === 'read_write' &&
      parentObject?.toLowerCase() === object.toLowerCase()
    ) {
      add({
        severity: 'warning',
        code: 'SELF_REFERENCE_MERGED',
        message: `${field} makes ${object} refer to itself. Merged writes do not keep the order of inserts, so a child can reach Salesforce before its parent and fail.`,
        fix: `Use the sfid route: insert the parent, wait until its sfid is filled in, then set ${columnNameFor(lookup.name)} of the child to that sfid. Or switch the connection to ordered writes.`,
      });
    }
    return problems;
  }

  const describe = resolution.describe;
  if (!isFieldReadable(describe)) {
    add({
      severity: 'error',
      code: 'FIELD_NOT_READABLE',
      message: `The integration user cannot read ${object}.${field} (field-level security).`,
      fix: `Give the integration user read access to ${object}.${field} (its profile or a permission set), or remove the field.`,
    });
    return problems;
  }
  const typed = postgresColumnType(describe);
  if (!typed.ok) {
    if (typed.code === 'BASE64') {
      add({
        severity: 'error',
        code: 'FIELD_BASE64',
        message: `${object}.${field} is a binary (base64) field; Heroku Connect cannot sync binary content.`,
        fix: `Remove ${field}; keep files in Salesforce (or object storage) and sync a link instead.`,
      });
    } else if (typed.code === 'COMPOUND') {
      const parts = componentsOf(catalog, object, describe);
      add({
        severity: 'error',
        code: 'FIELD_COMPOUND',
        message: `${object}.${field} is a compound ${describe.type} field; Heroku Connect maps its component fields instead.`,
        fix:
          parts.length > 0
            ? `Replace ${field} with ${parts.join(', ')}.`
            : `Replace ${field} with its component fields.`,
      });
    } else {
      add({
        severity: 'error',
        code: 'FIELD_TYPE_UNSUPPORTED',
        message: `${object}.${field} has type ${describe.type}, which has no Postgres column.`,
        fix: `Remove ${field}.`,
      });
    }
    return problems;
  }
  const readWrite = mapping.access === 'read_write';
  if (describe.calculated) {
    add({
      severity: 'warning',
      code: 'FIELD_CALCULATED',
      message:
        `${object}.${field} is a formula or roll-up field: its value can change in Salesforce without SystemModstamp changing, so Postgres is not refreshed until something else touches the record` +
        (readWrite ? ', and values written in Postgres are not sent.' : '.'),
      fix: `Reload the mapping when fresh values matter, or compute the value in Postgres from its inputs.`,
    });
  } else if (
    readWrite &&
    !describe.createable &&
    !describe.updateable &&
    !SYSTEM_FIELDS.has(field.toLowerCase())
  ) {
    add({
      severity: 'warning',
      code: 'FIELD_READ_ONLY',
      message: `${object}.${field} is read-only in Salesforce: values written to it in Postgres are not sent.`,
      fix: `Leave it mapped for reading, but do not write it from your application.`,
    });
  }
  return problems;
}

/** The components of a compound field, in describe order (`BillingStreet`, ...). */
function componentsOf(catalog: DescribeCatalog, object: string, compound: FieldDescribe): string[] {
  const describe = catalog.describe(object);
  return (describe?.fields ?? [])
    .filter((f) => f.compoundFieldName === compound.name)
    .map((f) => f.name);
}

function externalIdFields(catalog: DescribeCatalog, object: string): FieldDescribe[] {
  return (catalog.describe(object)?.fields ?? []).filter((f) => f.externalId);
}

function externalIdList(catalog: DescribeCatalog, object: string): string {
  const names = externalIdFields(catalog, object).map((f) => f.name);
  return names.length > 0 ? ` (External ID fields: ${names.join(', ')})` : '';
}

/**
 * Cycles between read-write mappings through relationship external IDs (A -> B -> A). Under
 * merged writes their inserts can reach Salesforce in any order (reference §3.3, §3.6).
 */
function circularReferences(
  mappings: readonly Mapping[],
  catalog: DescribeCatalog,
): MappingProblem[] {
  const edges = new Map<string, Array<{ to: string; field: string }>>();
  const names = new Map<string, string>();
  for (const mapping of mappings) {
    if (mapping.access !== 'read_write') continue;
    const from = mapping.objectName.toLowerCase();
    names.set(from, mapping.objectName);
    for (const field of mapping.fields) {
      const r = resolveMappedField(catalog, mapping.objectName, field);
      if (r.kind !== 'relationship_external_id' || r.problem || !r.parentObject) continue;
      const to = r.parentObject.toLowerCase();
      if (to === from) continue; // self-references are reported per field
      const parent = findMapping(mappings, r.parentObject);
      if (!parent || parent.access !== 'read_write') continue;
      edges.set(from, [...(edges.get(from) ?? []), { to, field }]);
    }
  }
  const problems: MappingProblem[] = [];
  const reported = new Set<string>();
  // Depth-first search from every node; a path returning to its start is a cycle. Graphs here
  // are a handful of objects, so the simple search is plenty.
  for (const start of edges.keys()) {
    const walk = (node: string, path: Array<{ object: string; field: string }>): void => {
      for (const edge of edges.get(node) ?? []) {
        const step = [...path, { object: node, field: edge.field }];
        if (edge.to === start) {
          const members = step.map((s) => s.object).sort();
          const key = members.join('>');
          if (reported.has(key)) continue;
          reported.add(key);
          const chain = [...step.map((s) => names.get(s.object)!), names.get(start)!].join(' -> ');
          const via = step.map((s) => `${names.get(s.object)}.${s.field}`).join(', ');
          problems.push({
            severity: 'warning',
            code: 'CIRCULAR_REFERENCE_MERGED',
            object: names.get(start)!,
            field: step[0]!.field,
            message: `${chain} refer to each other through relationship external IDs (${via}). Merged writes do not keep the order of inserts, so one side can reach Salesforce before the record it points at and fail.`,
            fix: `Break the cycle with the sfid route: insert one side without the reference, wait for its sfid, then set the lookup column to that sfid. Or switch the connection to ordered writes.`,
          });
        } else if (!step.some((s) => s.object === edge.to)) {
          walk(edge.to, step);
        }
      }
    };
    walk(start, []);
  }
  return problems;
}
