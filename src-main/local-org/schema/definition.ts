// The JSON format of a local org's schema definition: the built-in standard set (standard.json),
// the demo additions (demo.json) and a user's `--schema FILE` are all written in it. build.ts
// merges one or more definitions, in order, into the OrgSchema the server runs on.
//
// A file holds one object; every key but those marked (required) may be left out:
//
// {
//   "description": "what this file is for",
//   "objects": [                                  objects this file defines
//     { "name": "Invoice__c",                     (required) API name; custom objects end in __c
//       "label": "Invoice",                       default: from the name ("Invoice")
//       "labelPlural": "Invoices",                default: label + "s" (y -> ies, s/x/ch/sh -> es)
//       "keyPrefix": "a05",                       custom: a00, a01 ... by name, skipping taken
//                                                 ones; standard: required (or from listedOnly)
//       "owner": ["Group", "User"],               OwnerId's targets; [] for none. default: none on
//                                                 standard objects and master-detail details,
//                                                 ["Group", "User"] on other custom objects
//       "isDeleted": false,                       default true (only User has no IsDeleted)
//       "flags": { "mergeable": true },           describeGlobal entry flags to change
//       "fields": [ <field>, ... ],               in describe order; Name is added to a custom
//                                                 object that has none (text 80, filled with the Id)
//       "validationRules": [ <rule>, ... ] } ],
//   "extend": {                                   objects defined earlier (or above) to add to
//     "Account": { "fields": [ <field>, ... ], "validationRules": [ <rule>, ... ] } },
//                                                 (standard fields join the standard block,
//                                                 custom ones go after the existing custom ones)
//   "listedOnly": [                               objects describeGlobal lists without records
//     { "name": "Group", "label": "Group", "labelPlural": "Groups", "keyPrefix": "00G" } ]
// }
//
// <field>: { "name" (required), "label", "type" (required unless "rollup"), "length",
//   "precision", "scale", "digits", "required", "readOnly", "updateable", "defaultedOnCreate",
//   "unique", "caseSensitive", "externalId", "idLookup", "nameField", "autoNumber", "helpText",
//   "values" (picklists: "A" or {"value", "label", "active"}), "default", "restricted",
//   "referenceTo", "relationshipName", "childRelationshipName", "cascadeDelete",
//   "restrictedDelete", "reparentable", "formula", "rollup", "describe" }
//   - type: the describe type, plus "masterDetail" (a reference that is required, cascades
//     deletes and, unless "reparentable", cannot change parent). "address" (BillingAddress)
//     adds its Street/City/State/PostalCode/Country/Latitude/Longitude components before it;
//     "location" (Site__c) adds Site__Latitude__s and Site__Longitude__s.
//   - lengths: string 255 (a text formula 1300, an auto-number 30), textarea 255, email 80,
//     phone 40, url 255, picklist 40 on standard fields and 255 on custom ones, multipicklist
//     4099, combobox 255, encryptedstring 175, base64 131072. Numbers: double and percent 18/0,
//     currency 18/2, location 18/15; int has 9 digits, long 18.
//   - "externalId" implies "idLookup"; "autoNumber" makes the field read-only, required and
//     filled by the server; "default" is a picklist value, true/false, or a number.
//   - relationshipName defaults to X__r for X__c and to Account for AccountId;
//     childRelationshipName (the parent's subquery name; null: none) defaults on custom lookups
//     to the child's labelPlural as an identifier plus __r (Parents__r), on standard ones to null.
//   - "formula": the expression (formula/ language); "type" is its result type. Computed on read.
//   - "rollup": {"operation": "COUNT"|"SUM"|"MIN"|"MAX", "childObject", "relationshipField"
//     (the child's master-detail to this object), "field" (not for COUNT)}. Type defaults to
//     double 18/0 for COUNT and to the aggregated field's type otherwise.
//   - "describe": any key of the describe entry (except name and type), set last, for the rare
//     flags the keys above do not cover (compoundFieldName, mask, permissionable ...).
// <rule>: { "name", "condition" (a formula; true refuses the record), "message" (all required),
//   "field" (where the error is reported; default: the record), "active" (default true) }

