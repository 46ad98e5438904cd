// Merges schema definitions (definition.ts) into the OrgSchema the local org serves: expands
// each field into its full describe entry (salesforce-rest.md §2.5), adds the system fields,
// derives child relationships from the lookups and checks that the whole holds together.
// Later definitions may add objects, add fields and validation rules to earlier objects, and
// turn a listed-only object into a described one; anything else that clashes is refused with
// both sides named.

import { readFileSync } from 'node:fs';
import { DEFAULT_API_VERSION } from '../../../src-shared/api';
import {
  createDescribeCatalog,
  TEXT_TYPES,
  type FieldType,
  type WireChildRelationship,
  type WireDescribeGlobal,
  type WireFieldDescribe,
  type WireGlobalSObject,
  type WirePicklistEntry,
  type WireSObjectDescribe,
} from '../../../src-shared/salesforce';
import {
  SchemaDefinitionError,
  isCustomName,
  labelFromName,
  parseSchemaDefinition,
  pluralOf,
  type FieldDefinition,
  type ObjectFlags,
  type SchemaDefinition,
  type SchemaProblem,
  type ValidationRuleDefinition,
} from './definition';
import type { OrgField, OrgObject, OrgSchema, RollupSummary, ValidationRule } from './model';
import demoJson from './demo.json';
import standardJson from './standard.json';

/** The standard objects every local org has (Account … Event, plus listed-only ones). */
export const STANDARD_SCHEMA: SchemaDefinition = parseSchemaDefinition(
  standardJson,
  'standard.json',
);
/** External ids, the circular Account <-> Contact lookup, a formula, a roll-up and a rule. */
export const DEMO_SCHEMA: SchemaDefinition = parseSchemaDefinition(demoJson, 'demo.json');

/** Reads and parses a `--schema FILE`; every failure is a SchemaDefinitionError. */
export function loadSchemaFile(path: string): SchemaDefinition {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? 'no such file; check the path given to --schema'
        : code === 'EISDIR'
          ? 'is a folder; give the schema JSON file inside it'
          : `cannot be read (${error instanceof Error ? error.message : String(error)})`;
    throw new SchemaDefinitionError([{ source: path, path: '', message }]);
  }
  let json: unknown;
  try {
    json = JSON.parse(content.replace(/^\uFEFF/, ''));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const { line, column } = jsonErrorPosition(content, reason);
    const what = reason.replace(/ in JSON at position \d+.*$/, '').replace(/ \(line \d+.*$/, '');
    throw new SchemaDefinitionError([
      {
        source: path,
        path: `line ${line}, column ${column}`,
        message: `not valid JSON (${what}); fix the syntax there`,
      },
    ]);
  }
  return parseSchemaDefinition(json, path);
}

function jsonErrorPosition(content: string, reason: string): { line: number; column: number } {
  const match = /position (\d+)/.exec(reason);
  const position = match ? Number(match[1]) : content.length;
  const before = content.slice(0, position);
  const line = before.split('\n').length;
  return { line, column: position - before.lastIndexOf('\n') };
}

// ---------------------------------------------------------------------------------------------
// Drafts: definitions merged, not yet expanded. Every piece remembers where it was defined.

interface Origin {
  source: string;
  path: string;
  /** Index of the definition it came from; a clash is reported on the later side. */
  rank: number;
}

const at = (origin: Pick<Origin, 'source' | 'path'>): string =>
  origin.path ? `${origin.source}: ${origin.path}` : origin.source;

interface FieldDraft {
  def: FieldDefinition;
  origin: Origin;
}

interface RuleDraft {
  def: ValidationRuleDefinition;
  origin: Origin;
}

interface ObjectDraft {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string | null;
  custom: boolean;
  owner: string[] | undefined;
  isDeleted: boolean;
  flags: ObjectFlags;
  origin: Origin;
  fields: FieldDraft[];
  rules: RuleDraft[];
}

interface ListedDraft {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string | null;
  flags: ObjectFlags;
  origin: Origin;
}

class Problems {
  readonly list: SchemaProblem[] = [];
  add(origin: Pick<Origin, 'source' | 'path'>, message: string): void {
    this.list.push({ source: origin.source, path: origin.path, message });
  }
  throwIfAny(): void {
    if (this.list.length > 0) throw new SchemaDefinitionError(this.list);
  }
}

const lower = (name: string): string => name.toLowerCase();

/** The earlier and the later of two places, by definition order. */
function inOrder(a: Origin, b: Origin): [Origin, Origin] {
  return a.rank > b.rank ? [b, a] : [a, b];
}
const byName = (a: string, b: string): number => a.localeCompare(b, 'en');

