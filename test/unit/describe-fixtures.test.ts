import { describe, expect, it } from 'vitest';
import {
  type FieldDescribe,
  type SObjectDescribe,
  isRequiredOnCreate,
} from '../../src-shared/salesforce';
import { buildFixtureDescribes, buildFixtureGlobal } from '../fixtures/describes/definitions';
import { fixtureCatalog, loadFixtureDescribes, loadFixtureGlobal } from '../support/describes';

const describes = loadFixtureDescribes();
const byName = new Map(describes.map((d) => [d.name, d]));

function object(name: string): SObjectDescribe {
  const d = byName.get(name);
  if (!d) throw new Error(`fixture ${name} is missing`);
  return d;
}

function fieldOf(objectName: string, fieldName: string): FieldDescribe {
  const f = object(objectName).fields.find((x) => x.name === fieldName);
  if (!f) throw new Error(`fixture ${objectName}.${fieldName} is missing`);
  return f;
}

function lookups(d: SObjectDescribe): FieldDescribe[] {
  return d.fields.filter((f) => f.type === 'reference' && f.relationshipName);
}

// Keys of a field entry and a global entry in salesforce-rest.md §2.5 / §2.4, in wire order.
const FIELD_KEYS = [
  'name', 'label', 'type', 'soapType', 'length', 'byteLength', 'precision', 'scale', 'digits',
  'nillable', 'createable', 'updateable', 'defaultedOnCreate', 'calculated', 'calculatedFormula',
  'autoNumber', 'custom', 'externalId', 'idLookup', 'unique', 'caseSensitive', 'nameField',
  'namePointing', 'referenceTo', 'relationshipName', 'relationshipOrder', 'polymorphicForeignKey',
  'cascadeDelete', 'restrictedDelete', 'picklistValues', 'restrictedPicklist', 'dependentPicklist',
  'controllerName', 'defaultValue', 'defaultValueFormula', 'filterable', 'sortable', 'groupable',
  'aggregatable', 'permissionable', 'htmlFormatted', 'encrypted', 'deprecatedAndHidden',
  'writeRequiresMasterRead', 'inlineHelpText', 'mask', 'maskType', 'extraTypeInfo',
  'compoundFieldName', 'filteredLookupInfo', 'referenceTargetField', 'highScaleNumber',
  'displayLocationInDecimal', 'queryByDistance', 'searchPrefilterable',
]; // prettier-ignore
const GLOBAL_KEYS = [
  'name', 'label', 'labelPlural', 'keyPrefix', 'custom', 'customSetting', 'queryable',
  'retrieveable', 'searchable', 'createable', 'updateable', 'deletable', 'undeletable', 'mergeable',
  'replicateable', 'triggerable', 'layoutable', 'activateable', 'feedEnabled', 'mruEnabled',
  'deprecatedAndHidden', 'deepCloneable', 'hasSubtypes', 'isSubtype', 'isInterface',
  'associateEntityType', 'associateParentEntity', 'urls',
]; // prettier-ignore
const CHILD_KEYS = [
  'childSObject', 'field', 'relationshipName', 'cascadeDelete', 'restrictedDelete',
  'deprecatedAndHidden', 'junctionIdListNames', 'junctionReferenceTo',
]; // prettier-ignore

