// Completion candidates built from describe metadata, cached so a keystroke never walks a big
// org: per object (keyed by the describe object itself) the sorted fields, parent and child
// relationships; per catalog (keyed by its object list) the sorted queryable objects. The final
// CompletionItem (with its range) is only made for the few candidates that survive filtering.
import type {
  ChildRelationship,
  DescribeCatalog,
  FieldDescribe,
  GlobalSObject,
  PicklistEntry,
  SObjectDescribe,
} from '../salesforce';
import { isFieldReadable } from '../salesforce';
import { DATE_FUNCTIONS } from './ast';
import { NAME_OBJECT_FIELDS } from './name-object';
import { DATE_LITERALS, PARAMETRIC_DATE_LITERALS } from './date-literals';

export type CompletionKind =
  | 'keyword'
  | 'object'
  | 'field'
  | 'relationship'
  | 'childRelationship'
  | 'function'
  | 'value'
  | 'dateLiteral'
  | 'snippet';

/** A completion before it is placed: what to show and what the partial word is matched with. */
export interface Candidate {
  label: string;
  kind: CompletionKind;
  detail?: string;
  insertText?: string;
  /** Lower-cased text matched against the partial word (a quoted value matches unquoted). */
  match: string;
  /** The field behind a field candidate, or the lookup field behind a relationship. */
  field?: FieldDescribe;
}

/** Everything an object offers, sorted case-insensitively by name. */
export interface ObjectCandidates {
  /** The object name ('Name' for the polymorphic pseudo-object). */
  name: string;
  /** Readable fields and parent relationships in one list, so relationships sit beside fields. */
  fieldsAndRelationships: Candidate[];
  fields: Candidate[];
  /** Parent relationships whose lookup points at more than one object (What, Who, Owner…). */
  polymorphic: Candidate[];
  children: Candidate[];
  fieldByName: Map<string, FieldDescribe>;
}

export function candidate(
  label: string,
  kind: CompletionKind,
  detail?: string,
  insertText?: string,
): Candidate {
  const c: Candidate = { label, kind, match: label.toLowerCase() };
  if (detail !== undefined) c.detail = detail;
  if (insertText !== undefined) c.insertText = insertText;
  return c;
}

function byMatch(a: Candidate, b: Candidate): number {
  return a.match < b.match ? -1 : a.match > b.match ? 1 : a.label < b.label ? -1 : 1;
}

/** A field the user may read: hidden and non-readable fields never appear in a real describe. */
function isVisible(field: FieldDescribe): boolean {
  return field.deprecatedAndHidden !== true && isFieldReadable(field);
}

function fieldDetail(field: FieldDescribe): string {
  if (field.type === 'reference' && field.referenceTo.length > 0) {
    return `reference → ${field.referenceTo.join('|')} · ${field.label}`;
  }
  return `${field.type} · ${field.label}`;
}

function fieldCandidate(field: FieldDescribe): Candidate {
  return { ...candidate(field.name, 'field', fieldDetail(field)), field };
}

/** A field written as a path (`Account.Name`), e.g. a selected field offered again in GROUP BY. */
export function fieldPathCandidate(path: string, field: FieldDescribe): Candidate {
  return { ...candidate(path, 'field', fieldDetail(field)), field };
}

function relationshipCandidate(field: FieldDescribe, name: string): Candidate {
  const target = field.referenceTo.length > 0 ? field.referenceTo.join('|') : 'unknown';
  return { ...candidate(name, 'relationship', `relationship → ${target} · ${field.label}`), field };
}

function childCandidate(child: ChildRelationship, name: string): Candidate {
  return candidate(
    name,
    'childRelationship',
    `child relationship → ${child.childSObject}.${child.field}`,
  );
}

function buildObjectCandidates(
  name: string,
  fieldList: readonly FieldDescribe[],
  children: readonly ChildRelationship[],
): ObjectCandidates {
  const fields: Candidate[] = [];
  const relationships: Candidate[] = [];
  const fieldByName = new Map<string, FieldDescribe>();
  for (const field of fieldList) {
    if (!isVisible(field)) continue;
    fieldByName.set(field.name.toLowerCase(), field);
    fields.push(fieldCandidate(field));
    if (field.relationshipName)
      relationships.push(relationshipCandidate(field, field.relationshipName));
  }
  fields.sort(byMatch);
  relationships.sort(byMatch);
  const childList = children
    .filter((c): c is ChildRelationship & { relationshipName: string } => !!c.relationshipName)
    .map((c) => childCandidate(c, c.relationshipName))
    .sort(byMatch);
  return {
    name,
    fields,
    fieldsAndRelationships: [...fields, ...relationships].sort(byMatch),
    polymorphic: relationships.filter((r) => (r.field?.referenceTo.length ?? 0) > 1),
    children: childList,
    fieldByName,
  };
}