function mergeDefinitions(
  definitions: readonly SchemaDefinition[],
  problems: Problems,
): { objects: Map<string, ObjectDraft>; listed: Map<string, ListedDraft> } {
  const objects = new Map<string, ObjectDraft>();
  const listed = new Map<string, ListedDraft>();
  definitions.forEach((definition, rank) => {
    const { source } = definition;
    const fieldDrafts = (defs: FieldDefinition[], path: string): FieldDraft[] =>
      defs.map((def, i) => ({ def, origin: { source, rank, path: `${path}.fields[${i}]` } }));
    const ruleDrafts = (defs: ValidationRuleDefinition[], path: string): RuleDraft[] =>
      defs.map((def, i) => ({
        def,
        origin: { source, rank, path: `${path}.validationRules[${i}]` },
      }));
    definition.objects.forEach((object, i) => {
      const origin = { source, rank, path: `objects[${i}]` };
      const earlier = objects.get(lower(object.name));
      if (earlier) {
        problems.add(
          { source, path: `${origin.path}.name` },
          `object ${object.name} is already defined at ${at(earlier.origin)}; to add fields ` +
            `to it use "extend": {"${earlier.name}": {"fields": [...]}}`,
        );
        return;
      }
      // A described object may replace a listed-only one of an earlier definition.
      const listing = listed.get(lower(object.name));
      listed.delete(lower(object.name));
      const label = object.label ?? listing?.label ?? labelFromName(object.name);
      objects.set(lower(object.name), {
        name: object.name,
        label,
        labelPlural: object.labelPlural ?? listing?.labelPlural ?? pluralOf(label),
        keyPrefix: object.keyPrefix ?? listing?.keyPrefix ?? null,
        custom: isCustomName(object.name),
        owner: object.owner,
        isDeleted: object.isDeleted ?? true,
        flags: { ...listing?.flags, ...object.flags },
        origin,
        fields: fieldDrafts(object.fields, origin.path),
        rules: ruleDrafts(object.validationRules, origin.path),
      });
    });

    for (const [name, extension] of Object.entries(definition.extend)) {
      const path = `extend.${name}`;
      const target = objects.get(lower(name));
      if (!target) {
        const listing = listed.get(lower(name));
        problems.add(
          { source, path },
          listing
            ? `${listing.name} is listed only (${at(listing.origin)}), so it has no fields to ` +
                `extend; define it under "objects" instead`
            : `no object named ${name} is defined before this; define it under "objects" ` +
                `or check the spelling`,
        );
        continue;
      }
      target.fields.push(...fieldDrafts(extension.fields, path));
      target.rules.push(...ruleDrafts(extension.validationRules, path));
    }

    definition.listedOnly.forEach((entry, i) => {
      const origin = { source, rank, path: `listedOnly[${i}]` };
      const described = objects.get(lower(entry.name));
      const earlier = listed.get(lower(entry.name));
      if (described || earlier) {
        problems.add(
          { source, path: `${origin.path}.name` },
          `${entry.name} is already ${described ? 'defined' : 'listed'} at ` +
            `${at((described ?? earlier)!.origin)}; remove one of them`,
        );
        return;
      }
      const label = entry.label ?? labelFromName(entry.name);
      listed.set(lower(entry.name), {
        name: entry.name,
        label,
        labelPlural: entry.labelPlural ?? pluralOf(label),
        keyPrefix: entry.keyPrefix ?? null,
        flags: entry.flags ?? {},
        origin,
      });
    });
  });
  return { objects, listed };
}

// ---------------------------------------------------------------------------------------------
// Key prefixes.

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * Explicit prefixes must not collide (case matters: 00e is Profile, 00E UserRole). Custom
 * objects without one get a00, a01 … in name order, skipping taken prefixes, so the same
 * schema always gives the same ids (salesforce-rest.md §4.3).
 */
function assignKeyPrefixes(
  objects: ObjectDraft[],
  listed: ListedDraft[],
  problems: Problems,
): void {
  const taken = new Map<string, { name: string; origin: Origin }>();
  // In definition order, so a clash is reported on the later side.
  const entries = [...objects, ...listed].sort((a, b) => a.origin.rank - b.origin.rank);
  for (const entry of entries) {
    if (entry.keyPrefix === null) continue;
    const owner = taken.get(entry.keyPrefix);
    if (owner) {
      problems.add(
        { source: entry.origin.source, path: `${entry.origin.path}.keyPrefix` },
        `key prefix ${entry.keyPrefix} of ${entry.name} is already used by ${owner.name} ` +
          `(${at(owner.origin)}); give one of them another prefix`,
      );
      continue;
    }
    taken.set(entry.keyPrefix, { name: entry.name, origin: entry.origin });
  }
  for (const object of objects) {
    if (object.keyPrefix === null && !object.custom) {
      problems.add(
        { source: object.origin.source, path: `${object.origin.path}.keyPrefix` },
        `standard object ${object.name} needs its keyPrefix (e.g. "001" for Account); only ` +
          'custom objects (__c) get one assigned',
      );
    }
  }
  const unassigned = objects
    .filter((o) => o.custom && o.keyPrefix === null)
    .sort((a, b) => byName(a.name, b.name));
  let next = 0;
  for (const object of unassigned) {
    let prefix: string;
    do {
      if (next >= BASE62.length * BASE62.length) {
        problems.add(object.origin, 'no custom key prefix a00 … azz is left; give it a keyPrefix');
        return;
      }
      prefix = `a${BASE62[Math.floor(next / BASE62.length)]}${BASE62[next % BASE62.length]}`;
      next += 1;
    } while (taken.has(prefix));
    taken.set(prefix, { name: object.name, origin: object.origin });
    object.keyPrefix = prefix;
  }
}

// ---------------------------------------------------------------------------------------------
// Field describes.

const SOAP_TYPES: Record<FieldType, string> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  string: 'xsd:string',
  textarea: 'xsd:string',
  email: 'xsd:string',
  phone: 'xsd:string',
  url: 'xsd:string',
  picklist: 'xsd:string',
  multipicklist: 'xsd:string',
  combobox: 'xsd:string',
  encryptedstring: 'xsd:string',
  boolean: 'xsd:boolean',
  int: 'xsd:int',
  long: 'xsd:long',
  double: 'xsd:double',
  currency: 'xsd:double',
  percent: 'xsd:double',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
  time: 'xsd:time',
  base64: 'xsd:base64Binary',
  address: 'urn:address',
  location: 'urn:location',
  anyType: 'xsd:anyType',
  complexvalue: 'urn:JsonNode',
};