describe('fixture describes: files and wire shape', () => {
  it('match what the generator builds (regenerate after editing definitions.ts)', () => {
    // Typed as the app's shape: the wire types must stay assignable to SObjectDescribe.
    const built: SObjectDescribe[] = buildFixtureDescribes();
    expect(describes).toEqual(built);
    expect(loadFixtureGlobal()).toEqual(buildFixtureGlobal().sobjects);
  });

  it('hold the requested objects, one file each', () => {
    expect(describes.map((d) => d.name)).toEqual([
      'Account', 'Campaign', 'CampaignMember', 'Case', 'Child__c', 'Contact', 'Document__c',
      'Event', 'Lead', 'Opportunity', 'OpportunityLineItem', 'Parent__c', 'Pricebook2',
      'PricebookEntry', 'Product2', 'Task', 'User',
    ]); // prettier-ignore
  });

  it('write every documented key on objects, fields and child relationships', () => {
    for (const d of describes) {
      expect(Object.keys(d), d.name).toEqual(
        expect.arrayContaining([...GLOBAL_KEYS, 'fields', 'childRelationships']),
      );
      for (const f of d.fields) expect(Object.keys(f), `${d.name}.${f.name}`).toEqual(FIELD_KEYS);
      for (const c of d.childRelationships) expect(Object.keys(c)).toEqual(CHILD_KEYS);
    }
  });

  it('follow the type rules for soapType and lengths', () => {
    const soap: Record<string, string> = {
      id: 'tns:ID', reference: 'tns:ID', string: 'xsd:string', textarea: 'xsd:string',
      picklist: 'xsd:string', multipicklist: 'xsd:string', boolean: 'xsd:boolean', int: 'xsd:int',
      double: 'xsd:double', currency: 'xsd:double', percent: 'xsd:double', date: 'xsd:date',
      datetime: 'xsd:dateTime', base64: 'xsd:base64Binary', address: 'urn:address',
    }; // prettier-ignore
    for (const d of describes) {
      for (const f of d.fields) {
        const where = `${d.name}.${f.name}`;
        const wire = f as FieldDescribe & { soapType: string; byteLength: number };
        if (soap[f.type]) expect(wire.soapType, where).toBe(soap[f.type]);
        if (f.type === 'id' || f.type === 'reference') {
          expect([f.length, wire.byteLength], where).toEqual([18, 18]);
        } else if (['string', 'textarea', 'picklist', 'email', 'phone', 'url'].includes(f.type)) {
          expect(wire.byteLength, where).toBe(f.length * 3);
        }
        if (f.type === 'boolean') {
          expect([f.nillable, f.defaultedOnCreate], where).toEqual([false, true]);
        }
        if (f.type === 'textarea' && f.length > 255) {
          expect([f.filterable, f.sortable, f.groupable], where).toEqual([false, false, false]);
        }
        if (f.custom) expect(f.name, where).toMatch(/__c$/);
        if (f.custom && f.relationshipName) expect(f.relationshipName, where).toMatch(/__r$/);
      }
    }
    expect(fieldOf('Opportunity', 'Amount')).toMatchObject({ precision: 18, scale: 2 });
    expect(fieldOf('Contact', 'Name')).toMatchObject({ length: 121, createable: false });
    expect(fieldOf('Contact', 'Interests__c')).toMatchObject({
      type: 'multipicklist',
      length: 4099,
    });
  });
});

describe('fixture describes: system fields', () => {
  it('put Id, audit fields and (except on User) IsDeleted on every object', () => {
    for (const d of describes) {
      const names = d.fields.map((f) => f.name);
      expect(names[0], d.name).toBe('Id');
      expect(names, d.name).toEqual(
        expect.arrayContaining([
          'CreatedDate', 'CreatedById', 'LastModifiedDate', 'LastModifiedById', 'SystemModstamp',
        ]), // prettier-ignore
      );
      expect(names.includes('IsDeleted'), d.name).toBe(d.name !== 'User');
      expect(fieldOf(d.name, 'Id')).toMatchObject({
        type: 'id', createable: false, updateable: false, nillable: false,
        defaultedOnCreate: true, idLookup: true,
      }); // prettier-ignore
      for (const stamp of ['CreatedDate', 'LastModifiedDate', 'SystemModstamp']) {
        expect(fieldOf(d.name, stamp)).toMatchObject({
          type: 'datetime', createable: false, updateable: false, nillable: false,
          defaultedOnCreate: true,
        }); // prettier-ignore
      }
      expect(fieldOf(d.name, 'CreatedById')).toMatchObject({
        referenceTo: ['User'],
        relationshipName: 'CreatedBy',
      });
      expect(fieldOf(d.name, 'LastModifiedById').relationshipName).toBe('LastModifiedBy');
    }
  });

  it('make owners polymorphic exactly when they can be a queue or a user', () => {
    expect(fieldOf('Case', 'OwnerId')).toMatchObject({
      referenceTo: ['Group', 'User'],
      relationshipName: 'Owner',
      polymorphicForeignKey: true,
    });
    expect(fieldOf('Account', 'OwnerId')).toMatchObject({
      referenceTo: ['User'],
      polymorphicForeignKey: false,
    });
    expect(object('Child__c').fields.some((f) => f.name === 'OwnerId')).toBe(false);
  });
});

