// Describe metadata in Salesforce's own wire shape (GET /sobjects and /sobjects/X/describe).
// Only the keys our code reads are typed; describes saved from a real org carry many more,
// which pass through untouched.

export type FieldType =
  | 'id'
  | 'reference'
  | 'string'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'url'
  | 'picklist'
  | 'multipicklist'
  | 'combobox'
  | 'boolean'
  | 'int'
  | 'long'
  | 'double'
  | 'currency'
  | 'percent'
  | 'date'
  | 'datetime'
  | 'time'
  | 'base64'
  | 'address'
  | 'location'
  | 'encryptedstring'
  | 'anyType'
  | 'complexvalue';

/** Types whose values are text a user types: JSON strings, varchar/text columns. */
export const TEXT_TYPES: ReadonlySet<string> = new Set([
  'string',
  'textarea',
  'email',
  'phone',
  'url',
  'picklist',
  'multipicklist',
  'combobox',
  'encryptedstring',
]);

/** Types whose values are record Ids (18 characters). */
export const ID_TYPES: ReadonlySet<string> = new Set(['id', 'reference']);

/** Types whose values are numbers. */
export const NUMBER_TYPES: ReadonlySet<string> = new Set([
  'int',
  'long',
  'double',
  'currency',
  'percent',
]);

export interface PicklistEntry {
  value: string;
  label: string;
  active: boolean;
  defaultValue: boolean;
}

export interface FieldDescribe {
  name: string;
  label: string;
  type: FieldType | (string & {});
  length: number;
  precision: number;
  scale: number;
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  defaultedOnCreate: boolean;
  calculated: boolean;
  autoNumber?: boolean;
  custom: boolean;
  externalId: boolean;
  idLookup?: boolean;
  unique: boolean;
  caseSensitive?: boolean;
  nameField?: boolean;
  referenceTo: string[];
  relationshipName: string | null;
  relationshipOrder?: number | null;
  polymorphicForeignKey?: boolean;
  cascadeDelete?: boolean;
  picklistValues: PicklistEntry[];
  restrictedPicklist?: boolean;
  filterable: boolean;
  sortable: boolean;
  groupable: boolean;
  aggregatable: boolean;
  compoundFieldName?: string | null;
  deprecatedAndHidden?: boolean;
  /**
   * Whether field-level security applies to the field. It is NOT a readability flag: real
   * describes say false for Id, Name and required fields. A field the user cannot read is simply
   * absent from a real describe; only saved describes (and our fixtures) keep such a field,
   * marked false on an optional editable field — see isFieldReadable.
   */
  permissionable?: boolean;
}

export interface ChildRelationship {
  childSObject: string;
  field: string;
  relationshipName: string | null;
  cascadeDelete: boolean;
}

export interface GlobalSObject {
  name: string;
  label: string;
  labelPlural?: string;
  keyPrefix: string | null;
  custom: boolean;
  queryable: boolean;
  createable?: boolean;
  updateable?: boolean;
  deletable?: boolean;
  replicateable?: boolean;
  retrieveable?: boolean;
}

export interface SObjectDescribe extends GlobalSObject {
  fields: FieldDescribe[];
  childRelationships: ChildRelationship[];
}

/** Case-insensitive lookups over a set of describes, as Salesforce resolves names. */
export interface DescribeCatalog {
  /** Every object the org lists (describeGlobal), described or not. */
  objects(): readonly GlobalSObject[];
  /** The full describe, or undefined when the object is unknown or not loaded. */
  describe(objectName: string): SObjectDescribe | undefined;
  field(objectName: string, fieldName: string): FieldDescribe | undefined;
  /** The lookup field whose relationshipName is `relationshipName` (Account, Owner, Parent__r). */
  parentRelationship(objectName: string, relationshipName: string): FieldDescribe | undefined;
  childRelationship(objectName: string, relationshipName: string): ChildRelationship | undefined;
}

interface IndexedObject {
  describe: SObjectDescribe;
  fields: Map<string, FieldDescribe>;
  parents: Map<string, FieldDescribe>;
  children: Map<string, ChildRelationship>;
}

/**
 * Builds a catalog from full describes, plus an optional global list for objects that are known
 * by name only. Lookups are lower-cased once here, so completion stays fast on big orgs.
 */