/** Query capabilities by type; long text areas are switched off separately (§2.5 table). */
function capabilities(
  type: FieldType,
): Pick<WireFieldDescribe, 'filterable' | 'sortable' | 'groupable' | 'aggregatable'> {
  switch (type) {
    case 'multipicklist':
      return { filterable: true, sortable: false, groupable: false, aggregatable: false };
    case 'boolean':
      return { filterable: true, sortable: true, groupable: true, aggregatable: false };
    case 'double':
    case 'currency':
    case 'percent':
    case 'datetime':
      return { filterable: true, sortable: true, groupable: false, aggregatable: true };
    // UNCONFIRMED for compound fields: filterable (DISTANCE in WHERE) but not sortable/groupable.
    case 'address':
    case 'location':
      return { filterable: true, sortable: false, groupable: false, aggregatable: false };
    case 'base64':
    case 'encryptedstring':
    case 'anyType':
    case 'complexvalue':
      return { filterable: false, sortable: false, groupable: false, aggregatable: false };
    default:
      return { filterable: true, sortable: true, groupable: true, aggregatable: true };
  }
}

/** A full describe entry, every key in wire order, at the neutral values of an editable field. */
function baseDescribe(
  name: string,
  label: string,
  type: FieldType,
  length: number,
): WireFieldDescribe {
  const isBoolean = type === 'boolean';
  const caps = capabilities(type);
  // Long text areas (over 255) are not usable in WHERE, ORDER BY or GROUP BY.
  const longText = type === 'textarea' && length > 255;
  return {
    name,
    label,
    type,
    soapType: SOAP_TYPES[type],
    length,
    byteLength: TEXT_TYPES.has(type) ? length * 3 : length,
    precision: 0,
    scale: 0,
    digits: 0,
    nillable: !isBoolean,
    createable: true,
    updateable: true,
    defaultedOnCreate: isBoolean,
    calculated: false,
    calculatedFormula: null,
    autoNumber: false,
    // Geolocation components (Site__Latitude__s) are custom too.
    custom: /__[cs]$/.test(name),
    externalId: false,
    idLookup: false,
    unique: false,
    caseSensitive: false,
    nameField: false,
    namePointing: false,
    referenceTo: [],
    relationshipName: null,
    relationshipOrder: null,
    polymorphicForeignKey: false,
    cascadeDelete: false,
    restrictedDelete: false,
    picklistValues: [],
    restrictedPicklist: false,
    dependentPicklist: false,
    controllerName: null,
    defaultValue: isBoolean ? false : null,
    defaultValueFormula: null,
    filterable: longText ? false : caps.filterable,
    sortable: longText ? false : caps.sortable,
    groupable: longText ? false : caps.groupable,
    aggregatable: longText ? false : caps.aggregatable,
    permissionable: true,
    htmlFormatted: false,
    encrypted: false,
    deprecatedAndHidden: false,
    writeRequiresMasterRead: false,
    inlineHelpText: null,
    mask: null,
    maskType: null,
    extraTypeInfo: null,
    compoundFieldName: null,
    filteredLookupInfo: null,
    referenceTargetField: null,
    highScaleNumber: false,
    displayLocationInDecimal: false,
    queryByDistance: false,
    searchPrefilterable: false,
  };
}

/** A field expanded, with what the merge checks need beside the OrgField. */
interface ExpandedField {
  org: OrgField;
  origin: Origin;
  /** For lookups: the child relationship name on each described parent (null: none). */
  child: string | null;
  masterDetail: boolean;
}

const READ_ONLY = { createable: false, updateable: false } as const;

function plain(
  describe: WireFieldDescribe,
  origin: Origin,
  extra: Partial<Omit<ExpandedField, 'org' | 'origin'>> & Partial<OrgField> = {},
): ExpandedField {
  const {
    child = null,
    masterDetail = false,
    formula = null,
    rollup = null,
    stored = true,
  } = extra;
  return {
    org: {
      name: describe.name,
      type: describe.type as FieldType,
      describe,
      formula,
      rollup,
      stored,
    },
    origin,
    child,
    masterDetail,
  };
}

/** Types whose describe carries a length; numbers, dates and booleans say 0. */
/** Types with a length: text ones (three bytes per character) and base64. */
const LENGTH_TYPES = new Set<string>([...TEXT_TYPES, 'base64']);

function defaultLength(def: FieldDefinition, custom: boolean): number {
  switch (def.type) {
    case 'string':
      return def.formula !== undefined ? 1300 : def.autoNumber ? 30 : 255;
    case 'email':
      return 80;
    case 'phone':
      return 40;
    case 'picklist':
      // Standard picklists are typically 40 wide, custom ones 255 (§2.5 table).
      return custom ? 255 : 40;
    case 'multipicklist':
      return 4099;
    case 'encryptedstring':
      return 175;
    // UNCONFIRMED: orgs offer no custom base64 field; this matches Attachment-like bodies here.
    case 'base64':
      return 131072;
    default:
      return 255;
  }
}

function picklistEntries(def: FieldDefinition): WirePicklistEntry[] {
  return (def.values ?? []).map((entry) => {
    const value = typeof entry === 'string' ? entry : entry.value;
    const label = typeof entry === 'string' ? entry : (entry.label ?? entry.value);
    const active = typeof entry === 'string' ? true : (entry.active ?? true);
    return { active, defaultValue: value === def.default, label, validFor: null, value };
  });
}