describe('fixture describes: relationships agree on both sides', () => {
  it('list every named lookup as a child relationship on each described parent', () => {
    let checked = 0;
    for (const child of describes) {
      for (const f of lookups(child)) {
        for (const target of f.referenceTo) {
          const parent = byName.get(target);
          if (!parent) continue;
          const matches = parent.childRelationships.filter(
            (c) => c.childSObject === child.name && c.field === f.name,
          );
          expect(matches, `${child.name}.${f.name} -> ${target}`).toHaveLength(1);
          expect(matches[0]?.cascadeDelete, `${child.name}.${f.name}`).toBe(f.cascadeDelete);
          checked += 1;
        }
      }
    }
    // With the reverse check below, equal counts make lookups and child entries one-to-one.
    const entries = describes.reduce((n, d) => n + d.childRelationships.length, 0);
    expect(checked).toBe(entries);
    expect(checked).toBeGreaterThan(50);
  });

  it('back every child relationship with a lookup that points at the parent', () => {
    for (const parent of describes) {
      for (const c of parent.childRelationships) {
        const f = object(c.childSObject).fields.find((x) => x.name === c.field);
        const where = `${parent.name}.${c.relationshipName ?? '(unnamed)'}`;
        expect(f?.type, where).toBe('reference');
        expect(f?.referenceTo, where).toContain(parent.name);
        expect(f?.relationshipName, where).toBeTruthy();
      }
    }
  });

  it('keep field and relationship names unique per object, ignoring case', () => {
    for (const d of describes) {
      const fields = d.fields.map((f) => f.name.toLowerCase());
      expect(new Set(fields).size, d.name).toBe(fields.length);
      const relationships = [
        ...d.fields.map((f) => f.relationshipName),
        ...d.childRelationships.map((c) => c.relationshipName),
      ]
        .filter((n): n is string => n !== null)
        .map((n) => n.toLowerCase());
      expect(new Set(relationships).size, d.name).toBe(relationships.length);
    }
    const objects = describes.map((d) => d.name.toLowerCase());
    expect(new Set(objects).size).toBe(objects.length);
  });

  it('name the standard and custom child relationships as the brief and soql.md do', () => {
    const named = (parent: string) =>
      object(parent).childRelationships.map(
        (c) => `${c.childSObject}.${c.field}:${c.relationshipName}`,
      );
    expect(named('Account')).toEqual(
      expect.arrayContaining([
        'Account.ParentId:ChildAccounts', 'Contact.AccountId:Contacts', 'Case.AccountId:Cases',
        'Opportunity.AccountId:Opportunities', 'Task.WhatId:Tasks', 'Event.WhatId:Events',
        'Parent__c.Account__c:Parents__r',
      ]),
    ); // prettier-ignore
    expect(named('Contact')).toEqual(
      expect.arrayContaining([
        'Case.ContactId:Cases', 'Task.WhoId:Tasks', 'Event.WhoId:Events',
        'Account.Primary_Contact__c:Primary_Accounts__r', 'Child__c.Contact__c:Child_Records__r',
        'CampaignMember.ContactId:CampaignMembers',
      ]),
    ); // prettier-ignore
    expect(named('Case')).toContain('Case.ParentId:Cases');
    expect(named('Campaign')).toEqual(
      expect.arrayContaining([
        'Campaign.ParentId:ChildCampaigns', 'CampaignMember.CampaignId:CampaignMembers',
        'Opportunity.CampaignId:Opportunities',
      ]),
    ); // prettier-ignore
    expect(named('Opportunity')).toContain(
      'OpportunityLineItem.OpportunityId:OpportunityLineItems',
    );
    expect(named('Product2')).toContain('PricebookEntry.Product2Id:PricebookEntries');
    expect(named('User')).toContain('User.ManagerId:ManagedUsers');
    expect(named('Parent__c')).toContain('Child__c.Parent__c:Children__r');
    for (const parent of ['Account', 'Contact', 'Opportunity', 'Lead', 'Case']) {
      const via = parent === 'Contact' || parent === 'Lead' ? 'WhoId' : 'WhatId';
      expect(named(parent)).toEqual(
        expect.arrayContaining([`Task.${via}:Tasks`, `Event.${via}:Events`]),
      );
    }
  });

  it('mark master-detail and polymorphic lookups as a real org does', () => {
    for (const [obj, name] of [
      ['Child__c', 'Parent__c'],
      ['OpportunityLineItem', 'OpportunityId'],
    ] as const) {
      expect(fieldOf(obj, name)).toMatchObject({
        nillable: false,
        cascadeDelete: true,
        relationshipOrder: 0,
      });
    }
    expect(object('Parent__c').childRelationships).toContainEqual(
      expect.objectContaining({ relationshipName: 'Children__r', cascadeDelete: true }),
    );
    for (const activity of ['Task', 'Event']) {
      expect(fieldOf(activity, 'WhoId')).toMatchObject({
        referenceTo: ['Contact', 'Lead'],
        relationshipName: 'Who',
        polymorphicForeignKey: true,
      });
      expect(fieldOf(activity, 'WhatId').referenceTo).toEqual(
        expect.arrayContaining(['Account', 'Opportunity', 'Case', 'Campaign']),
      );
    }
  });
});

