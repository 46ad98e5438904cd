import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEMO_SCHEMA,
  STANDARD_SCHEMA,
  buildOrgSchema,
  loadSchemaFile,
} from '../../src-main/local-org/schema/build';
import {
  SchemaDefinitionError,
  parseSchemaDefinition,
  type SchemaDefinition,
} from '../../src-main/local-org/schema/definition';
import type { OrgField, OrgSchema } from '../../src-main/local-org/schema/model';

/** The error a call throws; fails the test when it throws none or another kind. */
function schemaError(run: () => unknown): SchemaDefinitionError {
  try {
    run();
  } catch (error) {
    if (error instanceof SchemaDefinitionError) return error;
    throw error;
  }
  throw new Error('expected a SchemaDefinitionError, but nothing was thrown');
}

const parse = (json: unknown, source = 'schema.json') => parseSchemaDefinition(json, source);
const parseError = (json: unknown) => schemaError(() => parse(json)).message;
const oneField = (field: Record<string, unknown>) => ({
  objects: [{ name: 'Invoice__c', fields: [field] }],
});

function fieldOf(schema: OrgSchema, objectName: string, fieldName: string): OrgField {
  const field = schema.object(objectName)?.field(fieldName);
  if (!field) throw new Error(`${objectName}.${fieldName} is missing`);
  return field;
}

const demoOrg = buildOrgSchema([STANDARD_SCHEMA, DEMO_SCHEMA]);
const withUser = (json: unknown) =>
  buildOrgSchema([STANDARD_SCHEMA, DEMO_SCHEMA, parse(json, 'user.json')]);
const buildError = (json: unknown) => schemaError(() => withUser(json)).message;