import { z } from 'zod';
import type { RollupOperation } from './model';
import {
  NUMBER_TYPES,
  TEXT_TYPES,
  type WireFieldDescribe,
  type WireGlobalSObject,
} from '../../../src-shared/salesforce';

// ---------------------------------------------------------------------------------------------
// The format's types (what parseSchemaDefinition returns).

export const DEFINED_FIELD_TYPES = [
  'string',
  'textarea',
  'email',
  'phone',
  'url',
  'picklist',
  'multipicklist',
  'combobox',
  'encryptedstring',
  'boolean',
  'int',
  'long',
  'double',
  'currency',
  'percent',
  'date',
  'datetime',
  'time',
  'base64',
  'reference',
  'masterDetail',
  'address',
  'location',
] as const;

export type DefinedFieldType = (typeof DEFINED_FIELD_TYPES)[number];

export interface PicklistValueDefinition {
  value: string;
  label?: string;
  active?: boolean;
}

export interface RollupDefinition {
  operation: RollupOperation;
  childObject: string;
  relationshipField: string;
  field?: string;
}

/** Describe keys a definition may set directly (all but name and type). */
export type FieldDescribeOverride = Partial<Omit<WireFieldDescribe, 'name' | 'type'>>;

export interface FieldDefinition {
  name: string;
  label?: string;
  /** Required unless `rollup` is given. */
  type?: DefinedFieldType;
  length?: number;
  precision?: number;
  scale?: number;
  digits?: number;
  required?: boolean;
  readOnly?: boolean;
  updateable?: boolean;
  defaultedOnCreate?: boolean;
  unique?: boolean;
  caseSensitive?: boolean;
  externalId?: boolean;
  idLookup?: boolean;
  nameField?: boolean;
  autoNumber?: boolean;
  helpText?: string;
  values?: Array<string | PicklistValueDefinition>;
  default?: string | number | boolean;
  restricted?: boolean;
  referenceTo?: string[];
  relationshipName?: string;
  /** null: the lookup has no subquery name on its parents. */
  childRelationshipName?: string | null;
  cascadeDelete?: boolean;
  restrictedDelete?: boolean;
  reparentable?: boolean;
  formula?: string;
  rollup?: RollupDefinition;
  describe?: FieldDescribeOverride;
}

export interface ValidationRuleDefinition {
  name: string;
  condition: string;
  message: string;
  field?: string | null;
  active?: boolean;
}

/** Flags of the describeGlobal entry a definition may change. */
export type ObjectFlags = Partial<
  Omit<WireGlobalSObject, 'name' | 'label' | 'labelPlural' | 'keyPrefix' | 'custom' | 'urls'>
>;

export interface ObjectDefinition {
  name: string;
  label?: string;
  labelPlural?: string;
  keyPrefix?: string;
  owner?: string[];
  isDeleted?: boolean;
  flags?: ObjectFlags;
  fields: FieldDefinition[];
  validationRules: ValidationRuleDefinition[];
}

export interface ObjectExtension {
  fields: FieldDefinition[];
  validationRules: ValidationRuleDefinition[];
}

export interface ListedObjectDefinition {
  name: string;
  label?: string;
  labelPlural?: string;
  keyPrefix?: string | null;
  flags?: ObjectFlags;
}

export interface SchemaDefinition {
  /** Where the definition came from (a file name), for error messages. */
  source: string;
  description?: string;
  objects: ObjectDefinition[];
  /** Keyed by object name, in file order. */
  extend: Record<string, ObjectExtension>;
  listedOnly: ListedObjectDefinition[];
}

// ---------------------------------------------------------------------------------------------
// Errors.

export interface SchemaProblem {
  /** The definition's source (a file name). */
  source: string;
  /** JSON path inside it, e.g. `objects[2].fields[4].type`; empty for the file as a whole. */
  path: string;
  /** What is wrong and how to fix it. */
  message: string;
}