describe('fixture describes: required fields', () => {
  const required = (name: string) =>
    object(name)
      .fields.filter(isRequiredOnCreate)
      .map((f) => f.name)
      .sort();

  it('require on create exactly the fields a user must supply', () => {
    expect(required('Account')).toEqual(['Name']);
    expect(required('Contact')).toEqual(['LastName']);
    expect(required('Lead')).toEqual(['Company', 'LastName']);
    expect(required('Opportunity')).toEqual(['CloseDate', 'Name', 'StageName']);
    expect(required('OpportunityLineItem')).toEqual(['OpportunityId', 'Quantity']);
    expect(required('PricebookEntry')).toEqual(['Pricebook2Id', 'Product2Id', 'UnitPrice']);
    expect(required('CampaignMember')).toEqual(['CampaignId']);
    expect(required('Case')).toEqual([]);
    expect(required('Child__c')).toEqual(['Parent__c']);
    expect(required('Parent__c')).toEqual([]);
    expect(required('User')).toEqual([
      'Alias', 'Email', 'EmailEncodingKey', 'LanguageLocaleKey', 'LastName', 'LocaleSidKey',
      'ProfileId', 'TimeZoneSidKey', 'Username',
    ]); // prettier-ignore
  });

  it('never require a read-only, calculated or auto-number field', () => {
    for (const d of describes) {
      for (const f of d.fields) {
        const where = `${d.name}.${f.name}`;
        if (f.calculated || f.autoNumber) {
          expect([f.createable, f.updateable], where).toEqual([false, false]);
        }
        // Not nillable and not defaulted means the caller supplies it, so it must be createable.
        if (!f.nillable && !f.defaultedOnCreate && !f.createable) {
          expect(f.name, `${where} is required but not createable`).toBe('Name');
        }
        if (f.defaultedOnCreate && f.type === 'picklist' && f.createable) {
          expect(
            f.picklistValues.some((p) => p.defaultValue),
            where,
          ).toBe(true);
        }
      }
    }
  });
});