describe('parseSchemaDefinition: errors name the source, the JSON path and the fix', () => {
  it('refuses an unknown field type and lists the real ones', () => {
    const message = parseError({
      objects: [
        { name: 'A__c' },
        {
          name: 'B__c',
          fields: [
            { name: 'Ok__c', type: 'string' },
            { name: 'X__c', type: 'text' },
          ],
        },
      ],
    });
    expect(message).toBe(
      "schema.json: objects[1].fields[1].type: 'text' is not a field type; use one of string, " +
        'textarea, email, phone, url, picklist, multipicklist, combobox, encryptedstring, ' +
        'boolean, int, long, double, currency, percent, date, datetime, time, base64, ' +
        'reference, masterDetail, address, location',
    );
  });

  it('refuses unknown keys by name and suggests the near one', () => {
    expect(parseError(oneField({ name: 'X__c', type: 'string', lenght: 10 }))).toMatch(
      /^schema\.json: objects\[0\]\.fields\[0\]\.lenght: unknown key; did you mean 'length'\?/,
    );
    expect(parseError({ objekts: [] })).toMatch(
      /^schema\.json: objekts: unknown key; did you mean 'objects'\? The keys here are description, objects, extend, listedOnly$/,
    );
    expect(
      parseError({
        extend: { Account: { fields: [{ name: 'X__c', type: 'string', describe: { bogus: 1 } }] } },
      }),
    ).toMatch(
      /^schema\.json: extend\.Account\.fields\[0\]\.describe\.bogus: unknown key; use one of label,/,
    );
  });

  it('names every problem at once, each with its own path', () => {
    const error = schemaError(() =>
      parse({
        objects: [
          { name: 'Bad Name' },
          {
            name: 'Invoice__c',
            fields: [
              { name: 'X__c', type: 'string', size: 3 },
              { name: 'Y__c', type: 'boolean', required: 'yes' },
            ],
          },
        ],
      }),
    );
    expect(error.problems.map((p) => p.path)).toEqual([
      'objects[0].name',
      'objects[1].fields[0].size',
      'objects[1].fields[1].required',
    ]);
    expect(error.message.split('\n')).toEqual([
      "schema.json: objects[0].name: 'Bad Name' is not an API name: use letters, digits and " +
        'single underscores, starting with a letter (custom objects end in __c)',
      expect.stringMatching(
        /^schema\.json: objects\[1\]\.fields\[0\]\.size: unknown key; use one of name, label, type, length,/,
      ),
      "schema.json: objects[1].fields[1].required: must be true or false (whether a value is needed); found 'yes'",
    ]);
  });

  it('refuses what is not a definition at all', () => {
    expect(parseError([])).toBe(
      'schema.json: a schema definition is one JSON object with "objects", "extend" or ' +
        '"listedOnly"; found a list',
    );
    expect(parseError({ extend: { 'bad key': {} } })).toBe(
      `schema.json: extend.bad key: 'bad key' is not an object name; use an object's API name, like "Account"`,
    );
    expect(parseError({ extend: JSON.parse('{"__proto__": {"fields": []}}') })).toMatch(
      /^schema\.json: extend\.__proto__: /,
    );
  });

  it('checks the rules of each field type', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: 'X__c' }, 'fields[0].type: every field needs a type; use one of string,'],
      [{ name: 'X__c', type: 'string', values: ['a'] }, 'fields[0].values: applies only to picklist'],
      [{ name: 'X__c', type: 'picklist' }, 'fields[0].values: a picklist needs its values'],
      [{ name: 'X__c', type: 'picklist', values: ['a'], default: 'b' }, "fields[0].default: must be one of the field's values (a)"],
      [{ name: 'X__c', type: 'reference' }, 'fields[0].referenceTo: a lookup needs the objects it points at'],
      [{ name: 'X__c', type: 'masterDetail', referenceTo: ['A', 'B'] }, 'fields[0].referenceTo: a masterDetail points at exactly one master'],
      [{ name: 'X__c', type: 'reference', referenceTo: ['Account'], relationshipName: 'Acc' }, "fields[0].relationshipName: a custom lookup's relationship name ends in __r; use Acc__r"],
      [{ name: 'X__c', type: 'string', length: -1 }, 'fields[0].length: must not be negative (characters); found -1'],
      [{ name: 'X__c', type: 'date', length: 10 }, 'fields[0].length: applies only to text, picklist and base64 fields, not to a date field'],
      [{ name: 'X__c', type: 'currency', precision: 19 }, 'fields[0].precision: must be 18 or less'],
      [{ name: 'Id', type: 'string' }, 'fields[0].name: Id is a system field the server adds to every object; remove it'],
      [{ name: 'X__c', type: 'textarea', formula: 'Name' }, 'fields[0].type: a formula returns one of string,'],
      [{ name: 'X__c', type: 'string', formula: 'Name', required: true }, 'fields[0].required: does not apply to a formula field'],
      [{ name: 'X__c', rollup: { operation: 'AVG', childObject: 'B__c', relationshipField: 'A__c' } }, "fields[0].rollup.operation: 'AVG' is not an operation; use one of COUNT, SUM, MIN, MAX"],
      [{ name: 'X__c', rollup: { operation: 'COUNT', childObject: 'B__c', relationshipField: 'A__c', field: 'C__c' } }, 'fields[0].rollup.field: a COUNT counts detail records; remove "field"'],
      [{ name: 'X__c', rollup: { operation: 'SUM', childObject: 'B__c', relationshipField: 'A__c' } }, 'fields[0].rollup.field: a SUM needs the detail field it aggregates'],
      [{ name: 'X__c', type: 'boolean', externalId: true }, 'fields[0].externalId: applies only to string, email, int, long, double fields'],
    ]; // prettier-ignore
    for (const [field, expected] of cases) {
      expect(parseError(oneField(field)), JSON.stringify(field)).toContain(
        `schema.json: objects[0].${expected}`,
      );
    }
  });

  it('checks key prefixes', () => {
    expect(parseError({ objects: [{ name: 'A__c', keyPrefix: '0011' }] })).toBe(
      `schema.json: objects[0].keyPrefix: '0011' must be three letters or digits, like "001" or "a05"`,
    );
  });
});

describe('loadSchemaFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'local-org-schema-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a file and names it in errors', () => {
    const file = join(dir, 'good.json');
    writeFileSync(file, JSON.stringify(oneField({ name: 'Total__c', type: 'currency' })));
    const definition = loadSchemaFile(file);
    expect(definition.source).toBe(file);
    expect(definition.objects[0]?.fields[0]?.name).toBe('Total__c');

    writeFileSync(file, JSON.stringify(oneField({ name: 'Total__c', type: 'money' })));
    expect(schemaError(() => loadSchemaFile(file)).message).toMatch(
      new RegExp(
        `^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: objects\\[0\\]\\.fields\\[0\\]\\.type: 'money' is not a field type`,
      ),
    );
  });

  it('says where JSON syntax breaks, by line and column', () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{\n  "objects": [\n    { "name": "A__c", }\n  ]\n}\n');
    const message = schemaError(() => loadSchemaFile(file)).message;
    expect(message).toMatch(
      /broken\.json: line 3, column 23: not valid JSON \(.+\); fix the syntax there$/,
    );
    expect(message).not.toMatch(/position/);

    writeFileSync(file, '{\n  "objects": [\n');
    expect(schemaError(() => loadSchemaFile(file)).message).toMatch(
      /broken\.json: line 3, column 1: not valid JSON/,
    );
  });

  it('says a missing file is missing', () => {
    expect(schemaError(() => loadSchemaFile(join(dir, 'nope.json'))).message).toBe(
      `${join(dir, 'nope.json')}: no such file; check the path given to --schema`,
    );
  });
});