/** Keys every kind of field shares, applied after the type's own shape. */
function applyCommon(describe: WireFieldDescribe, def: FieldDefinition): void {
  if (def.required) describe.nillable = false;
  if (def.readOnly) Object.assign(describe, READ_ONLY);
  if (def.updateable !== undefined) describe.updateable = def.updateable;
  if (def.defaultedOnCreate !== undefined) describe.defaultedOnCreate = def.defaultedOnCreate;
  if (def.unique !== undefined) describe.unique = def.unique;
  if (def.caseSensitive !== undefined) describe.caseSensitive = def.caseSensitive;
  if (def.externalId) Object.assign(describe, { externalId: true, idLookup: true });
  if (def.idLookup !== undefined) describe.idLookup = def.idLookup;
  if (def.nameField !== undefined) describe.nameField = def.nameField;
  if (def.autoNumber) {
    Object.assign(describe, {
      ...READ_ONLY,
      autoNumber: true,
      nillable: false,
      defaultedOnCreate: true,
      idLookup: def.idLookup ?? true,
    });
  }
  if (def.helpText !== undefined) describe.inlineHelpText = def.helpText;
  if (def.formula !== undefined) {
    Object.assign(describe, { ...READ_ONLY, calculated: true, calculatedFormula: def.formula });
  }
  if (def.describe) Object.assign(describe, def.describe);
}

interface ExpandContext {
  object: ObjectDraft;
  objects: Map<string, ObjectDraft>;
  listed: Map<string, ListedDraft>;
  problems: Problems;
  /** Master-detail fields seen so far on this object (relationshipOrder 0, then 1). */
  masters: number;
}

/** The canonical name of an object this schema knows, described or listed. */
function knownObject(ctx: ExpandContext, name: string): string | undefined {
  const key = lower(name);
  return ctx.objects.get(key)?.name ?? ctx.listed.get(key)?.name;
}

function expandField(draft: FieldDraft, ctx: ExpandContext): ExpandedField[] {
  const { def, origin } = draft;
  const custom = isCustomName(def.name);
  const label = def.label ?? labelFromName(def.name);
  if (def.rollup) return expandRollup(draft, label, ctx);
  const type = def.type;
  if (type === undefined) return []; // parse already reported it

  if (type === 'address') return expandAddress(draft, label, ctx);
  if (type === 'location') return expandLocation(draft, label, ctx);
  if (type === 'reference' || type === 'masterDetail') return [expandLookup(draft, label, ctx)];

  const length = LENGTH_TYPES.has(type) ? (def.length ?? defaultLength(def, custom)) : 0;
  const describe = baseDescribe(def.name, label, type, length);
  switch (type) {
    case 'textarea':
      describe.extraTypeInfo = 'plaintextarea';
      break;
    case 'encryptedstring':
      describe.encrypted = true;
      break;
    case 'int':
      describe.digits = def.digits ?? 9; // UNCONFIRMED default (§2.5 table)
      break;
    case 'long':
      describe.digits = def.digits ?? 18;
      break;
    case 'double':
    case 'currency':
    case 'percent':
      describe.precision = def.precision ?? 18;
      describe.scale = def.scale ?? (type === 'currency' ? 2 : 0);
      break;
    case 'picklist':
    case 'multipicklist':
    case 'combobox':
      describe.picklistValues = picklistEntries(def);
      describe.restrictedPicklist = def.restricted ?? false;
      // A default value means the server fills the field when the caller leaves it out.
      if (def.default !== undefined) describe.defaultedOnCreate = true;
      break;
    case 'boolean':
      if (typeof def.default === 'boolean') describe.defaultValue = def.default;
      break;
  }
  if (typeof def.default === 'number') {
    Object.assign(describe, { defaultValueFormula: String(def.default), defaultedOnCreate: true });
  }
  applyCommon(describe, def);
  return [
    plain(describe, origin, {
      formula: def.formula ?? null,
      stored: def.formula === undefined,
    }),
  ];
}

function expandLookup(draft: FieldDraft, label: string, ctx: ExpandContext): ExpandedField {
  const { def, origin } = draft;
  const custom = isCustomName(def.name);
  const masterDetail = def.type === 'masterDetail';
  const referenceTo: string[] = [];
  (def.referenceTo ?? []).forEach((target, i) => {
    const known = knownObject(ctx, target);
    if (known) referenceTo.push(known);
    else {
      ctx.problems.add(
        { source: origin.source, path: `${origin.path}.referenceTo[${i}]` },
        `${ctx.object.name}.${def.name} points at ${target}, which no definition has; define ` +
          `${target} (under "objects" or "listedOnly") or fix the name`,
      );
    }
  });
  const polymorphic = referenceTo.length > 1;
  const describe = baseDescribe(def.name, label, 'reference', 18);
  Object.assign(describe, {
    referenceTo,
    relationshipName:
      def.relationshipName ??
      (custom ? def.name.replace(/__c$/, '__r') : def.name.replace(/Id$/, '')),
    namePointing: polymorphic,
    polymorphicForeignKey: polymorphic,
    cascadeDelete: def.cascadeDelete ?? false,
    restrictedDelete: def.restrictedDelete ?? false,
  });
  if (masterDetail) {
    if (ctx.masters >= 2) {
      ctx.problems.add(
        origin,
        `${ctx.object.name} already has two master-detail fields, the most an object can have; ` +
          'make this one a reference',
      );
    }
    // Reparenting is off unless asked for (UNCONFIRMED default, salesforce-rest.md §2.5).
    Object.assign(describe, {
      nillable: false,
      updateable: def.reparentable ?? false,
      cascadeDelete: true,
      relationshipOrder: ctx.masters,
      writeRequiresMasterRead: false,
    });
    ctx.masters += 1;
  }
  applyCommon(describe, def);
  const child =
    def.childRelationshipName !== undefined
      ? def.childRelationshipName
      : custom
        ? `${identifierOf(ctx.object.labelPlural)}__r`
        : null;
  return plain(describe, origin, { child, masterDetail });
}

