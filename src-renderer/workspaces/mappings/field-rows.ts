// What the field checklist shows for one mapping: every field of the object's describe with its
// Salesforce and Postgres types and flags, and for each lookup the relationship external-ID
// fields it can carry (or why it cannot). The rules come from the shared mapping room: types
// from postgresColumnType, pseudo-field names from relationshipExternalIdFieldName, what a name
// stands for from resolveMappedField, and whether a choice is sound from validateMappings.
import {
  postgresColumnType,
  relationshipColumnType,
  relationshipExternalIdFieldName,
  relationshipNameOf,
  resolveMappedField,
  validateMappings,
  type Mapping,
  type MappingProblem,
  type WriteAlgorithm,
} from '../../../src-shared/mapping';
import {
  isFieldReadable,
  isRequiredOnCreate,
  type DescribeCatalog,
  type FieldDescribe,
} from '../../../src-shared/salesforce';
import { lockedFields } from './document-edits';

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export interface FieldRow {
  name: string;
  label: string;
  /** `string(80)`, `reference → Account`, `picklist`. */
  salesforceType: string;
  /** The column type; null when the field cannot be a column. */
  postgresType: string | null;
  /** Why the field cannot be mapped (greyed out); null when it can. */
  unsupported: string | null;
  mapped: boolean;
  /** A system field every mapping carries (cannot be unticked). */
  locked: boolean;
  required: boolean;
  externalId: boolean;
  unique: boolean;
  /** Neither createable nor updateable (and not a formula). */
  readOnly: boolean;
  /** A formula or roll-up. */
  calculated: boolean;
  /** In the mapping but unknown to the describe (misspelt, hidden, or deleted in the org). */
  unknown: boolean;
  problems: MappingProblem[];
}

function salesforceTypeOf(field: FieldDescribe): string {
  if (field.type === 'reference') return `reference → ${field.referenceTo.join(', ') || '?'}`;
  const sized = ['string', 'textarea', 'encryptedstring', 'combobox', 'email', 'phone', 'url'];
  if (sized.includes(field.type) && field.length > 0) return `${field.type}(${field.length})`;
  if ((field.type === 'double' || field.type === 'currency') && field.precision > 0) {
    return `${field.type}(${field.precision}, ${field.scale})`;
  }
  return field.type;
}

function problemsOf(problems: readonly MappingProblem[], object: string, field: string) {
  return problems.filter(
    (p) => p.field !== undefined && same(p.object, object) && same(p.field, field),
  );
}

/**
 * One row per field of the describe, sorted by API name, after the mapping's fields that the
 * describe does not have (so a bad import is seen first). Relationship external-ID fields are
 * not here: relationshipRows lists them under their lookups.
 */
export function fieldRows(
  mapping: Mapping,
  catalog: DescribeCatalog,
  problems: readonly MappingProblem[],
): FieldRow[] {
  const object = mapping.objectName;
  const describe = catalog.describe(object);
  if (!describe) return [];
  const locked = lockedFields(catalog, object);
  const isMapped = (name: string) => mapping.fields.some((f) => same(f, name));
  const rows: FieldRow[] = [...describe.fields]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((field) => {
      const typed = postgresColumnType(field);
      const unsupported = !isFieldReadable(field)
        ? 'the integration user cannot read it (field-level security)'
        : typed.ok
          ? null
          : typed.reason;
      return {
        name: field.name,
        label: field.label,
        salesforceType: salesforceTypeOf(field),
        postgresType: typed.ok ? typed.sqlType : null,
        unsupported,
        mapped: isMapped(field.name),
        locked: locked.some((l) => same(l, field.name)),
        required: isRequiredOnCreate(field),
        externalId: field.externalId,
        unique: field.unique,
        readOnly: !field.calculated && !field.createable && !field.updateable,
        calculated: field.calculated,
        unknown: false,
        problems: problemsOf(problems, object, field.name),
      };
    });
  const strays: FieldRow[] = mapping.fields
    .filter((name) => resolveMappedField(catalog, object, name).kind === 'unknown')
    .map((name) => ({
      name,
      label: 'not in the describe',
      salesforceType: '?',
      postgresType: null,
      unsupported: null,
      mapped: true,
      locked: false,
      required: false,
      externalId: false,
      unique: false,
      readOnly: false,
      calculated: false,
      unknown: true,
      problems: problemsOf(problems, object, name),
    }));
  return [...strays, ...rows];
}