const objectCache = new WeakMap<SObjectDescribe, ObjectCandidates>();

export function objectCandidates(describe: SObjectDescribe): ObjectCandidates {
  let cached = objectCache.get(describe);
  if (!cached) {
    cached = buildObjectCandidates(describe.name, describe.fields, describe.childRelationships);
    objectCache.set(describe, cached);
  }
  return cached;
}

// --- the polymorphic "Name" pseudo-object ------------------------------------------------------

/** A catalog that describes `Name` itself wins over the built-in list. */
const NAME_OBJECT = buildObjectCandidates('Name', NAME_OBJECT_FIELDS, []);

export function nameObjectCandidates(catalog: DescribeCatalog): ObjectCandidates {
  const described = catalog.describe('Name');
  return described ? objectCandidates(described) : NAME_OBJECT;
}

// --- objects ---------------------------------------------------------------------------------

const objectListCache = new WeakMap<readonly GlobalSObject[], Candidate[]>();

/** Queryable objects, sorted; cached on the catalog's own (stable) object list. */
export function objectListCandidates(catalog: DescribeCatalog): Candidate[] {
  const list = catalog.objects();
  let cached = objectListCache.get(list);
  if (!cached) {
    cached = list
      .filter((o) => o.queryable !== false)
      .map((o) =>
        candidate(o.name, 'object', `${o.custom ? 'custom object' : 'object'} · ${o.label}`),
      )
      .sort(byMatch);
    objectListCache.set(list, cached);
  }
  return cached;
}

// --- path resolution ---------------------------------------------------------------------------

/** What a field path lands on: an object's candidates (or the Name pseudo-object). */
export interface Target {
  candidates: ObjectCandidates;
  describe?: SObjectDescribe;
  /** Relationship hops taken from the query's object. */
  hops: number;
}

export function targetOf(describe: SObjectDescribe | undefined): Target | undefined {
  return describe ? { candidates: objectCandidates(describe), describe, hops: 0 } : undefined;
}

/** Follows one parent relationship; a polymorphic lookup lands on the Name pseudo-object. */
export function followRelationship(
  catalog: DescribeCatalog,
  from: Target,
  relationshipName: string,
): Target | undefined {
  if (!from.describe) return undefined;
  const lookup = catalog.parentRelationship(from.describe.name, relationshipName);
  if (!lookup || !isVisible(lookup)) return undefined;
  if (lookup.referenceTo.length !== 1) {
    return { candidates: nameObjectCandidates(catalog), hops: from.hops + 1 };
  }
  const describe = catalog.describe(lookup.referenceTo[0]!);
  return describe
    ? { candidates: objectCandidates(describe), describe, hops: from.hops + 1 }
    : undefined;
}

/** The field a path names (`Account.Industry` from Contact), or undefined. */
export function resolveField(
  catalog: DescribeCatalog,
  from: Target | undefined,
  names: string[],
): FieldDescribe | undefined {
  let target = from;
  for (let i = 0; i < names.length - 1 && target; i++) {
    target = followRelationship(catalog, target, names[i]!);
  }
  const last = names.at(-1);
  if (!target || last === undefined) return undefined;
  return target.candidates.fieldByName.get(last.toLowerCase());
}

// --- values ------------------------------------------------------------------------------------

export function quoteSoqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

const picklistCache = new WeakMap<FieldDescribe, { values: Candidate[]; labels: Candidate[] }>();

/** Active picklist values of a field, quoted, in the org's order; or their labels (toLabel). */
export function picklistCandidates(field: FieldDescribe, labels: boolean): Candidate[] {
  let cached = picklistCache.get(field);
  if (!cached) {
    const active = field.picklistValues.filter((p: PicklistEntry) => p.active);
    const make = (text: string, entry: PicklistEntry): Candidate => ({
      label: quoteSoqlString(text),
      kind: 'value',
      detail: `${field.type} value · ${entry.label}`,
      match: text.toLowerCase(),
    });
    cached = {
      values: active.map((p) => make(p.value, p)),
      labels: active.map((p) => make(p.label, p)),
    };
    picklistCache.set(field, cached);
  }
  return labels ? cached.labels : cached.values;
}

export const BOOLEAN_VALUES = [
  candidate('TRUE', 'value', 'boolean'),
  candidate('FALSE', 'value', 'boolean'),
];
export const NULL_VALUE = [candidate('NULL', 'value', 'no value')];

export const DATE_LITERAL_CANDIDATES: Candidate[] = [
  ...[...DATE_LITERALS].map((name) => candidate(name, 'dateLiteral', 'date literal')),
  ...[...PARAMETRIC_DATE_LITERALS].map((name) =>
    candidate(`${name}:n`, 'snippet', 'date literal with a count', `${name}:\${1:n}`),
  ),
];