describe('buildOrgSchema: defaults keep a custom schema file short', () => {
  const org = withUser({
    objects: [
      {
        name: 'Invoice__c',
        fields: [
          { name: 'Account__c', type: 'reference', referenceTo: ['account'] },
          { name: 'Total__c', type: 'currency' },
          { name: 'Memo__c', type: 'string' },
          { name: 'Status__c', type: 'picklist', values: ['Open', { value: 'Paid', label: 'Paid in full' }], default: 'Open' },
          { name: 'Site__c', type: 'location', scale: 6 },
        ],
      },
      {
        name: 'Invoice_Line__c',
        fields: [
          { name: 'Invoice__c', type: 'masterDetail', referenceTo: ['Invoice__c'] },
          { name: 'Amount__c', type: 'currency', precision: 16 },
        ],
      },
    ],
    extend: {
      Invoice__c: {
        fields: [
          { name: 'Line_Total__c', rollup: { operation: 'SUM', childObject: 'Invoice_Line__c', relationshipField: 'Invoice__c', field: 'Amount__c' } },
          { name: 'Line_Count__c', rollup: { operation: 'COUNT', childObject: 'Invoice_Line__c', relationshipField: 'Invoice__c' } },
        ],
      },
    },
  }); // prettier-ignore
  const invoice = org.object('invoice__C');

  it('derives labels, a Name field and an owner', () => {
    expect(invoice).toMatchObject({
      name: 'Invoice__c',
      label: 'Invoice',
      labelPlural: 'Invoices',
    });
    expect(org.object('Invoice_Line__c')?.labelPlural).toBe('Invoice Lines');
    expect(fieldOf(org, 'Invoice__c', 'Name').describe).toMatchObject({
      label: 'Invoice Name', length: 80, nameField: true, defaultedOnCreate: true, createable: true,
    }); // prettier-ignore
    expect(fieldOf(org, 'Invoice__c', 'OwnerId').describe.referenceTo).toEqual(['Group', 'User']);
    // A detail belongs to its master's owner.
    expect(org.object('Invoice_Line__c')?.field('OwnerId')).toBeUndefined();
    expect(invoice?.fields.map((f) => f.name)).toEqual([
      'Id', 'IsDeleted', 'Name', 'OwnerId', 'CreatedDate', 'CreatedById', 'LastModifiedDate',
      'LastModifiedById', 'SystemModstamp', 'Account__c', 'Total__c', 'Memo__c', 'Status__c',
      'Site__Latitude__s', 'Site__Longitude__s', 'Site__c', 'Line_Total__c', 'Line_Count__c',
    ]); // prettier-ignore
  });

  it('fills in lengths, numbers, picklists and relationship names', () => {
    expect(fieldOf(org, 'Invoice__c', 'Memo__c').describe).toMatchObject({
      length: 255,
      byteLength: 765,
    });
    expect(fieldOf(org, 'Invoice__c', 'Total__c').describe).toMatchObject({
      precision: 18,
      scale: 2,
    });
    expect(fieldOf(org, 'Invoice__c', 'Status__c').describe).toMatchObject({
      length: 255,
      defaultedOnCreate: true,
      picklistValues: [
        { active: true, defaultValue: true, label: 'Open', validFor: null, value: 'Open' },
        { active: true, defaultValue: false, label: 'Paid in full', validFor: null, value: 'Paid' },
      ],
    });
    expect(fieldOf(org, 'Invoice__c', 'Account__c').describe).toMatchObject({
      referenceTo: ['Account'], // written 'account'; the schema's spelling wins
      relationshipName: 'Account__r',
    });
    expect(org.catalog.childRelationship('Account', 'Invoices__r')).toMatchObject({
      childSObject: 'Invoice__c',
      field: 'Account__c',
    });
    expect(org.object('Invoice__c')?.childRelationships).toContainEqual(
      expect.objectContaining({ relationshipName: 'Invoice_Lines__r', cascadeDelete: true }),
    );
  });

  it('expands a location into stored components and an unstored compound', () => {
    expect(fieldOf(org, 'Invoice__c', 'Site__Latitude__s')).toMatchObject({
      stored: true,
      describe: { type: 'double', scale: 6, compoundFieldName: 'Site__c', custom: true },
    });
    expect(fieldOf(org, 'Invoice__c', 'Site__c')).toMatchObject({
      stored: false,
      describe: { type: 'location', createable: false },
    });
  });

  it('types a SUM like the field it adds up and a COUNT as double 18/0', () => {
    expect(fieldOf(org, 'Invoice__c', 'Line_Total__c')).toMatchObject({
      type: 'currency',
      stored: false,
      rollup: { operation: 'SUM', childObject: 'Invoice_Line__c', relationshipField: 'Invoice__c', field: 'Amount__c' },
      describe: { type: 'currency', precision: 16, scale: 2, calculated: true, calculatedFormula: null },
    }); // prettier-ignore
    expect(fieldOf(org, 'Invoice__c', 'Line_Count__c').describe).toMatchObject({
      type: 'double', precision: 18, scale: 0, calculated: true, createable: false, updateable: false,
    }); // prettier-ignore
  });
});