/** Rows a search keeps: the text in the API name or the label (case-insensitive). */
export function filterFieldRows(rows: readonly FieldRow[], search: string): FieldRow[] {
  const needle = search.trim().toLowerCase();
  if (needle === '') return [...rows];
  return rows.filter(
    (r) => r.name.toLowerCase().includes(needle) || r.label.toLowerCase().includes(needle),
  );
}

/** "Select required": the required fields that can be mapped. */
export function requiredFieldNames(rows: readonly FieldRow[]): string[] {
  return rows.filter((r) => r.required && !r.unknown && r.unsupported === null).map((r) => r.name);
}

/** "Select all": every field that can be mapped. */
export function selectableFieldNames(rows: readonly FieldRow[]): string[] {
  return rows.filter((r) => !r.unknown && r.unsupported === null).map((r) => r.name);
}

/** External-ID fields of the object: the only choices for the unique identifier. */
export function externalIdFields(catalog: DescribeCatalog, objectName: string): FieldDescribe[] {
  return (catalog.describe(objectName)?.fields ?? []).filter(
    (f) => f.externalId && postgresColumnType(f).ok,
  );
}

export interface RelationshipOption {
  /** The pseudo-field (`Account__External_ID__c`). */
  name: string;
  /** The parent's External ID field it carries. */
  parentField: string;
  postgresType: string | null;
  mapped: boolean;
  /**
   * What the validator says of this field: when mapped, its problems now; when not, the
   * problems ticking it would add (a self or circular reference under merged writes).
   */
  problems: MappingProblem[];
}

export type RelationshipStatus =
  /** External IDs on the parent to choose from. */
  | 'options'
  /** The lookup can point at several objects: no single parent to carry an external ID of. */
  | 'polymorphic'
  /** The parent's describe is not loaded (yet). */
  | 'parent_not_described'
  /** The parent has no External ID field. */
  | 'no_external_id';

export interface RelationshipRow {
  lookup: string;
  lookupLabel: string;
  relationshipName: string;
  /** The parent object (the first target of a polymorphic lookup's list otherwise). */
  parentObject: string;
  targets: string[];
  status: RelationshipStatus;
  /** Why there is nothing to choose, in a sentence; null with options. */
  reason: string | null;
  options: RelationshipOption[];
}

/** The parent field name used to ask the shared rules about a lookup before any is chosen. */
const PROBE_FIELD = 'External_ID__c';

const problemKey = (p: MappingProblem) => `${p.code}|${p.object}|${p.field ?? ''}|${p.message}`;

/**
 * Each lookup of the mapping's object and the relationship external-ID fields it offers. Every
 * verdict is the shared rules': resolveMappedField says what a pseudo-field name resolves to
 * (polymorphic, parent not described), and validateMappings, run with the field added, says what
 * choosing it would cost (a self or circular reference under merged writes).
 */
