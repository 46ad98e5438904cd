import { describe, expect, it } from 'vitest';
import {
  createMapping,
  validateMappings,
  type Mapping,
  type MappingProblem,
} from '../../src-shared/mapping';
import { fixtureCatalog } from '../support/describes';

const catalog = fixtureCatalog();
const BASE = ['Id', 'IsDeleted', 'SystemModstamp', 'CreatedDate'];

function account(extra: Partial<Mapping> = {}): Mapping {
  return createMapping('Account', {
    access: 'read_write',
    fields: [...BASE, 'Name', 'External_ID__c'],
    upsertField: 'External_ID__c',
    ...extra,
  });
}

function contact(extra: Partial<Mapping> = {}): Mapping {
  return createMapping('Contact', {
    access: 'read_write',
    fields: [...BASE, 'LastName', 'External_ID__c', 'AccountId', 'Account__External_ID__c'],
    upsertField: 'External_ID__c',
    ...extra,
  });
}

const codes = (problems: MappingProblem[]) => problems.map((p) => `${p.severity}:${p.code}`);

function only(problems: MappingProblem[], code: string): MappingProblem {
  const found = problems.filter((p) => p.code === code);
  expect(found, `expected one ${code} in ${JSON.stringify(codes(problems))}`).toHaveLength(1);
  return found[0]!;
}