/** 'Child Records' -> 'Child_Records'. */
function identifierOf(label: string): string {
  return label.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'Records';
}

/** BillingAddress: its components, then the read-only compound that groups them. */
function expandAddress(draft: FieldDraft, label: string, ctx: ExpandContext): ExpandedField[] {
  const { def, origin } = draft;
  if (!def.name.endsWith('Address') || isCustomName(def.name)) {
    ctx.problems.add(
      { source: origin.source, path: `${origin.path}.name` },
      `an address field is a standard <Prefix>Address field like BillingAddress, not ${def.name}`,
    );
    return [];
  }
  const prefix = def.name.slice(0, -'Address'.length);
  const labelPrefix = label.replace(/ Address$/, '');
  const part = (describe: WireFieldDescribe) => {
    describe.compoundFieldName = def.name;
    return plain(describe, origin);
  };
  const text = (suffix: string, partLabel: string, length: number) =>
    part(baseDescribe(`${prefix}${suffix}`, `${labelPrefix} ${partLabel}`, 'string', length));
  const street = baseDescribe(`${prefix}Street`, `${labelPrefix} Street`, 'textarea', 255);
  street.extraTypeInfo = 'plaintextarea';
  const coordinate = (suffix: string) => {
    const describe = baseDescribe(`${prefix}${suffix}`, `${labelPrefix} ${suffix}`, 'double', 0);
    Object.assign(describe, { precision: 18, scale: 15 });
    return part(describe);
  };
  const compound = baseDescribe(def.name, label, 'address', 0);
  Object.assign(compound, { ...READ_ONLY, queryByDistance: true });
  applyCommon(compound, def);
  return [
    part(street),
    text('City', 'City', 40),
    text('State', 'State/Province', 80),
    text('PostalCode', 'Zip/Postal Code', 20),
    text('Country', 'Country', 80),
    coordinate('Latitude'),
    coordinate('Longitude'),
    plain(compound, origin, { stored: false }),
  ];
}

/** Site__c: Site__Latitude__s and Site__Longitude__s, then the read-only compound. */
function expandLocation(draft: FieldDraft, label: string, ctx: ExpandContext): ExpandedField[] {
  const { def, origin } = draft;
  if (!isCustomName(def.name)) {
    ctx.problems.add(
      { source: origin.source, path: `${origin.path}.name` },
      `a location field is custom: name it ${def.name}__c`,
    );
    return [];
  }
  const base = def.name.slice(0, -'__c'.length);
  const coordinate = (part: 'Latitude' | 'Longitude') => {
    const describe = baseDescribe(`${base}__${part}__s`, `${label} (${part})`, 'double', 0);
    Object.assign(describe, {
      precision: def.precision ?? 18,
      scale: def.scale ?? 15,
      compoundFieldName: def.name,
    });
    return plain(describe, origin);
  };
  const compound = baseDescribe(def.name, label, 'location', 0);
  Object.assign(compound, { ...READ_ONLY, queryByDistance: true });
  applyCommon(compound, def);
  return [
    coordinate('Latitude'),
    coordinate('Longitude'),
    plain(compound, origin, { stored: false }),
  ];
}

const ROLLUP_RESULT_TYPES: Record<RollupSummary['operation'], ReadonlySet<string>> = {
  COUNT: new Set(),
  SUM: new Set(['int', 'double', 'currency', 'percent']),
  MIN: new Set(['int', 'double', 'currency', 'percent', 'date', 'datetime']),
  MAX: new Set(['int', 'double', 'currency', 'percent', 'date', 'datetime']),
};

/**
 * A roll-up summary: calculated, read-only, no formula text. A real describe shows a COUNT as
 * double 18/0 and a SUM/MIN/MAX with the aggregated field's type; calculatedFormula stays null
 * (that is how a roll-up differs from a formula in a describe). Nillable and the query flags
 * follow the result type (UNCONFIRMED).
 */