describe('buildOrgSchema: merging in order', () => {
  it('builds the standard set alone, without the demo fields', () => {
    const standard = buildOrgSchema([STANDARD_SCHEMA]);
    expect(standard.objects.map((o) => o.name)).toEqual([
      'Account', 'Campaign', 'CampaignMember', 'Case', 'Contact', 'Event', 'Lead', 'Opportunity',
      'OpportunityLineItem', 'Pricebook2', 'PricebookEntry', 'Product2', 'Task', 'User',
    ]); // prettier-ignore
    expect(standard.object('Account')?.field('External_ID__c')).toBeUndefined();
    expect(standard.object('Opportunity')?.validationRules).toEqual([]);
    expect(standard.listedOnly.map((o) => o.name)).toEqual([
      'Asset', 'Contract', 'Group', 'Order', 'Profile', 'RecordType', 'UserRole',
    ]); // prettier-ignore
  });

  it('lets a later definition add fields and rules to an earlier object', () => {
    const org = withUser({
      extend: {
        Account: {
          fields: [{ name: 'Rating', type: 'picklist', values: ['Hot', 'Cold'] }, { name: 'Tier__c', type: 'int' }],
          validationRules: [{ name: 'Tier_Range', condition: 'Tier__c > 3', message: 'Tier is 1-3', field: 'tier__c', active: false }],
        },
      },
    }); // prettier-ignore
    const names = org.object('Account')?.fields.map((f) => f.name) ?? [];
    // Standard fields join the standard block, custom ones follow the earlier custom fields.
    expect(names.indexOf('Rating')).toBe(names.indexOf('Description') + 1);
    expect(names.slice(-3)).toEqual(['External_ID__c', 'Primary_Contact__c', 'Tier__c']);
    expect(fieldOf(org, 'Account', 'Tier__c').describe).toMatchObject({ type: 'int', digits: 9 });
    expect(org.object('Account')?.validationRules).toEqual([
      { name: 'Tier_Range', condition: 'Tier__c > 3', message: 'Tier is 1-3', field: 'Tier__c', active: false },
    ]); // prettier-ignore
  });

  it('turns a listed-only object into a described one, keeping its key prefix and labels', () => {
    const org = withUser({
      objects: [{ name: 'Asset', fields: [{ name: 'SerialNumber', type: 'string', length: 80 }] }],
    });
    expect(org.object('Asset')).toMatchObject({
      keyPrefix: '02i',
      label: 'Asset',
      labelPlural: 'Assets',
    });
    expect(org.listedOnly.map((o) => o.name)).not.toContain('Asset');
    expect(org.describeGlobal('59.0').sobjects.filter((o) => o.name === 'Asset')).toHaveLength(1);
    // Task.WhatId can point at Asset, so Asset now lists Tasks.
    expect(org.catalog.childRelationship('Asset', 'Tasks')?.field).toBe('WhatId');
  });

  it('names both sides of a clash', () => {
    expect(buildError({ extend: { Account: { fields: [{ name: 'external_id__c', type: 'string' }] } } })).toBe(
      'user.json: extend.Account.fields[0]: field external_id__c is defined twice on Account: here and at demo.json: extend.Account.fields[0]; rename or remove one',
    );
    expect(buildError({ objects: [{ name: 'Account', keyPrefix: '0A1' }] })).toBe(
      'user.json: objects[0].name: object Account is already defined at standard.json: objects[0]; to add fields to it use "extend": {"Account": {"fields": [...]}}',
    );
    expect(buildError({ objects: [{ name: 'Foo__c', fields: [{ name: 'Bar__c', type: 'reference', referenceTo: ['Nope'] }] }] })).toBe(
      'user.json: objects[0].fields[0].referenceTo[0]: Foo__c.Bar__c points at Nope, which no definition has; define Nope (under "objects" or "listedOnly") or fix the name',
    );
    expect(buildError({ objects: [{ name: 'Foo__c', keyPrefix: '00e' }] })).toBe(
      'user.json: objects[0].keyPrefix: key prefix 00e of Foo__c is already used by Profile (standard.json: listedOnly[4]); give one of them another prefix',
    );
    expect(buildError({ objects: [{ name: 'Foo__c', fields: [{ name: 'N__c', rollup: { operation: 'COUNT', childObject: 'Contact', relationshipField: 'AccountId' } }] }] })).toBe(
      'user.json: objects[0].fields[0].rollup.relationshipField: Contact.AccountId (standard.json: objects[1].fields[0]) is not a master-detail to Foo__c; a roll-up needs the detail side of a master-detail, so make it "type": "masterDetail" with "referenceTo": ["Foo__c"]',
    );
    expect(buildError({ extend: { Account: { fields: [{ name: 'Foo', type: 'reference', referenceTo: ['Contact'], relationshipName: 'Contacts' }] } } })).toBe(
      "user.json: extend.Account.fields[0]: relationship 'Contacts' of Foo on Account clashes with child relationship 'Contacts' from Contact.AccountId (standard.json: objects[1].fields[0]); relationship names must differ, so rename one",
    );
  }); // prettier-ignore

  it('refuses extending what is not there and fields a custom object cannot have', () => {
    expect(buildError({ objects: [{ name: 'Invoice' }] })).toBe(
      'user.json: objects[0].keyPrefix: standard object Invoice needs its keyPrefix (e.g. "001" for Account); only custom objects (__c) get one assigned',
    );
    expect(buildError({ extend: { Acount: { fields: [] } } })).toBe(
      'user.json: extend.Acount: no object named Acount is defined before this; define it under "objects" or check the spelling',
    );
    expect(buildError({ extend: { Group: { fields: [] } } })).toBe(
      'user.json: extend.Group: Group is listed only (standard.json: listedOnly[2]), so it has no fields to extend; define it under "objects" instead',
    );
    expect(buildError({ objects: [{ name: 'Foo__c', fields: [{ name: 'Bar', type: 'string' }] }] })).toBe(
      'user.json: objects[0].fields[0].name: fields of custom object Foo__c end in __c (only Name has no suffix); rename it Bar__c',
    );
    expect(buildError({ extend: { Opportunity: { validationRules: [{ name: 'amount_not_negative', condition: 'true', message: 'm' }] } } })).toBe(
      'user.json: extend.Opportunity.validationRules[0].name: validation rule amount_not_negative is defined twice on Opportunity: here and at demo.json: extend.Opportunity.validationRules[0]; rename one',
    );
    expect(buildError({ extend: { Account: { validationRules: [{ name: 'R', condition: 'true', message: 'm', field: 'Nope' }] } } })).toBe(
      'user.json: extend.Account.validationRules[0].field: Account has no field Nope to report the error on; name one of its fields, or leave "field" out to report on the record',
    );
  }); // prettier-ignore
});