describe('validateMappings', () => {
  it('finds nothing wrong with a sound Account + Contact pair under ordered writes', () => {
    expect(
      validateMappings([account(), contact()], catalog, { writeAlgorithm: 'ordered' }),
    ).toEqual([]);
  });

  it('names an object the org lacks as an error, and one only listed as a warning', () => {
    const problems = validateMappings(
      [createMapping('Invoice__c'), createMapping('Asset')],
      catalog,
    );
    expect(only(problems, 'OBJECT_NOT_IN_ORG')).toMatchObject({
      severity: 'error',
      object: 'Invoice__c',
      message: expect.stringContaining('no object Invoice__c'),
      fix: expect.stringContaining('Invoice__c'),
    });
    expect(only(problems, 'OBJECT_NOT_DESCRIBED')).toMatchObject({
      severity: 'warning',
      object: 'Asset',
    });
  });

  it.each([
    ['Archive__b', 'a big object'],
    ['Order_Event__e', 'a platform event'],
    ['Legacy__x', 'an external object'],
  ])('refuses %s (%s)', (objectName, kind) => {
    const problem = only(
      validateMappings([createMapping(objectName)], catalog),
      'OBJECT_UNSUPPORTED',
    );
    expect(problem).toMatchObject({ severity: 'error', object: objectName });
    expect(problem.message).toContain(kind);
  });

  it('refuses base64 fields', () => {
    const problems = validateMappings(
      [createMapping('Document__c', { fields: [...BASE, 'Name', 'Body__c'] })],
      catalog,
    );
    expect(only(problems, 'FIELD_BASE64')).toMatchObject({
      severity: 'error',
      field: 'Body__c',
      fix: expect.stringContaining('Remove Body__c'),
    });
  });

  it('suggests the components of a compound address', () => {
    const problems = validateMappings(
      [createMapping('Account', { fields: [...BASE, 'BillingAddress'] })],
      catalog,
    );
    const problem = only(problems, 'FIELD_COMPOUND');
    expect(problem).toMatchObject({ severity: 'error', field: 'BillingAddress' });
    expect(problem.fix).toBe(
      'Replace BillingAddress with BillingStreet, BillingCity, BillingState, BillingPostalCode, ' +
        'BillingCountry, BillingLatitude, BillingLongitude.',
    );
  });

  it('reports fields the integration user cannot read, and fields that are not there', () => {
    const problems = validateMappings(
      [createMapping('Contact', { fields: [...BASE, 'LastName', 'SSN__c', 'Shoe_Size__c'] })],
      catalog,
    );
    const unreadable = problems.filter((p) => p.code === 'FIELD_NOT_READABLE');
    expect(unreadable.map((p) => [p.field, p.severity])).toEqual([
      ['SSN__c', 'error'],
      ['Shoe_Size__c', 'error'],
    ]);
    expect(unreadable[0]!.message).toContain('field-level security');
    expect(unreadable[1]!.message).toContain('does not exist');
  });

  it('warns about read-only and calculated fields in a read-write mapping', () => {
    const problems = validateMappings(
      [contact({ fields: [...contact().fields, 'Name', 'Account_Industry__c'] })],
      catalog,
      { writeAlgorithm: 'ordered' },
    );
    expect(only(problems, 'FIELD_READ_ONLY')).toMatchObject({ severity: 'warning', field: 'Name' });
    expect(only(problems, 'FIELD_CALCULATED')).toMatchObject({
      severity: 'warning',
      field: 'Account_Industry__c',
      message: expect.stringContaining('are not sent'),
    });
    // System fields such as CreatedDate are mapped everywhere and never flagged.
    expect(problems.some((p) => p.field === 'CreatedDate')).toBe(false);
  });

  it('checks the unique identifier', () => {
    const notExternal = validateMappings([account({ upsertField: 'Name' })], catalog);
    expect(only(notExternal, 'UPSERT_FIELD_NOT_EXTERNAL_ID')).toMatchObject({
      severity: 'error',
      field: 'Name',
      fix: expect.stringContaining('External_ID__c'),
    });
    const unmapped = validateMappings(
      [account({ fields: [...BASE, 'Name'], upsertField: 'External_ID__c' })],
      catalog,
    );
    expect(only(unmapped, 'UPSERT_FIELD_NOT_MAPPED')).toMatchObject({ severity: 'error' });
    const unknown = validateMappings([account({ upsertField: 'Ghost__c' })], catalog);
    expect(only(unknown, 'UPSERT_FIELD_UNKNOWN')).toMatchObject({ severity: 'error' });
    const missing = validateMappings([account({ upsertField: undefined })], catalog);
    expect(only(missing, 'UPSERT_FIELD_MISSING')).toMatchObject({
      severity: 'warning',
      message: expect.stringContaining('duplicates'),
    });
  });

  it('checks relationship external-ID fields: parent external ID, polymorphic lookups', () => {
    const noExternalId = validateMappings(
      [
        createMapping('Child__c', {
          access: 'read_write',
          fields: [...BASE, 'Name', 'Parent__c', 'Parent__r__Name'],
        }),
      ],
      catalog,
    );
    const parent = only(noExternalId, 'RELATIONSHIP_PARENT_NO_EXTERNAL_ID');
    expect(parent).toMatchObject({ severity: 'error', field: 'Parent__r__Name' });
    expect(parent.fix).toContain('Parent__c has no External ID field');
    expect(parent.fix).toContain('sfid');

    const wrongField = validateMappings(
      [contact({ fields: [...BASE, 'LastName', 'Account__Name'] })],
      catalog,
    );
    expect(only(wrongField, 'RELATIONSHIP_PARENT_NO_EXTERNAL_ID').fix).toBe(
      'Use Account__External_ID__c.',
    );

    const polymorphic = validateMappings(
      [createMapping('Task', { fields: [...BASE, 'Subject', 'What__External_ID__c'] })],
      catalog,
    );
    expect(only(polymorphic, 'RELATIONSHIP_POLYMORPHIC')).toMatchObject({
      severity: 'error',
      field: 'What__External_ID__c',
      message: expect.stringContaining('Account'),
      fix: expect.stringContaining('whatid'),
    });
  });

  it('warns about a self-reference under merged writes and explains the sfid route', () => {
    const selfRef = account({
      fields: [...account().fields, 'ParentId', 'Parent__External_ID__c'],
    });
    const merged = validateMappings([selfRef], catalog, { writeAlgorithm: 'merged' });
    const problem = only(merged, 'SELF_REFERENCE_MERGED');
    expect(problem).toMatchObject({ severity: 'warning', field: 'Parent__External_ID__c' });
    expect(problem.fix).toContain('sfid');
    expect(problem.fix).toContain('parentid');
    expect(validateMappings([selfRef], catalog, { writeAlgorithm: 'ordered' })).toEqual([]);
  });

  it('warns once about a cycle between read-write mappings under merged writes', () => {
    const cyclic = [
      account({
        fields: [...account().fields, 'Primary_Contact__c', 'Primary_Contact__r__External_ID__c'],
      }),
      contact(),
    ];
    const merged = validateMappings(cyclic, catalog, { writeAlgorithm: 'merged' });
    const problem = only(merged, 'CIRCULAR_REFERENCE_MERGED');
    expect(problem.severity).toBe('warning');
    expect(problem.message).toContain('Account -> Contact -> Account');
    expect(problem.fix).toContain('sfid');
    expect(validateMappings(cyclic, catalog, { writeAlgorithm: 'ordered' })).toEqual([]);
    // A read-only side breaks the cycle: its rows never go to Salesforce.
    const oneReadOnly = [cyclic[0]!, contact({ access: 'read_only', upsertField: undefined })];
    expect(codes(validateMappings(oneReadOnly, catalog))).not.toContain(
      'warning:CIRCULAR_REFERENCE_MERGED',
    );
  });

  it('lists fields Salesforce requires on create that a read-write mapping leaves out', () => {
    const problems = validateMappings(
      [contact({ fields: [...BASE, 'External_ID__c', 'Email'] })],
      catalog,
      { writeAlgorithm: 'ordered' },
    );
    expect(only(problems, 'REQUIRED_FIELD_MISSING')).toMatchObject({
      severity: 'warning',
      field: 'LastName',
      fix: 'Add LastName to the fields of Contact.',
    });
    // A master-detail lookup is satisfied by its relationship external-ID field... when the
    // parent has one; Child__c's parent has none, so Parent__c itself is required.
    const child = validateMappings(
      [createMapping('Child__c', { access: 'read_write', fields: [...BASE, 'Name'] })],
      catalog,
    );
    expect(child.filter((p) => p.code === 'REQUIRED_FIELD_MISSING').map((p) => p.field)).toEqual([
      'Parent__c',
    ]);
  });

  it('reports duplicates, odd names, unmapped indexes and unusual polling', () => {
    const problems = validateMappings(
      [
        createMapping('Lead', {
          fields: [...BASE, 'LastName', 'lastname', 'Bad;Name'],
          indexes: [{ field: 'Company', unique: false }],
          sfPollingSeconds: 30,
        }),
        createMapping('lead'),
      ],
      catalog,
    );
    expect(only(problems, 'DUPLICATE_FIELD')).toMatchObject({ field: 'lastname' });
    expect(only(problems, 'DUPLICATE_MAPPING')).toMatchObject({ object: 'lead' });
    expect(only(problems, 'INVALID_NAME')).toMatchObject({ field: 'Bad;Name' });
    expect(only(problems, 'INDEX_FIELD_NOT_MAPPED')).toMatchObject({ field: 'Company' });
    expect(only(problems, 'POLLING_INTERVAL_UNUSUAL')).toMatchObject({ severity: 'warning' });
  });

  it('gives every problem a message and a fix', () => {
    const problems = validateMappings(
      [
        createMapping('Account', {
          access: 'read_write',
          fields: [...BASE, 'BillingAddress', 'Ghost__c', 'ParentId', 'Parent__External_ID__c'],
          upsertField: 'Name',
        }),
        createMapping('Document__c', { fields: [...BASE, 'Body__c'] }),
        createMapping('Thing__e'),
      ],
      catalog,
    );
    expect(problems.length).toBeGreaterThan(4);
    for (const p of problems) {
      expect(p.message.length, p.code).toBeGreaterThan(10);
      expect(p.fix.length, p.code).toBeGreaterThan(5);
      expect(p.object.length).toBeGreaterThan(0);
    }
  });
});