function expandRollup(draft: FieldDraft, label: string, ctx: ExpandContext): ExpandedField[] {
  const { def, origin } = draft;
  const rollup = def.rollup!;
  const where = (key: string) => ({ source: origin.source, path: `${origin.path}.rollup.${key}` });
  const child = ctx.objects.get(lower(rollup.childObject));
  if (!child) {
    ctx.problems.add(
      where('childObject'),
      `${rollup.childObject} is not a described object; roll up a detail object of ${ctx.object.name}`,
    );
    return [];
  }
  const findChildField = (name: string) =>
    child.fields.find((f) => lower(f.def.name) === lower(name));
  const link = findChildField(rollup.relationshipField);
  const linkTarget = link?.def.referenceTo?.[0];
  if (
    !link ||
    link.def.type !== 'masterDetail' ||
    linkTarget === undefined ||
    lower(linkTarget) !== lower(ctx.object.name)
  ) {
    ctx.problems.add(
      where('relationshipField'),
      link
        ? `${child.name}.${link.def.name} (${at(link.origin)}) is not a master-detail to ` +
            `${ctx.object.name}; a roll-up needs the detail side of a master-detail, so make ` +
            `it "type": "masterDetail" with "referenceTo": ["${ctx.object.name}"]`
        : `${child.name} has no field ${rollup.relationshipField}; name its master-detail ` +
            `field to ${ctx.object.name}`,
    );
    return [];
  }
  let type = def.type ?? 'double';
  let precision = def.precision ?? 18;
  let scale = def.scale ?? 0;
  let aggregated: string | null = null;
  if (rollup.operation !== 'COUNT' && rollup.field !== undefined) {
    const source = findChildField(rollup.field);
    const sourceType = source?.def.type;
    if (
      !source ||
      sourceType === undefined ||
      !ROLLUP_RESULT_TYPES[rollup.operation].has(sourceType)
    ) {
      ctx.problems.add(
        where('field'),
        source
          ? `${rollup.operation} cannot aggregate ${child.name}.${source.def.name}, a ` +
              `${sourceType ?? 'roll-up'} field; use a ` +
              `${[...ROLLUP_RESULT_TYPES[rollup.operation]].join(', ')} field`
          : `${child.name} has no field ${rollup.field}; name the detail field to aggregate`,
      );
      return [];
    }
    aggregated = source.def.name;
    type = def.type ?? sourceType;
    precision = def.precision ?? source.def.precision ?? 18;
    scale = def.scale ?? source.def.scale ?? (sourceType === 'currency' ? 2 : 0);
  }
  if (
    type === 'masterDetail' ||
    type === 'reference' ||
    type === 'address' ||
    type === 'location'
  ) {
    return []; // parse refused these types for a roll-up
  }
  const describe = baseDescribe(def.name, label, type, 0);
  if (type === 'double' || type === 'currency' || type === 'percent') {
    Object.assign(describe, { precision, scale });
  }
  if (type === 'int') describe.digits = def.digits ?? 9;
  applyCommon(describe, def);
  Object.assign(describe, { ...READ_ONLY, calculated: true, calculatedFormula: null });
  if (def.describe) Object.assign(describe, def.describe);
  const summary: RollupSummary = {
    operation: rollup.operation,
    childObject: child.name,
    relationshipField: link.def.name,
    field: aggregated,
  };
  return [plain(describe, origin, { rollup: summary, stored: false })];
}

// ---------------------------------------------------------------------------------------------
// System fields.

const SYSTEM: Origin = { source: '(system)', path: '', rank: -1 };

function systemHead(object: ObjectDraft): ExpandedField[] {
  const idLabel = object.custom ? 'Record ID' : `${object.label} ID`;
  const id = baseDescribe('Id', idLabel, 'id', 18);
  Object.assign(id, { ...READ_ONLY, nillable: false, defaultedOnCreate: true, idLookup: true });
  const head = [plain(id, SYSTEM)];
  if (object.isDeleted) {
    head.push(
      plain(Object.assign(baseDescribe('IsDeleted', 'Deleted', 'boolean', 0), READ_ONLY), SYSTEM),
    );
  }
  return head;
}

function systemLookup(
  name: string,
  label: string,
  referenceTo: string[],
  relationshipName: string,
  options: Partial<WireFieldDescribe>,
): ExpandedField {
  const polymorphic = referenceTo.length > 1;
  const describe = baseDescribe(name, label, 'reference', 18);
  Object.assign(describe, {
    referenceTo,
    relationshipName,
    namePointing: polymorphic,
    polymorphicForeignKey: polymorphic,
    ...options,
  });
  return plain(describe, SYSTEM);
}

function systemTail(owner: string[]): ExpandedField[] {
  const stamp = (name: string, label: string) =>
    plain(
      Object.assign(baseDescribe(name, label, 'datetime', 0), {
        ...READ_ONLY,
        nillable: false,
        defaultedOnCreate: true,
      }),
      SYSTEM,
    );
  const audit = { ...READ_ONLY, nillable: false, defaultedOnCreate: true };
  const tail: ExpandedField[] = [];
  if (owner.length > 0) {
    // Owner is required, but the server defaults it to the running user.
    tail.push(
      systemLookup('OwnerId', 'Owner ID', owner, 'Owner', {
        nillable: false,
        defaultedOnCreate: true,
      }),
    );
  }
  tail.push(
    stamp('CreatedDate', 'Created Date'),
    systemLookup('CreatedById', 'Created By ID', ['User'], 'CreatedBy', audit),
    stamp('LastModifiedDate', 'Last Modified Date'),
    systemLookup('LastModifiedById', 'Last Modified By ID', ['User'], 'LastModifiedBy', audit),
    stamp('SystemModstamp', 'System Modstamp'),
  );
  return tail;
}

/** A custom object's Name: optional in the API, the server fills in the record id. */
function defaultCustomName(object: ObjectDraft): ExpandedField {
  const describe = baseDescribe('Name', `${object.label} Name`, 'string', 80);
  Object.assign(describe, { nameField: true, defaultedOnCreate: true });
  return plain(describe, { ...object.origin, path: `${object.origin.path} (default Name)` });
}

// ---------------------------------------------------------------------------------------------
// Objects.

interface ExpandedObject {
  draft: ObjectDraft;
  fields: ExpandedField[];
  childRelationships: Array<{ entry: WireChildRelationship; origin: Origin }>;
  rules: ValidationRule[];
}