export function relationshipRows(
  mapping: Mapping,
  mappings: readonly Mapping[],
  catalog: DescribeCatalog,
  writeAlgorithm: WriteAlgorithm,
  problems: readonly MappingProblem[],
): RelationshipRow[] {
  const object = mapping.objectName;
  const describe = catalog.describe(object);
  if (!describe) return [];
  const others = mappings.filter((m) => !same(m.objectName, object));
  const validateWith = (candidate: Mapping) =>
    validateMappings([...others, candidate], catalog, { writeAlgorithm });
  let baseline: Set<string> | null = null;
  const costOf = (field: string): MappingProblem[] => {
    baseline ??= new Set(validateWith(mapping).map(problemKey));
    const known = baseline;
    const withField = { ...mapping, fields: [...mapping.fields, field] };
    return validateWith(withField).filter(
      (p) =>
        !known.has(problemKey(p)) &&
        ((p.field !== undefined && same(p.field, field)) || p.code === 'CIRCULAR_REFERENCE_MERGED'),
    );
  };

  const rows: RelationshipRow[] = [];
  const lookups = describe.fields
    .filter((f) => f.type === 'reference' && f.referenceTo.length > 0)
    .sort((a, b) => a.name.localeCompare(b.name));
  for (const lookup of lookups) {
    const relationshipName = relationshipNameOf(lookup);
    const base = {
      lookup: lookup.name,
      lookupLabel: lookup.label,
      relationshipName,
      parentObject: lookup.referenceTo[0]!,
      targets: [...lookup.referenceTo],
      options: [] as RelationshipOption[],
    };
    const probeName = relationshipExternalIdFieldName(lookup, PROBE_FIELD);
    const probe = resolveMappedField(catalog, object, probeName);
    // A real field of that name, or a lookup with a longer relationship name, shadows it.
    if (probe.kind !== 'relationship_external_id' || probe.lookup.name !== lookup.name) continue;
    if (probe.problem === 'polymorphic') {
      const said = validateWith({ ...mapping, fields: [...mapping.fields, probeName] }).find(
        (p) =>
          p.code === 'RELATIONSHIP_POLYMORPHIC' &&
          p.field !== undefined &&
          same(p.field, probeName),
      );
      rows.push({
        ...base,
        status: 'polymorphic',
        reason:
          said?.message ??
          `${object}.${lookup.name} can point at ${lookup.referenceTo.join(', ')}.`,
      });
      continue;
    }
    const parentObject = probe.parentObject ?? base.parentObject;
    const parent = catalog.describe(parentObject);
    if (!parent) {
      rows.push({
        ...base,
        parentObject,
        status: 'parent_not_described',
        reason: `The describe of ${parentObject} is not loaded.`,
      });
      continue;
    }
    const externalIds = parent.fields
      .filter((f) => f.externalId)
      .sort((a, b) => a.name.localeCompare(b.name));
    if (externalIds.length === 0) {
      rows.push({
        ...base,
        parentObject: parent.name,
        status: 'no_external_id',
        reason: `${parent.name} has no External ID field to refer to it by.`,
      });
      continue;
    }
    const options = externalIds.map((parentField): RelationshipOption => {
      const name = relationshipExternalIdFieldName(lookup, parentField.name);
      const mapped = mapping.fields.find((f) => same(f, name));
      const typed = relationshipColumnType(parentField);
      return {
        name: mapped ?? name,
        parentField: parentField.name,
        postgresType: typed.ok ? typed.sqlType : null,
        mapped: mapped !== undefined,
        problems: mapped ? problemsOf(problems, object, mapped) : costOf(name),
      };
    });
    rows.push({ ...base, parentObject: parent.name, status: 'options', reason: null, options });
  }
  // Mapped pseudo-fields no choice above stands for (a parent field that is not an External ID,
  // a polymorphic lookup): listed under their lookup with their problems, so they can be unticked.
  for (const name of mapping.fields) {
    const resolved = resolveMappedField(catalog, object, name);
    if (resolved.kind !== 'relationship_external_id') continue;
    const row = rows.find((r) => r.lookup === resolved.lookup.name);
    if (!row || row.options.some((o) => same(o.name, name))) continue;
    row.options.push({
      name,
      parentField: resolved.externalIdFieldName,
      postgresType: null,
      mapped: true,
      problems: problemsOf(problems, object, name),
    });
  }
  return rows;
}

/**
 * The objects the editor needs described: every mapped object (in the draft and the applied
 * document) and the parent of each of their lookups that could carry an external ID.
 */
export function describesNeeded(mappings: readonly Mapping[], catalog: DescribeCatalog): string[] {
  const needed = new Map<string, string>();
  const add = (name: string) => {
    if (!needed.has(name.toLowerCase())) needed.set(name.toLowerCase(), name);
  };
  for (const mapping of mappings) add(mapping.objectName);
  for (const mapping of mappings) {
    const describe = catalog.describe(mapping.objectName);
    if (!describe) continue;
    for (const lookup of describe.fields) {
      if (lookup.type !== 'reference' || lookup.referenceTo.length === 0) continue;
      const probe = resolveMappedField(
        catalog,
        mapping.objectName,
        relationshipExternalIdFieldName(lookup, PROBE_FIELD),
      );
      if (probe.kind === 'relationship_external_id' && probe.problem === 'parent_not_described') {
        add(probe.parentObject!);
      }
    }
  }
  return [...needed.values()];
}
