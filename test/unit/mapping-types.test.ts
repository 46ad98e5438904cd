import { describe, expect, it } from 'vitest';
import {
  columnNameFor,
  indexNameFor,
  postgresColumnType,
  relationshipColumnType,
  relationshipExternalIdFieldName,
  resolveMappedField,
  tableNameFor,
  triggerNames,
  truncateIdentifier,
} from '../../src-shared/mapping';
import type { FieldDescribe } from '../../src-shared/salesforce';
import { fixtureCatalog } from '../support/describes';

const catalog = fixtureCatalog();

function fieldOf(object: string, name: string): FieldDescribe {
  const field = catalog.field(object, name);
  if (!field) throw new Error(`fixture has no ${object}.${name}`);
  return field;
}

const typeOf = (type: string, length = 0) => postgresColumnType({ type, length });

describe('postgresColumnType (reference §6.3)', () => {
  it.each([
    ['id', 18, 'varchar(18)'],
    ['reference', 18, 'varchar(18)'],
    ['string', 80, 'varchar(80)'],
    ['string', 121, 'varchar(121)'],
    ['encryptedstring', 11, 'varchar(11)'],
    ['picklist', 40, 'varchar(255)'],
    ['picklist', 255, 'varchar(255)'],
    ['multipicklist', 4099, 'varchar(4099)'],
    ['textarea', 255, 'varchar(255)'],
    ['textarea', 32000, 'text'],
    ['textarea', 32768, 'text'],
    ['email', 80, 'varchar(80)'],
    ['phone', 40, 'varchar(40)'],
    ['url', 255, 'varchar(255)'],
    ['boolean', 0, 'boolean'],
    ['double', 0, 'double precision'],
    ['currency', 0, 'double precision'],
    ['percent', 0, 'double precision'],
    ['int', 0, 'integer'],
    ['long', 0, 'bigint'],
    ['date', 0, 'date'],
    ['datetime', 0, 'timestamp'],
    ['time', 0, 'time'],
    ['anyType', 0, 'text'],
  ])('%s (length %i) -> %s', (type, length, sqlType) => {
    expect(typeOf(type, length)).toEqual({ ok: true, sqlType });
  });

  it('refuses base64, compound and unknown types with a reason', () => {
    expect(typeOf('base64', 131072)).toMatchObject({ ok: false, code: 'BASE64' });
    expect(typeOf('address')).toMatchObject({
      ok: false,
      code: 'COMPOUND',
      reason: expect.stringContaining('component fields'),
    });
    expect(typeOf('location')).toMatchObject({ ok: false, code: 'COMPOUND' });
    expect(typeOf('complexvalue')).toMatchObject({
      ok: false,
      code: 'UNSUPPORTED_TYPE',
      reason: expect.stringContaining('"complexvalue"'),
    });
  });

  it('types the fixture org fields as Heroku Connect does', () => {
    expect(postgresColumnType(fieldOf('Account', 'Name'))).toEqual({
      ok: true,
      sqlType: 'varchar(255)',
    });
    expect(postgresColumnType(fieldOf('Account', 'BillingLatitude'))).toEqual({
      ok: true,
      sqlType: 'double precision',
    });
    expect(postgresColumnType(fieldOf('Account', 'Description'))).toEqual({
      ok: true,
      sqlType: 'text',
    });
    expect(postgresColumnType(fieldOf('Contact', 'Name'))).toEqual({
      ok: true,
      sqlType: 'varchar(121)',
    });
  });

  it('sizes a relationship external-ID column like the parent external ID', () => {
    expect(relationshipColumnType(fieldOf('Account', 'External_ID__c'))).toEqual({
      ok: true,
      sqlType: 'varchar(36)',
    });
    expect(
      relationshipColumnType({ ...fieldOf('Account', 'External_ID__c'), type: 'double' }),
    ).toEqual({ ok: true, sqlType: 'double precision' });
  });
});