describe('fixture describes: demo extras', () => {
  it('carry the external ids, lookups and special-type fields tests rely on', () => {
    for (const obj of ['Account', 'Contact']) {
      expect(fieldOf(obj, 'External_ID__c')).toMatchObject({
        type: 'string', length: 36, externalId: true, unique: true, idLookup: true, custom: true,
      }); // prettier-ignore
    }
    expect(fieldOf('Account', 'Primary_Contact__c')).toMatchObject({
      referenceTo: ['Contact'],
      relationshipName: 'Primary_Contact__r',
    });
    expect(fieldOf('Contact', 'Account_Industry__c')).toMatchObject({
      type: 'string', calculated: true, createable: false, updateable: false,
    }); // prettier-ignore
    // A roll-up is calculated like a formula but has no formula text (demo.json).
    expect(fieldOf('Opportunity', 'Line_Item_Count__c')).toMatchObject({
      type: 'double', precision: 18, scale: 0, calculated: true, calculatedFormula: null,
      createable: false, updateable: false,
    }); // prettier-ignore
    expect(fieldOf('Contact', 'SSN__c')).toMatchObject({
      type: 'encryptedstring', filterable: false, permissionable: false,
    }); // prettier-ignore
    expect(fieldOf('Document__c', 'Body__c').type).toBe('base64');
    expect(fieldOf('Lead', 'Status')).toMatchObject({ restrictedPicklist: true });
    expect(fieldOf('Account', 'Industry').picklistValues.map((p) => p.value)).toEqual(
      expect.arrayContaining(['Energy', 'Retail', 'Utilities']),
    );
    expect(fieldOf('Account', 'BillingCity').compoundFieldName).toBe('BillingAddress');
    expect(fieldOf('Account', 'BillingAddress').type).toBe('address');
  });
});

describe('fixtureCatalog', () => {
  const catalog = fixtureCatalog();

  it('resolves objects and fields whatever the case', () => {
    expect(catalog.describe('account')?.name).toBe('Account');
    expect(catalog.describe('CHILD__C')?.name).toBe('Child__c');
    expect(catalog.field('contact', 'lastname')?.name).toBe('LastName');
    expect(catalog.field('ACCOUNT', 'external_id__C')?.externalId).toBe(true);
    expect(catalog.field('Account', 'NoSuchField')).toBeUndefined();
    expect(catalog.describe('NoSuchObject')).toBeUndefined();
  });

  it('resolves parent relationships whatever the case', () => {
    expect(catalog.parentRelationship('contact', 'ACCOUNT')?.name).toBe('AccountId');
    expect(catalog.parentRelationship('child__c', 'parent__R')?.name).toBe('Parent__c');
    expect(catalog.parentRelationship('task', 'what')?.referenceTo).toContain('Opportunity');
    expect(catalog.parentRelationship('user', 'manager')?.name).toBe('ManagerId');
    // The field name is not a relationship name.
    expect(catalog.parentRelationship('Child__c', 'Parent__c')).toBeUndefined();
  });

  it('resolves child relationships whatever the case', () => {
    expect(catalog.childRelationship('ACCOUNT', 'contacts')?.childSObject).toBe('Contact');
    expect(catalog.childRelationship('parent__c', 'CHILDREN__R')).toMatchObject({
      childSObject: 'Child__c',
      field: 'Parent__c',
    });
    expect(catalog.childRelationship('contact', 'child_records__r')?.field).toBe('Contact__c');
    expect(catalog.childRelationship('Account', 'Contact')).toBeUndefined();
  });

  it('lists global-only objects without describing them', () => {
    const names = catalog.objects().map((o) => o.name);
    expect(names).toEqual(expect.arrayContaining(['Account', 'Group', 'Profile', 'UserRole']));
    expect(catalog.describe('Group')).toBeUndefined();
  });
});
