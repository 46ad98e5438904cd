// Describe metadata exactly as the REST API sends it: every key of a field entry, a global
// entry and a describe (salesforce-rest.md §2.4-2.5). The local org serves these shapes and the
// test fixtures are written in them; code that only reads describes uses describe.ts's narrower
// types, which these extend.

import type { ChildRelationship, FieldDescribe, GlobalSObject, PicklistEntry } from './describe';

export interface WirePicklistEntry extends PicklistEntry {
  validFor: string | null;
}

export interface WireFieldDescribe extends FieldDescribe {
  soapType: string;
  byteLength: number;
  digits: number;
  calculatedFormula: string | null;
  autoNumber: boolean;
  idLookup: boolean;
  caseSensitive: boolean;
  nameField: boolean;
  namePointing: boolean;
  relationshipOrder: number | null;
  polymorphicForeignKey: boolean;
  cascadeDelete: boolean;
  restrictedDelete: boolean;
  picklistValues: WirePicklistEntry[];
  restrictedPicklist: boolean;
  dependentPicklist: boolean;
  controllerName: string | null;
  defaultValue: string | boolean | number | null;
  defaultValueFormula: string | null;
  permissionable: boolean;
  htmlFormatted: boolean;
  encrypted: boolean;
  deprecatedAndHidden: boolean;
  writeRequiresMasterRead: boolean;
  inlineHelpText: string | null;
  mask: string | null;
  maskType: string | null;
  extraTypeInfo: string | null;
  compoundFieldName: string | null;
  filteredLookupInfo: null;
  referenceTargetField: string | null;
  highScaleNumber: boolean;
  displayLocationInDecimal: boolean;
  queryByDistance: boolean;
  searchPrefilterable: boolean;
}

export interface WireChildRelationship extends ChildRelationship {
  restrictedDelete: boolean;
  deprecatedAndHidden: boolean;
  junctionIdListNames: string[];
  junctionReferenceTo: string[];
}

export interface WireGlobalSObject extends GlobalSObject {
  labelPlural: string;
  customSetting: boolean;
  retrieveable: boolean;
  searchable: boolean;
  createable: boolean;
  updateable: boolean;
  deletable: boolean;
  undeletable: boolean;
  mergeable: boolean;
  replicateable: boolean;
  triggerable: boolean;
  layoutable: boolean;
  activateable: boolean;
  feedEnabled: boolean;
  mruEnabled: boolean;
  deprecatedAndHidden: boolean;
  deepCloneable: boolean;
  hasSubtypes: boolean;
  isSubtype: boolean;
  isInterface: boolean;
  associateEntityType: string | null;
  associateParentEntity: string | null;
  urls: Record<string, string>;
}

export interface WireRecordTypeInfo {
  active: boolean;
  available: boolean;
  defaultRecordTypeMapping: boolean;
  developerName: string;
  master: boolean;
  name: string;
  recordTypeId: string;
  urls: { layout: string };
}

export interface WireSObjectDescribe extends WireGlobalSObject {
  fields: WireFieldDescribe[];
  childRelationships: WireChildRelationship[];
  recordTypeInfos: WireRecordTypeInfo[];
}

/** The describeGlobal body (GET /sobjects). */
export interface WireDescribeGlobal {
  encoding: 'UTF-8';
  maxBatchSize: number;
  sobjects: WireGlobalSObject[];
}