function ownerOf(object: ObjectDraft, ctx: ExpandContext): string[] {
  if (object.owner) {
    return object.owner.flatMap((target, i) => {
      const known = knownObject(ctx, target);
      if (!known) {
        ctx.problems.add(
          { source: object.origin.source, path: `${object.origin.path}.owner[${i}]` },
          `${target} is not an object of this schema; owners are usually ["User"] or ["Group", "User"]`,
        );
      }
      return known ? [known] : [];
    });
  }
  // A detail's owner is its master's; other custom objects can belong to a user or a queue.
  const isDetail = object.fields.some((f) => f.def.type === 'masterDetail');
  return object.custom && !isDetail ? ['Group', 'User'] : [];
}

function expandObject(
  object: ObjectDraft,
  objects: Map<string, ObjectDraft>,
  listed: Map<string, ListedDraft>,
  problems: Problems,
): ExpandedObject {
  const ctx: ExpandContext = { object, objects, listed, problems, masters: 0 };
  const own: ExpandedField[] = [];
  const custom: ExpandedField[] = [];
  if (object.custom && !object.fields.some((f) => lower(f.def.name) === 'name')) {
    own.push(defaultCustomName(object));
  }
  for (const draft of object.fields) {
    if (object.custom && !isCustomName(draft.def.name) && lower(draft.def.name) !== 'name') {
      problems.add(
        { source: draft.origin.source, path: `${draft.origin.path}.name` },
        `fields of custom object ${object.name} end in __c (only Name has no suffix); ` +
          `rename it ${draft.def.name}__c`,
      );
      continue;
    }
    (isCustomName(draft.def.name) ? custom : own).push(...expandField(draft, ctx));
  }
  const fields = [...systemHead(object), ...own, ...systemTail(ownerOf(object, ctx)), ...custom];

  const seen = new Map<string, ExpandedField>();
  for (const field of fields) {
    const earlier = seen.get(lower(field.org.name));
    if (earlier) {
      const [first, second] = inOrder(earlier.origin, field.origin);
      problems.add(
        second,
        `field ${field.org.name} is defined twice on ${object.name}: here and at ` +
          `${at(first)}; rename or remove one`,
      );
    } else seen.set(lower(field.org.name), field);
  }

  const rules: ValidationRule[] = [];
  const ruleNames = new Map<string, Origin>();
  for (const { def, origin } of object.rules) {
    const earlier = ruleNames.get(lower(def.name));
    if (earlier) {
      problems.add(
        { source: origin.source, path: `${origin.path}.name` },
        `validation rule ${def.name} is defined twice on ${object.name}: here and at ` +
          `${at(earlier)}; rename one`,
      );
      continue;
    }
    ruleNames.set(lower(def.name), origin);
    let field: string | null = null;
    if (def.field) {
      const target = seen.get(lower(def.field));
      if (!target) {
        problems.add(
          { source: origin.source, path: `${origin.path}.field` },
          `${object.name} has no field ${def.field} to report the error on; name one of its ` +
            'fields, or leave "field" out to report on the record',
        );
      }
      field = target?.org.name ?? def.field;
    }
    rules.push({
      name: def.name,
      condition: def.condition,
      message: def.message,
      field,
      active: def.active ?? true,
    });
  }
  return { draft: object, fields, childRelationships: [], rules };
}