export function createDescribeCatalog(
  describes: Iterable<SObjectDescribe>,
  global: Iterable<GlobalSObject> = [],
): DescribeCatalog {
  const indexed = new Map<string, IndexedObject>();
  const listed = new Map<string, GlobalSObject>();
  for (const entry of global) listed.set(entry.name.toLowerCase(), entry);
  for (const d of describes) {
    const fields = new Map<string, FieldDescribe>();
    const parents = new Map<string, FieldDescribe>();
    const children = new Map<string, ChildRelationship>();
    for (const f of d.fields) {
      fields.set(f.name.toLowerCase(), f);
      if (f.relationshipName) parents.set(f.relationshipName.toLowerCase(), f);
    }
    for (const c of d.childRelationships) {
      if (c.relationshipName) children.set(c.relationshipName.toLowerCase(), c);
    }
    const key = d.name.toLowerCase();
    indexed.set(key, { describe: d, fields, parents, children });
    if (!listed.has(key)) listed.set(key, d);
  }
  const objectList = [...listed.values()].sort((a, b) => a.name.localeCompare(b.name));
  return {
    objects: () => objectList,
    describe: (name) => indexed.get(name.toLowerCase())?.describe,
    field: (o, f) => indexed.get(o.toLowerCase())?.fields.get(f.toLowerCase()),
    parentRelationship: (o, r) => indexed.get(o.toLowerCase())?.parents.get(r.toLowerCase()),
    childRelationship: (o, r) => indexed.get(o.toLowerCase())?.children.get(r.toLowerCase()),
  };
}

/**
 * A field describe from a name and a type, every other key at a neutral default (optional,
 * read-only, not custom unless the name ends in __c, filterable, sortable, groupable,
 * aggregatable); `overrides` sets the rest. For describes made in code: pseudo-objects,
 * synthetic catalogs and tests.
 */
export function fieldDescribe(
  name: string,
  type: string,
  overrides: Partial<FieldDescribe> = {},
): FieldDescribe {
  return {
    name,
    label: name,
    type,
    length: 0,
    precision: 0,
    scale: 0,
    nillable: true,
    createable: false,
    updateable: false,
    defaultedOnCreate: false,
    calculated: false,
    custom: name.endsWith('__c'),
    externalId: false,
    unique: false,
    referenceTo: [],
    relationshipName: null,
    picklistValues: [],
    filterable: true,
    sortable: true,
    groupable: true,
    aggregatable: true,
    ...overrides,
  };
}

/** Required on create in Salesforce's sense: the user must supply a value. */
export function isRequiredOnCreate(field: FieldDescribe): boolean {
  return field.createable && !field.nillable && !field.defaultedOnCreate;
}

/**
 * Whether the integration user can read a field. A live describe simply leaves unreadable
 * fields out; saved and fixture describes mark them with permissionable false. Real describes
 * also say permissionable false for fields whose access cannot be restricted (Id, required,
 * system and read-only audit fields), so only optional editable fields count as hidden.
 */
export function isFieldReadable(field: FieldDescribe): boolean {
  if (field.permissionable !== false) return true;
  return field.type === 'id' || !field.nillable || !(field.createable || field.updateable);
}

/**
 * Runs `work` on a catalog of what is described so far, notes every listed object it asked for
 * but did not find, has `fetch` describe those, and runs the work again until it reaches nothing
 * new. Only the objects a query or mapping really touches get described, each at most once
 * (`attempted` remembers the ones asked for, found or not). `described` (lower-cased name ->
 * describe) grows with what is fetched. The last run's result comes back with its catalog.
 */
export async function describeWhatWorkReaches<T>(options: {
  global: readonly GlobalSObject[];
  described: Map<string, SObjectDescribe>;
  attempted: Set<string>;
  /** Names as the org spells them; answers the describes it could get. */
  fetch: (names: string[]) => Promise<readonly SObjectDescribe[]>;
  work: (catalog: DescribeCatalog) => T;
}): Promise<{ catalog: DescribeCatalog; result: T }> {
  const { described, attempted } = options;
  const listed = new Map(options.global.map((o) => [o.name.toLowerCase(), o.name]));
  for (;;) {
    const inner = createDescribeCatalog(described.values(), options.global);
    const reached = new Set<string>();
    const note = (name: string) => {
      const key = name.toLowerCase();
      if (listed.has(key) && !described.has(key) && !attempted.has(key)) reached.add(key);
    };
    const result = options.work({
      ...inner,
      describe: (name) => (note(name), inner.describe(name)),
      field: (name, field) => (note(name), inner.field(name, field)),
      parentRelationship: (name, rel) => (note(name), inner.parentRelationship(name, rel)),
      childRelationship: (name, rel) => (note(name), inner.childRelationship(name, rel)),
    });
    if (reached.size === 0) return { catalog: inner, result };
    for (const key of reached) attempted.add(key);
    const fetched = await options.fetch([...reached].map((key) => listed.get(key) ?? key));
    for (const d of fetched) described.set(d.name.toLowerCase(), d);
  }
}
