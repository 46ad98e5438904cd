// The local org's schema once loaded: objects and fields with their full describe entries plus
// what the server needs beyond a describe (formulas, roll-ups, validation rules). Built from one
// or more schema definitions (definition.ts, the JSON format of `--schema FILE`) by build.ts.

import type {
  DescribeCatalog,
  FieldType,
  WireChildRelationship,
  WireDescribeGlobal,
  WireFieldDescribe,
  WireGlobalSObject,
  WireSObjectDescribe,
} from '../../../src-shared/salesforce';

export type RollupOperation = 'COUNT' | 'SUM' | 'MIN' | 'MAX';

/** A roll-up summary on a master: aggregates one field of the detail records. */
export interface RollupSummary {
  operation: RollupOperation;
  /** The detail object and its master-detail field that points at this object. */
  childObject: string;
  relationshipField: string;
  /** The detail field aggregated; null for COUNT. */
  field: string | null;
}

/** A declarative validation rule: the record is refused when `condition` is true. */
export interface ValidationRule {
  name: string;
  /** A formula (formula/ language) over the record and its parents, giving a boolean. */
  condition: string;
  message: string;
  /** The field the error is reported on; null: the record as a whole. */
  field: string | null;
  active: boolean;
}

export interface OrgField {
  name: string;
  type: FieldType;
  /** The describe entry exactly as GET /sobjects/X/describe sends it. */
  describe: WireFieldDescribe;
  /** A formula field's expression, computed at read time (never stored, never writable). */
  formula: string | null;
  /** A roll-up summary, computed at read time from the detail records. */
  rollup: RollupSummary | null;
  /**
   * Whether the field is a column of the object's table. False for formulas, roll-ups and the
   * compound address/location fields (their components are stored).
   */
  stored: boolean;
}

export interface OrgObject {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  custom: boolean;
  /** In describe order. */
  fields: readonly OrgField[];
  /** Case-insensitive, as Salesforce resolves names. */
  field(name: string): OrgField | undefined;
  validationRules: readonly ValidationRule[];
  childRelationships: readonly WireChildRelationship[];
}

export interface OrgSchema {
  /** Sorted by name. */
  objects: readonly OrgObject[];
  /** Case-insensitive. */
  object(name: string): OrgObject | undefined;
  objectByKeyPrefix(keyPrefix: string): OrgObject | undefined;
  /** Objects describeGlobal lists without records of their own here (Group, Profile …). */
  listedOnly: readonly WireGlobalSObject[];
  /** The same metadata for the shared SOQL engine (validation, compilation). */
  catalog: DescribeCatalog;
  /** GET /sobjects/X/describe; urls carry the request's API version. */
  describe(objectName: string, apiVersion: string): WireSObjectDescribe | undefined;
  /** GET /sobjects. */
  describeGlobal(apiVersion: string): WireDescribeGlobal;
}