/** Salesforce refuses clashing names; field, parent and child relationship names per object. */
function checkNames(object: ExpandedObject, problems: Problems): void {
  const relationships = new Map<string, { what: string; origin: Origin }>();
  const claim = (name: string, what: string, origin: Origin) => {
    const earlier = relationships.get(lower(name));
    if (!earlier) {
      relationships.set(lower(name), { what, origin });
      return;
    }
    const [first, second] =
      earlier.origin.rank > origin.rank ? [{ what, origin }, earlier] : [earlier, { what, origin }];
    problems.add(
      second.origin,
      `${second.what} on ${object.draft.name} clashes with ${first.what} ` +
        `(${at(first.origin)}); relationship names must differ, so rename one`,
    );
  };
  for (const field of object.fields) {
    const name = field.org.describe.relationshipName;
    if (name) claim(name, `relationship '${name}' of ${field.org.name}`, field.origin);
  }
  for (const { entry, origin } of object.childRelationships) {
    if (!entry.relationshipName) continue;
    claim(
      entry.relationshipName,
      `child relationship '${entry.relationshipName}' from ${entry.childSObject}.${entry.field}`,
      origin,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// The schema.

const MASTER_RECORD_TYPE_ID = '012000000000000AAA';

interface GlobalBase {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string | null;
  flags: ObjectFlags;
}

function normalizeVersion(apiVersion: string): string {
  return apiVersion.replace(/^v/, '');
}

function globalEntry(base: GlobalBase, apiVersion: string): WireGlobalSObject {
  const path = `/services/data/v${apiVersion}/sobjects/${base.name}`;
  return {
    name: base.name,
    label: base.label,
    labelPlural: base.labelPlural,
    keyPrefix: base.keyPrefix,
    custom: isCustomName(base.name),
    customSetting: false,
    queryable: true,
    retrieveable: true,
    searchable: true,
    createable: true,
    updateable: true,
    deletable: true,
    undeletable: true,
    mergeable: false,
    replicateable: true,
    triggerable: true,
    layoutable: true,
    activateable: false,
    feedEnabled: false,
    mruEnabled: true,
    deprecatedAndHidden: false,
    deepCloneable: false,
    hasSubtypes: false,
    isSubtype: false,
    isInterface: false,
    associateEntityType: null,
    associateParentEntity: null,
    ...base.flags,
    urls: { sobject: path, describe: `${path}/describe`, rowTemplate: `${path}/{ID}` },
  };
}

/**
 * Merges the definitions in order into one schema. Throws SchemaDefinitionError naming every
 * clash with both places it comes from.
 */
export function buildOrgSchema(definitions: readonly SchemaDefinition[]): OrgSchema {
  const problems = new Problems();
  const { objects, listed } = mergeDefinitions(definitions, problems);
  problems.throwIfAny();
  assignKeyPrefixes([...objects.values()], [...listed.values()], problems);
  problems.throwIfAny();

  const expanded = [...objects.values()]
    .map((object) => expandObject(object, objects, listed, problems))
    .sort((a, b) => byName(a.draft.name, b.draft.name));
  problems.throwIfAny();

  // Every lookup shows up on each described parent, named as its definition says.
  const expandedByName = new Map(expanded.map((o) => [lower(o.draft.name), o]));
  for (const child of expanded) {
    for (const field of child.fields) {
      const d = field.org.describe;
      if (d.type !== 'reference' || !d.relationshipName) continue;
      for (const target of d.referenceTo) {
        expandedByName.get(lower(target))?.childRelationships.push({
          entry: {
            childSObject: child.draft.name,
            field: d.name,
            relationshipName: field.child,
            cascadeDelete: d.cascadeDelete,
            restrictedDelete: d.restrictedDelete,
            deprecatedAndHidden: false,
            junctionIdListNames: [],
            junctionReferenceTo: [],
          },
          origin: field.origin,
        });
      }
    }
  }
  for (const object of expanded) {
    object.childRelationships.sort(
      (a, b) =>
        byName(a.entry.childSObject, b.entry.childSObject) || byName(a.entry.field, b.entry.field),
    );
    checkNames(object, problems);
  }
  problems.throwIfAny();

  const orgObjects = expanded.map(toOrgObject);
  const globals = new Map(expanded.map((o) => [o.draft.name, o.draft as GlobalBase] as const));
  const listedBases = [...listed.values()].sort((a, b) => byName(a.name, b.name));
  return assembleSchema(orgObjects, globals, listedBases);
}

function toOrgObject(object: ExpandedObject): OrgObject {
  const fields = object.fields.map((f) => f.org);
  const byFieldName = new Map(fields.map((f) => [lower(f.name), f]));
  return {
    name: object.draft.name,
    label: object.draft.label,
    labelPlural: object.draft.labelPlural,
    // Assigned before expansion; every described object has one by now.
    keyPrefix: object.draft.keyPrefix ?? '',
    custom: object.draft.custom,
    fields,
    field: (name) => byFieldName.get(lower(name)),
    validationRules: object.rules,
    childRelationships: object.childRelationships.map((c) => c.entry),
  };
}

function assembleSchema(
  objects: OrgObject[],
  globals: Map<string, GlobalBase>,
  listedBases: GlobalBase[],
): OrgSchema {
  const byObjectName = new Map(objects.map((o) => [lower(o.name), o]));
  const byPrefix = new Map(objects.map((o) => [o.keyPrefix, o]));
  const describes = new Map<string, Map<string, WireSObjectDescribe>>();
  const globalBodies = new Map<string, WireDescribeGlobal>();

  const describe = (objectName: string, apiVersion: string): WireSObjectDescribe | undefined => {
    const object = byObjectName.get(lower(objectName));
    const base = object && globals.get(object.name);
    if (!object || !base) return undefined;
    const version = normalizeVersion(apiVersion);
    let cache = describes.get(version);
    if (!cache) describes.set(version, (cache = new Map()));
    const cached = cache.get(object.name);
    if (cached) return cached;
    const path = `/services/data/v${version}/sobjects/${object.name}`;
    const built: WireSObjectDescribe = {
      ...globalEntry(base, version),
      fields: object.fields.map((f) => f.describe),
      childRelationships: [...object.childRelationships],
      recordTypeInfos: [
        {
          active: true,
          available: true,
          defaultRecordTypeMapping: true,
          developerName: 'Master',
          master: true,
          name: 'Master',
          recordTypeId: MASTER_RECORD_TYPE_ID,
          urls: { layout: `${path}/describe/layouts/${MASTER_RECORD_TYPE_ID}` },
        },
      ],
    };
    cache.set(object.name, built);
    return built;
  };

  const describeGlobal = (apiVersion: string): WireDescribeGlobal => {
    const version = normalizeVersion(apiVersion);
    const cached = globalBodies.get(version);
    if (cached) return cached;
    const sobjects = [
      ...objects.map((o) => globalEntry(globals.get(o.name)!, version)),
      ...listedBases.map((l) => globalEntry(l, version)),
    ].sort((a, b) => byName(a.name, b.name));
    const body: WireDescribeGlobal = { encoding: 'UTF-8', maxBatchSize: 200, sobjects };
    globalBodies.set(version, body);
    return body;
  };

  const listedOnly = listedBases.map((l) => globalEntry(l, DEFAULT_API_VERSION));
  const catalog = createDescribeCatalog(
    objects.map((o) => describe(o.name, DEFAULT_API_VERSION)!),
    listedOnly,
  );
  return {
    objects,
    object: (name) => byObjectName.get(lower(name)),
    objectByKeyPrefix: (prefix) => byPrefix.get(prefix),
    listedOnly,
    catalog,
    describe,
    describeGlobal,
  };
}