describe('buildOrgSchema: key prefixes', () => {
  const custom = (name: string, keyPrefix?: string) => ({
    name,
    ...(keyPrefix ? { keyPrefix } : {}),
  });

  it('gives custom objects a00, a01 … in name order, skipping taken prefixes', () => {
    const org = withUser({
      objects: [custom('Zebra__c'), custom('Apple__c'), custom('Mango__c', 'a01'), custom('Kiwi__c')],
    });
    const prefixes = Object.fromEntries(org.objects.filter((o) => o.custom).map((o) => [o.name, o.keyPrefix]));
    expect(prefixes).toEqual({ Apple__c: 'a00', Kiwi__c: 'a02', Mango__c: 'a01', Zebra__c: 'a03' });
    expect(org.objectByKeyPrefix('a02')?.name).toBe('Kiwi__c');
  }); // prettier-ignore

  it('counts in base 62 past a09', () => {
    const names = Array.from({ length: 12 }, (_, i) =>
      custom(`Obj${String(i).padStart(2, '0')}__c`),
    );
    const org = withUser({ objects: names });
    expect(org.object('Obj10__c')?.keyPrefix).toBe('a0A');
    expect(org.object('Obj11__c')?.keyPrefix).toBe('a0B');
  });

  it('tells prefixes apart by case, as record ids do', () => {
    expect(demoOrg.objectByKeyPrefix('001')?.name).toBe('Account');
    expect(demoOrg.objectByKeyPrefix('00T')?.name).toBe('Task');
    expect(demoOrg.objectByKeyPrefix('00t')).toBeUndefined();
    expect(demoOrg.listedOnly.find((o) => o.keyPrefix === '00e')?.name).toBe('Profile');
    expect(demoOrg.listedOnly.find((o) => o.keyPrefix === '00E')?.name).toBe('UserRole');
  });
});