export class SchemaDefinitionError extends Error {
  override readonly name = 'SchemaDefinitionError';
  constructor(readonly problems: readonly SchemaProblem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

function formatProblem(p: SchemaProblem): string {
  return p.path ? `${p.source}: ${p.path}: ${p.message}` : `${p.source}: ${p.message}`;
}

// ---------------------------------------------------------------------------------------------
// Names and labels.

/** Letters, digits and single underscores, starting with a letter; custom names end in __c. */
const API_NAME = /^[A-Za-z](?:[A-Za-z0-9]|_(?=[A-Za-z0-9]))*(?:__c)?$/;
const RELATIONSHIP_NAME = /^[A-Za-z](?:[A-Za-z0-9]|_(?=[A-Za-z0-9]))*(?:__r)?$/;
const KEY_PREFIX = /^[0-9A-Za-z]{3}$/;

export const isCustomName = (name: string): boolean => name.endsWith('__c');

/** 'External_ID__c' -> 'External ID', 'AnnualRevenue' -> 'Annual Revenue', 'AccountId' -> 'Account ID'. */
export function labelFromName(name: string): string {
  return name
    .replace(/__c$/, '')
    .replace(/_/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/ Id$/, ' ID')
    .trim();
}

/** A plain English plural, enough for labels: Category -> Categories, Box -> Boxes. */
export function pluralOf(label: string): string {
  if (/[^aeiou]y$/i.test(label)) return `${label.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(label)) return `${label}es`;
  return `${label}s`;
}

// ---------------------------------------------------------------------------------------------
// Shape (zod). Messages say what is expected; the caller adds what was found.

const text = (what: string) => z.string({ error: `must be text (${what})` });
const flag = (what: string) => z.boolean({ error: `must be true or false (${what})` });
const count = (what: string) =>
  z
    .number({ error: `must be a number (${what})` })
    .int({ error: `must be a whole number (${what})` })
    .nonnegative({ error: `must not be negative (${what})` });

const apiName = (what: string) =>
  text(what).regex(API_NAME, {
    error: `is not an API name: use letters, digits and single underscores, starting with a letter (custom ${what}s end in __c)`,
  });
const relationshipName = text('a relationship name').regex(RELATIONSHIP_NAME, {
  error:
    'is not a relationship name: use letters, digits and single underscores, starting with a letter (custom ones end in __r)',
});
const keyPrefix = text('three letters or digits').regex(KEY_PREFIX, {
  error: 'must be three letters or digits, like "001" or "a05"',
});

const OPERATIONS = ['COUNT', 'SUM', 'MIN', 'MAX'] as const;

const fieldTypeSchema = z.enum(DEFINED_FIELD_TYPES, {
  error: (issue) =>
    issue.input === undefined
      ? `every field needs a type; use one of ${DEFINED_FIELD_TYPES.join(', ')}`
      : `${quote(issue.input)} is not a field type; use one of ${DEFINED_FIELD_TYPES.join(', ')}`,
});

const picklistValueSchema = z.union(
  [
    text('a picklist value'),
    z.strictObject({
      value: text('the value stored and sent'),
      label: text('the label shown').optional(),
      active: flag('whether the value can be chosen').optional(),
    }),
  ],
  { error: 'must be a value ("Open") or an object like {"value": "Open", "label": "Open"}' },
);

const rollupSchema = z.strictObject(
  {
    operation: z.enum(OPERATIONS, {
      error: (issue) =>
        `${issue.input === undefined ? 'is missing' : `${quote(issue.input)} is not an operation`}; use one of ${OPERATIONS.join(', ')}`,
    }),
    childObject: apiName('object'),
    relationshipField: apiName('field'),
    field: apiName('field').optional(),
  },
  { error: 'must be an object like {"operation": "COUNT", "childObject", "relationshipField"}' },
);

const nullableText = (what: string) => text(what).nullable();
const describeOverrideSchema = z
  .strictObject(
    {
      label: text('the label'),
      soapType: text('the SOAP type'),
      length: count('characters'),
      byteLength: count('bytes'),
      precision: count('digits'),
      scale: count('decimals'),
      digits: count('digits'),
      nillable: flag('nillable'),
      createable: flag('createable'),
      updateable: flag('updateable'),
      defaultedOnCreate: flag('defaultedOnCreate'),
      calculated: flag('calculated'),
      calculatedFormula: nullableText('a formula'),
      autoNumber: flag('autoNumber'),
      custom: flag('custom'),
      externalId: flag('externalId'),
      idLookup: flag('idLookup'),
      unique: flag('unique'),
      caseSensitive: flag('caseSensitive'),
      nameField: flag('nameField'),
      namePointing: flag('namePointing'),
      referenceTo: z.array(text('an object name')),
      relationshipName: nullableText('a relationship name'),
      relationshipOrder: count('0 or 1').nullable(),
      polymorphicForeignKey: flag('polymorphicForeignKey'),
      cascadeDelete: flag('cascadeDelete'),
      restrictedDelete: flag('restrictedDelete'),
      picklistValues: z.array(
        z.strictObject({
          active: flag('active'),
          defaultValue: flag('defaultValue'),
          label: text('label'),
          validFor: nullableText('validFor'),
          value: text('value'),
        }),
      ),
      restrictedPicklist: flag('restrictedPicklist'),
      dependentPicklist: flag('dependentPicklist'),
      controllerName: nullableText('a field name'),
      defaultValue: z.union([z.string(), z.boolean(), z.number(), z.null()], {
        error: 'must be text, true/false, a number or null',
      }),
      defaultValueFormula: nullableText('a formula'),
      filterable: flag('filterable'),
      sortable: flag('sortable'),
      groupable: flag('groupable'),
      aggregatable: flag('aggregatable'),
      permissionable: flag('permissionable'),
      htmlFormatted: flag('htmlFormatted'),
      encrypted: flag('encrypted'),
      deprecatedAndHidden: flag('deprecatedAndHidden'),
      writeRequiresMasterRead: flag('writeRequiresMasterRead'),
      inlineHelpText: nullableText('help text'),
      mask: nullableText('a mask character'),
      maskType: nullableText('a mask type'),
      extraTypeInfo: nullableText('extra type information'),
      compoundFieldName: nullableText('a field name'),
      filteredLookupInfo: z.null({ error: 'must be null' }),
      referenceTargetField: nullableText('a field name'),
      highScaleNumber: flag('highScaleNumber'),
      displayLocationInDecimal: flag('displayLocationInDecimal'),
      queryByDistance: flag('queryByDistance'),
      searchPrefilterable: flag('searchPrefilterable'),
    },
    { error: 'must be an object of describe keys, like {"permissionable": false}' },
  )
  .partial();

const fieldSchema = z.strictObject(
  {
    name: apiName('field'),
    label: text('the label shown').optional(),
    type: fieldTypeSchema.optional(),
    length: count('characters').optional(),
    precision: count('total digits').optional(),
    scale: count('digits after the point').optional(),
    digits: count('digits').optional(),
    required: flag('whether a value is needed').optional(),
    readOnly: flag('whether the API may write it').optional(),
    updateable: flag('whether it may change after create').optional(),
    defaultedOnCreate: flag('whether the server fills it on create').optional(),
    unique: flag('unique').optional(),
    caseSensitive: flag('caseSensitive').optional(),
    externalId: flag('externalId').optional(),
    idLookup: flag('idLookup').optional(),
    nameField: flag('nameField').optional(),
    autoNumber: flag('autoNumber').optional(),
    helpText: text('help text').optional(),
    values: z.array(picklistValueSchema, { error: 'must be a list of picklist values' }).optional(),
    default: z
      .union([z.string(), z.number(), z.boolean()], {
        error: 'must be a picklist value, true/false or a number',
      })
      .optional(),
    restricted: flag('whether only the listed values are accepted').optional(),
    referenceTo: z
      .array(apiName('object'), { error: 'must be a list of object names, like ["Account"]' })
      .min(1, { error: 'must name at least one object, like ["Account"]' })
      .optional(),
    relationshipName: relationshipName.optional(),
    childRelationshipName: relationshipName.nullable().optional(),
    cascadeDelete: flag('cascadeDelete').optional(),
    restrictedDelete: flag('restrictedDelete').optional(),
    reparentable: flag('whether a detail may move to another master').optional(),
    formula: text('a formula').min(1, { error: 'must not be empty' }).optional(),
    rollup: rollupSchema.optional(),
    describe: describeOverrideSchema.optional(),
  },
  { error: 'each field must be an object like {"name": "Status__c", "type": "picklist", ...}' },
);

const validationRuleSchema = z.strictObject(
  {
    name: apiName('rule'),
    condition: text('a formula that is true for a bad record').min(1, {
      error: 'must not be empty',
    }),
    message: text('the error shown').min(1, { error: 'must not be empty' }),
    field: apiName('field').nullable().optional(),
    active: flag('active').optional(),
  },
  { error: 'each rule must be an object like {"name", "condition", "message"}' },
);

const GLOBAL_FLAG_KEYS = [
  'customSetting',
  'queryable',
  'retrieveable',
  'searchable',
  'createable',
  'updateable',
  'deletable',
  'undeletable',
  'mergeable',
  'replicateable',
  'triggerable',
  'layoutable',
  'activateable',
  'feedEnabled',
  'mruEnabled',
  'deprecatedAndHidden',
  'deepCloneable',
  'hasSubtypes',
  'isSubtype',
  'isInterface',
] as const;

const flagsSchema = z
  .strictObject(
    {
      ...Object.fromEntries(GLOBAL_FLAG_KEYS.map((key) => [key, flag(key)])),
      associateEntityType: nullableText('an entity type'),
      associateParentEntity: nullableText('an object name'),
    } as Record<(typeof GLOBAL_FLAG_KEYS)[number], z.ZodBoolean> & {
      associateEntityType: z.ZodNullable<z.ZodString>;
      associateParentEntity: z.ZodNullable<z.ZodString>;
    },
    { error: 'must be an object of describeGlobal flags, like {"mergeable": true}' },
  )
  .partial();

const fieldList = z.array(fieldSchema, { error: 'must be a list of fields' });
const ruleList = z.array(validationRuleSchema, { error: 'must be a list of validation rules' });

const objectSchema = z.strictObject(
  {
    name: apiName('object'),
    label: text('the label shown').optional(),
    labelPlural: text('the plural label').optional(),
    keyPrefix: keyPrefix.optional(),
    owner: z
      .array(apiName('object'), { error: 'must be a list of object names, like ["Group", "User"]' })
      .optional(),
    isDeleted: flag('whether the object has IsDeleted').optional(),
    flags: flagsSchema.optional(),
    fields: fieldList.default([]),
    validationRules: ruleList.default([]),
  },
  { error: 'each object must be an object like {"name": "Invoice__c", "fields": [...]}' },
);

const extensionSchema = z.strictObject(
  { fields: fieldList.default([]), validationRules: ruleList.default([]) },
  { error: 'must be an object like {"fields": [...], "validationRules": [...]}' },
);

const listedSchema = z.strictObject(
  {
    name: apiName('object'),
    label: text('the label shown').optional(),
    labelPlural: text('the plural label').optional(),
    keyPrefix: keyPrefix.nullable().optional(),
    flags: flagsSchema.optional(),
  },
  { error: 'each entry must be an object like {"name": "Group", "keyPrefix": "00G"}' },
);

const definitionSchema = z.strictObject(
  {
    description: text('what the file is for').optional(),
    objects: z.array(objectSchema, { error: 'must be a list of objects' }).default([]),
    extend: z
      .record(apiName('object'), extensionSchema, {
        error: 'must be an object keyed by object name, like {"Account": {"fields": [...]}}',
      })
      .default({}),
    listedOnly: z.array(listedSchema, { error: 'must be a list of objects' }).default([]),
  },
  { error: 'a schema definition is one JSON object with "objects", "extend" or "listedOnly"' },
);

// ---------------------------------------------------------------------------------------------
// Parsing.

/**
 * Checks a parsed JSON value against the format and returns it typed. Throws
 * SchemaDefinitionError listing every problem with its path and the fix.
 */
export function parseSchemaDefinition(json: unknown, source: string): SchemaDefinition {
  // A "__proto__" key would reach an object's prototype once copied; no API name has one.
  if (
    isPlainObject(json) &&
    isPlainObject(json.extend) &&
    Object.hasOwn(json.extend, '__proto__')
  ) {
    throw new SchemaDefinitionError([
      { source, path: 'extend.__proto__', message: 'is not an object name; remove it' },
    ]);
  }
  const checked = definitionSchema.safeParse(json);
  if (!checked.success) {
    throw new SchemaDefinitionError(
      checked.error.issues.flatMap((issue) => describeIssue(issue, json, source)),
    );
  }
  const definition: SchemaDefinition = { source, ...checked.data };
  const problems = [
    ...definition.objects.flatMap((object, i) => checkObject(object, `objects[${i}]`)),
    ...Object.entries(definition.extend).flatMap(([name, extension]) =>
      checkExtension(extension, `extend.${name}`),
    ),
    ...definition.listedOnly.flatMap((listed, i) =>
      isCustomName(listed.name)
        ? [
            {
              path: `listedOnly[${i}].name`,
              message: 'listed-only objects are standard objects; define custom ones under objects',
            },
          ]
        : [],
    ),
  ];
  if (problems.length > 0) {
    throw new SchemaDefinitionError(problems.map((p) => ({ source, ...p })));
  }
  return definition;
}

type PathProblem = Omit<SchemaProblem, 'source'>;

function checkObject(object: ObjectDefinition, at: string): PathProblem[] {
  const problems: PathProblem[] = [];
  object.fields.forEach((field, i) => problems.push(...checkField(field, `${at}.fields[${i}]`)));
  return problems;
}

function checkExtension(extension: ObjectExtension, at: string): PathProblem[] {
  return extension.fields.flatMap((field, i) => checkField(field, `${at}.fields[${i}]`));
}

const PICKLIST_TYPES = new Set<DefinedFieldType>(['picklist', 'multipicklist', 'combobox']);
const DECIMAL_TYPES = new Set<DefinedFieldType>(['double', 'currency', 'percent', 'location']);
const LENGTH_TYPES: ReadonlySet<string> = new Set([...TEXT_TYPES, 'base64']);
const REFERENCE_TYPES = new Set<DefinedFieldType>(['reference', 'masterDetail']);
const FORMULA_TYPES = new Set<DefinedFieldType>([
  'string',
  'double',
  'currency',
  'percent',
  'boolean',
  'date',
  'datetime',
  'time',
]);
/** What a roll-up can return: a number, or a date for MIN and MAX. */
const ROLLUP_TYPES = new Set<DefinedFieldType>([
  'int',
  'double',
  'currency',
  'percent',
  'date',
  'datetime',
]);
/** Types Salesforce lets you mark as an external id (text, number, email; auto-number is text). */
const EXTERNAL_ID_TYPES = new Set<DefinedFieldType>(['string', 'email', 'int', 'long', 'double']);
/** Fields the server adds to every object; a definition cannot redefine them. */
export const SYSTEM_FIELD_NAMES = new Set([
  'id',
  'isdeleted',
  'ownerid',
  'createddate',
  'createdbyid',
  'lastmodifieddate',
  'lastmodifiedbyid',
  'systemmodstamp',
]);

/** Rules of one field that need nothing but the field itself. */
function checkField(field: FieldDefinition, at: string): PathProblem[] {
  const problems: PathProblem[] = [];
  const problem = (key: string, message: string) =>
    problems.push({ path: key ? `${at}.${key}` : at, message });
  const type = field.type;
  const typeName = type ?? 'rollup';
  const only = (key: keyof FieldDefinition, allowed: boolean, forWhat: string) => {
    if (field[key] !== undefined && !allowed) {
      problem(key, `applies only to ${forWhat}, not to a ${typeName} field; remove it`);
    }
  };

  if (SYSTEM_FIELD_NAMES.has(field.name.toLowerCase())) {
    problem(
      'name',
      `${field.name} is a system field the server adds to every object; remove it` +
        (field.name.toLowerCase() === 'ownerid'
          ? ' (set its targets with the object\'s "owner")'
          : ''),
    );
  }
  if (type === undefined && field.rollup === undefined) {
    problem('type', `every field needs a type; use one of ${DEFINED_FIELD_TYPES.join(', ')}`);
  }
  if (field.rollup !== undefined) {
    const operation = field.rollup.operation;
    if (type !== undefined && !ROLLUP_TYPES.has(type)) {
      problem(
        'type',
        `a roll-up returns a number or a date, not ${type}; or leave "type" out to take it from the aggregated field`,
      );
    }
    for (const key of ['required', 'default', 'externalId', 'unique', 'formula'] as const) {
      if (field[key] !== undefined) problem(key, 'does not apply to a roll-up field; remove it');
    }
    if (operation === 'COUNT' && field.rollup.field !== undefined) {
      problem('rollup.field', 'a COUNT counts detail records; remove "field"');
    }
    if (operation !== 'COUNT' && field.rollup.field === undefined) {
      problem(
        'rollup.field',
        `a ${operation} needs the detail field it aggregates, like "field": "Amount__c"`,
      );
    }
  }
  if (type === undefined) return problems;

  only('length', LENGTH_TYPES.has(type), 'text, picklist and base64 fields');
  only('precision', DECIMAL_TYPES.has(type), 'double, currency, percent and location fields');
  only('scale', DECIMAL_TYPES.has(type), 'double, currency, percent and location fields');
  only('digits', type === 'int' || type === 'long', 'int and long fields');
  only('values', PICKLIST_TYPES.has(type), 'picklist, multipicklist and combobox fields');
  only('restricted', PICKLIST_TYPES.has(type), 'picklist, multipicklist and combobox fields');
  for (const key of ['referenceTo', 'relationshipName', 'childRelationshipName'] as const) {
    only(key, REFERENCE_TYPES.has(type), 'reference and masterDetail fields');
  }
  only('cascadeDelete', type === 'reference', 'reference fields (a masterDetail always cascades)');
  only('restrictedDelete', type === 'reference', 'reference fields');
  only('reparentable', type === 'masterDetail', 'masterDetail fields');
  only('externalId', EXTERNAL_ID_TYPES.has(type), `${[...EXTERNAL_ID_TYPES].join(', ')} fields`);
  only('unique', EXTERNAL_ID_TYPES.has(type), `${[...EXTERNAL_ID_TYPES].join(', ')} fields`);
  only('caseSensitive', type === 'string', 'string fields');
  only('autoNumber', type === 'string', 'string fields');

  if (PICKLIST_TYPES.has(type) && type !== 'combobox' && !field.values?.length) {
    problem('values', `a ${type} needs its values, like "values": ["Open", "Closed"]`);
  }
  if (REFERENCE_TYPES.has(type)) {
    if (!field.referenceTo) {
      problem(
        'referenceTo',
        'a lookup needs the objects it points at, like "referenceTo": ["Account"]',
      );
    } else if (type === 'masterDetail' && field.referenceTo.length !== 1) {
      problem('referenceTo', 'a masterDetail points at exactly one master object');
    }
    const custom = isCustomName(field.name);
    if (custom && field.relationshipName && !field.relationshipName.endsWith('__r')) {
      problem(
        'relationshipName',
        `a custom lookup's relationship name ends in __r; use ${field.relationshipName}__r`,
      );
    }
    if (!custom && field.relationshipName?.endsWith('__r')) {
      problem(
        'relationshipName',
        'only custom lookups (__c) have relationship names ending in __r',
      );
    }
    if (!custom && field.relationshipName === undefined && !field.name.endsWith('Id')) {
      problem(
        'relationshipName',
        `name the relationship (e.g. "${field.name}" -> "relationshipName": "${field.name.replace(/__c$/, '')}"); it can only be derived from names ending in Id or __c`,
      );
    }
    if (custom && field.childRelationshipName && !field.childRelationshipName.endsWith('__r')) {
      problem(
        'childRelationshipName',
        `a custom lookup's child relationship name ends in __r; use ${field.childRelationshipName}__r`,
      );
    }
  }

  const dflt = field.default;
  if (dflt !== undefined) {
    if (PICKLIST_TYPES.has(type)) {
      const values = (field.values ?? []).map((v) => (typeof v === 'string' ? v : v.value));
      if (typeof dflt !== 'string' || (type !== 'combobox' && !values.includes(dflt))) {
        problem('default', `must be one of the field's values (${values.join(', ')})`);
      }
    } else if (type === 'boolean') {
      if (typeof dflt !== 'boolean') problem('default', 'a boolean default is true or false');
    } else if (NUMBER_TYPES.has(type)) {
      if (typeof dflt !== 'number') problem('default', `a ${type} default is a number`);
    } else {
      problem(
        'default',
        `defaults are supported on picklist, boolean and number fields; for a ${type} set "describe": {"defaultValueFormula": ...}`,
      );
    }
  }

  if (field.precision !== undefined && field.precision > 18) {
    problem('precision', 'must be 18 or less (Salesforce numbers hold at most 18 digits)');
  }
  if (field.scale !== undefined && field.scale > (field.precision ?? 18)) {
    problem('scale', `must not exceed the precision (${field.precision ?? 18})`);
  }
  if (field.length === 0) problem('length', 'must be at least 1');

  if (field.formula !== undefined && field.rollup === undefined) {
    if (!FORMULA_TYPES.has(type)) {
      problem('type', `a formula returns one of ${[...FORMULA_TYPES].join(', ')}, not ${type}`);
    }
    for (const key of [
      'rollup',
      'required',
      'default',
      'externalId',
      'unique',
      'autoNumber',
    ] as const) {
      if (field[key] !== undefined) problem(key, 'does not apply to a formula field; remove it');
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Issue wording.

function describeIssue(issue: z.core.$ZodIssue, root: unknown, source: string): SchemaProblem[] {
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(issue.path);
    return issue.keys.map((key) => {
      const guess = known ? closest(key, known) : undefined;
      return {
        source,
        path: formatPath([...issue.path, key]),
        message:
          'unknown key; ' +
          (!known
            ? 'remove it'
            : `${guess ? `did you mean '${guess}'? The keys here are` : 'use one of'} ${known.join(', ')}`),
      };
    });
  }
  if (issue.code === 'invalid_key') {
    const key = String(issue.path.at(-1));
    return [
      {
        source,
        path: formatPath(issue.path),
        message: `'${key}' is not an object name; use an object's API name, like "Account"`,
      },
    ];
  }
  const found = valueAt(root, issue.path);
  let message = issue.message;
  if (issue.code === 'invalid_value') {
    // Enum messages already quote what was found.
  } else if (found === undefined) {
    message = `is missing; it ${message}`;
  } else if (issue.code === 'invalid_format') {
    message = `${quote(found)} ${message}`;
  } else {
    message = `${message}; found ${describeValue(found)}`;
  }
  return [{ source, path: formatPath(issue.path), message }];
}

/** The keys the object at `path` accepts, found by walking the schema the way the path does. */
function knownKeysAt(path: readonly PropertyKey[]): string[] | undefined {
  const keysOf = (schema: z.ZodType): string[] | undefined => {
    const shape = (schema as { shape?: Record<string, unknown> }).shape;
    return shape ? Object.keys(shape) : undefined;
  };
  const names = path.filter((p): p is string => typeof p === 'string');
  const last = names.at(-1);
  const parent = names.at(-2);
  if (path.length === 0) return keysOf(definitionSchema);
  if (last === 'rollup') return keysOf(rollupSchema);
  if (last === 'describe') return keysOf(describeOverrideSchema);
  if (last === 'flags') return keysOf(flagsSchema);
  if (last === 'fields') return keysOf(fieldSchema);
  if (last === 'validationRules') return keysOf(validationRuleSchema);
  if (last === 'objects') return keysOf(objectSchema);
  if (last === 'listedOnly') return keysOf(listedSchema);
  if (parent === 'extend') return keysOf(extensionSchema);
  if (last === 'values') return ['value', 'label', 'active'];
  return undefined;
}

/** The nearest known key within two edits, for typos like "lenght". */
function closest(key: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(key.toLowerCase(), name.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitute = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitute));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return quote(value);
  return String(value);
}

function quote(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : (JSON.stringify(value) ?? String(value));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