describe('names', () => {
  it('lower-cases tables and columns and keeps the record Id in sfid', () => {
    expect(tableNameFor('Account')).toBe('account');
    expect(tableNameFor('My_Object__c')).toBe('my_object__c');
    expect(tableNameFor('User')).toBe('user');
    expect(columnNameFor('AccountNumber')).toBe('accountnumber');
    expect(columnNameFor('Id')).toBe('sfid');
    expect(columnNameFor('Account__External_ID__c')).toBe('account__external_id__c');
    expect(indexNameFor('contact', 'extra_life_id__c', true)).toBe(
      'hcu_idx_contact_extra_life_id__c',
    );
    expect(indexNameFor('account', 'systemmodstamp', false)).toBe('hc_idx_account_systemmodstamp');
    expect(triggerNames.logFunction('account')).toBe('hc_account_logger');
    expect(triggerNames.logTrigger('account')).toBe('hc_account_logtrigger');
    expect(triggerNames.statusFunction('account')).toBe('hc_account_status');
    expect(triggerNames.statusTrigger('account')).toBe('hc_account_status_trigger');
  });

  it('cuts names to 63 bytes on a character boundary, as Postgres stores them', () => {
    expect(truncateIdentifier('a'.repeat(70))).toBe('a'.repeat(63));
    // 31 two-byte characters are 62 bytes; the 32nd would make 64.
    expect(truncateIdentifier('é'.repeat(40))).toBe('é'.repeat(31));
    expect(truncateIdentifier(`${'a'.repeat(62)}名`)).toBe('a'.repeat(62));
  });

  it('names relationship external-ID fields as Heroku Connect does', () => {
    expect(relationshipExternalIdFieldName(fieldOf('Contact', 'AccountId'), 'External_ID__c')).toBe(
      'Account__External_ID__c',
    );
    expect(
      relationshipExternalIdFieldName(fieldOf('Account', 'Primary_Contact__c'), 'External_ID__c'),
    ).toBe('Primary_Contact__r__External_ID__c');
    // Without a relationshipName Salesforce's own derivation is used.
    expect(
      relationshipExternalIdFieldName({ name: 'ReportsToId', relationshipName: null }, 'PG_ID__c'),
    ).toBe('ReportsTo__PG_ID__c');
    expect(
      relationshipExternalIdFieldName({ name: 'Project__c', relationshipName: null }, 'PG_ID__c'),
    ).toBe('Project__r__PG_ID__c');
  });

  it('resolves pseudo-fields to their lookup and the parent external ID', () => {
    expect(resolveMappedField(catalog, 'Contact', 'Account__External_ID__c')).toMatchObject({
      kind: 'relationship_external_id',
      lookup: { name: 'AccountId' },
      parentObject: 'Account',
      externalIdFieldName: 'External_ID__c',
      parentField: { name: 'External_ID__c', externalId: true },
    });
    const custom = resolveMappedField(catalog, 'Account', 'primary_contact__r__external_id__c');
    expect(custom).toMatchObject({
      kind: 'relationship_external_id',
      lookup: { name: 'Primary_Contact__c' },
      parentObject: 'Contact',
    });
    expect(custom).not.toHaveProperty('problem');
    expect(resolveMappedField(catalog, 'Event', 'Who__External_ID__c')).toMatchObject({
      problem: 'polymorphic',
    });
    expect(resolveMappedField(catalog, 'Child__c', 'Parent__r__Name')).toMatchObject({
      problem: 'not_external_id',
    });
    expect(resolveMappedField(catalog, 'Contact', 'Account__Nope__c')).toMatchObject({
      problem: 'parent_field_missing',
    });
    expect(resolveMappedField(catalog, 'Contact', 'Email')).toMatchObject({ kind: 'field' });
    expect(resolveMappedField(catalog, 'Contact', 'Nothing__c')).toEqual({
      kind: 'unknown',
      name: 'Nothing__c',
    });
  });
});