describe('OrgSchema: describes carry the request API version', () => {
  it('puts the version into every url of a describe', () => {
    const v59 = demoOrg.describe('account', '59.0');
    const v62 = demoOrg.describe('Account', '62.0');
    expect(v59?.urls).toEqual({
      sobject: '/services/data/v59.0/sobjects/Account',
      describe: '/services/data/v59.0/sobjects/Account/describe',
      rowTemplate: '/services/data/v59.0/sobjects/Account/{ID}',
    });
    expect(v62?.urls.sobject).toBe('/services/data/v62.0/sobjects/Account');
    expect(v62?.recordTypeInfos[0]?.urls.layout).toBe(
      '/services/data/v62.0/sobjects/Account/describe/layouts/012000000000000AAA',
    );
    expect(v59?.fields).toEqual(v62?.fields);
    expect(demoOrg.describe('Account', '59.0')).toBe(v59); // cached per version
    expect(demoOrg.describe('Group', '59.0')).toBeUndefined();
    expect(demoOrg.describe('NoSuchObject', '59.0')).toBeUndefined();
  });

  it('puts the version into every url of describeGlobal', () => {
    const body = demoOrg.describeGlobal('60.0');
    expect(body).toMatchObject({ encoding: 'UTF-8', maxBatchSize: 200 });
    expect(body.sobjects.map((o) => o.name)).toEqual([...body.sobjects.map((o) => o.name)].sort());
    expect(body.sobjects).toHaveLength(14 + 7);
    for (const entry of body.sobjects) {
      for (const url of Object.values(entry.urls)) {
        expect(url).toMatch(new RegExp(`^/services/data/v60\\.0/sobjects/${entry.name}(/|$)`));
      }
    }
    expect(demoOrg.describeGlobal('61.0').sobjects[0]?.urls.sobject).toContain('/v61.0/');
  });
});