// --- functions ---------------------------------------------------------------------------------

function fn(label: string, detail: string, insertText = `${label}(`): Candidate {
  return candidate(label, 'function', detail, insertText);
}

export const COUNT_ROWS = fn(
  'COUNT()',
  'aggregate · number of rows (the only item selected)',
  'COUNT()',
);

export const AGGREGATE_FUNCTION_CANDIDATES = [
  fn('COUNT', 'aggregate · count of non-null values'),
  fn('COUNT_DISTINCT', 'aggregate · count of distinct non-null values'),
  fn('AVG', 'aggregate · average of a number field'),
  fn('SUM', 'aggregate · sum of a number field'),
  fn('MIN', 'aggregate · smallest value'),
  fn('MAX', 'aggregate · largest value'),
];

export const DATE_FUNCTION_CANDIDATES = DATE_FUNCTIONS.map((name) =>
  fn(name, name === 'DAY_ONLY' ? 'date function · date part of a datetime' : 'date function'),
);

export const CONVERT_TIMEZONE = fn(
  'convertTimezone',
  'datetime in the user’s time zone (inside a date function)',
);
export const TO_LABEL = fn('toLabel', 'translated label of a picklist value');
export const FORMAT = fn('FORMAT', 'localised number, date or currency');
export const CONVERT_CURRENCY = fn('convertCurrency', 'amount in the user’s currency');
export const GROUPING = fn('GROUPING', '1 on a ROLLUP/CUBE subtotal row');
export const DISTANCE = fn('DISTANCE', 'distance between a location field and a point');
export const GEOLOCATION = fn('GEOLOCATION', 'a point: GEOLOCATION(latitude, longitude)');
export const ROLLUP_CUBE = [
  fn('ROLLUP', 'subtotals per grouped field'),
  fn('CUBE', 'subtotals for every combination'),
];

export const FIELDS_FUNCTIONS = [
  fn('FIELDS(ALL)', 'every field (needs LIMIT 200 or less)', 'FIELDS(ALL)'),
  fn('FIELDS(STANDARD)', 'every standard field', 'FIELDS(STANDARD)'),
  fn('FIELDS(CUSTOM)', 'every custom field (needs LIMIT 200 or less)', 'FIELDS(CUSTOM)'),
];

export const FIELDS_MODES = [
  candidate('ALL', 'keyword', 'every field (needs LIMIT 200 or less)'),
  candidate('STANDARD', 'keyword', 'every standard field'),
  candidate('CUSTOM', 'keyword', 'every custom field (needs LIMIT 200 or less)'),
];

// --- field filters -----------------------------------------------------------------------------

export type FieldFilter = (field: FieldDescribe) => boolean;

const NUMERIC = new Set(['int', 'long', 'double', 'currency', 'percent']);

export const isNumeric: FieldFilter = (f) => NUMERIC.has(f.type);
export const isDateLike: FieldFilter = (f) => f.type === 'date' || f.type === 'datetime';
export const isPicklist: FieldFilter = (f) =>
  f.type === 'picklist' || f.type === 'multipicklist' || f.type === 'combobox';
export const isIdOrReference: FieldFilter = (f) => f.type === 'id' || f.type === 'reference';

/** Which fields a function accepts as its argument (upper-cased function name). */
export function functionArgumentFilter(name: string): FieldFilter | undefined {
  switch (name) {
    case 'AVG':
    case 'SUM':
      return (f) => f.aggregatable && NUMERIC.has(f.type);
    case 'COUNT':
    case 'COUNT_DISTINCT':
    case 'MIN':
    case 'MAX':
      return (f) => f.aggregatable;
    case 'DAY_ONLY':
    case 'HOUR_IN_DAY':
    case 'CONVERTTIMEZONE':
      return (f) => f.type === 'datetime';
    case 'TOLABEL':
      return isPicklist;
    case 'FORMAT':
      return (f) => NUMERIC.has(f.type) || isDateLike(f) || f.type === 'time';
    case 'CONVERTCURRENCY':
      return (f) => f.type === 'currency';
    case 'GROUPING':
    case 'ROLLUP':
    case 'CUBE':
      return (f) => f.groupable;
    case 'DISTANCE':
      return (f) => f.type === 'location';
    default:
      return (DATE_FUNCTIONS as readonly string[]).includes(name) ? isDateLike : undefined;
  }
}

export function isAggregateName(name: string): boolean {
  return ['AVG', 'SUM', 'COUNT', 'COUNT_DISTINCT', 'MIN', 'MAX'].includes(name);
}