describe('OrgSchema: the standard set and the demo additions', () => {
  const childNames = (parent: string) =>
    demoOrg
      .object(parent)
      ?.childRelationships.map((c) => `${c.childSObject}.${c.field}:${c.relationshipName}`);

  it('names child relationships as a real org does', () => {
    expect(childNames('Account')).toEqual(
      expect.arrayContaining([
        'Contact.AccountId:Contacts', 'Opportunity.AccountId:Opportunities', 'Case.AccountId:Cases',
        'Account.ParentId:ChildAccounts', 'Task.WhatId:Tasks', 'Event.WhatId:Events',
      ]),
    );
    expect(childNames('Opportunity')).toContain('OpportunityLineItem.OpportunityId:OpportunityLineItems');
    expect(childNames('Contact')).toContain('Account.Primary_Contact__c:Primary_Accounts__r');
    expect(demoOrg.catalog.childRelationship('contact', 'primary_accounts__r')?.childSObject).toBe('Account');
    expect(demoOrg.catalog.parentRelationship('Account', 'Primary_Contact__r')?.referenceTo).toEqual(['Contact']);
  }); // prettier-ignore

  it('makes WhoId and WhatId polymorphic, listed on every described target', () => {
    for (const activity of ['Task', 'Event']) {
      expect(fieldOf(demoOrg, activity, 'WhoId').describe).toMatchObject({
        referenceTo: ['Contact', 'Lead'], relationshipName: 'Who', polymorphicForeignKey: true, namePointing: true,
      }); // prettier-ignore
      expect(fieldOf(demoOrg, activity, 'WhatId').describe.referenceTo).toEqual([
        'Account', 'Asset', 'Campaign', 'Case', 'Contract', 'Opportunity', 'Order',
      ]); // prettier-ignore
    }
    expect(childNames('Lead')).toEqual(expect.arrayContaining(['Task.WhoId:Tasks', 'Event.WhoId:Events']));
    expect(fieldOf(demoOrg, 'Account', 'OwnerId').describe.polymorphicForeignKey).toBe(false);
  }); // prettier-ignore

  it('gives standard fields their real types', () => {
    const types = (object: string, names: string[]) =>
      names.map((name) => fieldOf(demoOrg, object, name).describe.type);
    expect(types('Account', ['Industry', 'AnnualRevenue', 'Phone', 'Website', 'Description', 'ParentId'])).toEqual(
      ['picklist', 'currency', 'phone', 'url', 'textarea', 'reference'],
    );
    expect(types('Contact', ['Email', 'Birthdate', 'DoNotCall'])).toEqual(['email', 'date', 'boolean']);
    expect(fieldOf(demoOrg, 'Account', 'Description').describe).toMatchObject({ length: 32000, filterable: false });
    expect(fieldOf(demoOrg, 'Case', 'CaseNumber').describe).toMatchObject({
      autoNumber: true, createable: false, nillable: false, defaultedOnCreate: true, idLookup: true,
    });
  }); // prettier-ignore

  it('adds the demo external ids and the circular lookup', () => {
    for (const object of ['Account', 'Contact']) {
      expect(fieldOf(demoOrg, object, 'External_ID__c').describe).toMatchObject({
        type: 'string', length: 36, externalId: true, unique: true, idLookup: true, custom: true,
      }); // prettier-ignore
    }
    expect(fieldOf(demoOrg, 'Account', 'Primary_Contact__c').describe).toMatchObject({
      referenceTo: ['Contact'],
      relationshipName: 'Primary_Contact__r',
    });
  });

  it('marks formulas and roll-ups calculated and read-only, and stores neither', () => {
    expect(fieldOf(demoOrg, 'Contact', 'Account_Industry__c')).toMatchObject({
      formula: 'TEXT(Account.Industry)',
      rollup: null,
      stored: false,
      describe: {
        type: 'string', length: 1300, calculated: true, calculatedFormula: 'TEXT(Account.Industry)',
        createable: false, updateable: false, nillable: true,
      },
    }); // prettier-ignore
    expect(fieldOf(demoOrg, 'Opportunity', 'Line_Item_Count__c')).toMatchObject({
      type: 'double',
      formula: null,
      stored: false,
      rollup: { operation: 'COUNT', childObject: 'OpportunityLineItem', relationshipField: 'OpportunityId', field: null },
      describe: {
        precision: 18, scale: 0, calculated: true, calculatedFormula: null, createable: false,
        updateable: false, defaultedOnCreate: false,
      },
    }); // prettier-ignore
    expect(fieldOf(demoOrg, 'Account', 'BillingAddress').stored).toBe(false);
    expect(fieldOf(demoOrg, 'Account', 'BillingCity').stored).toBe(true);
    expect(fieldOf(demoOrg, 'Account', 'Name').stored).toBe(true);
  });

  it('carries the demo validation rule on Opportunity', () => {
    expect(demoOrg.object('Opportunity')?.validationRules).toEqual([
      {
        name: 'Amount_Not_Negative',
        condition: 'Amount < 0',
        message: 'Amount must not be negative',
        field: 'Amount',
        active: true,
      },
    ]);
  });

  it('keeps the parsed definitions as data', () => {
    const definitions: SchemaDefinition[] = [STANDARD_SCHEMA, DEMO_SCHEMA];
    expect(definitions.map((d) => d.source)).toEqual(['standard.json', 'demo.json']);
    expect(STANDARD_SCHEMA.objects).toHaveLength(14);
  });
});
