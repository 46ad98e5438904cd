import { describe, expect, it } from 'vitest';
import {
  ConnectExportError,
  createMapping,
  formatConnectExport,
  mergeMappingDocuments,
  parseConnectExport,
  toConnectExport,
  writeAlgorithmOf,
  type MappingDocument,
} from '../../src-shared/mapping';

/** A 2023-style export (shape of reference §5.2/§5.4) with unknown keys at every level. */
function modernExport() {
  return {
    mappings: [
      {
        object_name: 'Account',
        config: {
          upsert_field: 'External_ID__c',
          access: 'read_write',
          sf_notify_enabled: true,
          sf_polling_seconds: 120,
          sf_max_daily_api_calls: 30000,
          fields: {
            Id: {},
            Name: {},
            External_ID__c: {},
            SystemModstamp: {},
            IsDeleted: {},
            CreatedDate: {},
            Future_Field__c: { x_field_option: 'kept' },
          },
          indexes: {
            Id: { unique: true },
            SystemModstamp: { unique: false },
            External_ID__c: { unique: true, x_index_option: [1, 2] },
          },
          applied_at: '2023-04-05T06:07:08.123456Z',
          x_config_key: { nested: [true, null] },
        },
        x_mapping_key: 'mapping-level',
      },
      {
        object_name: 'Contact',
        config: {
          access: 'read_only',
          sf_notify_enabled: false,
          sf_polling_seconds: 600,
          sf_max_daily_api_calls: 30000,
          fields: { Id: {}, LastName: {}, Account__External_ID__c: {}, SystemModstamp: {} },
          indexes: { Id: { unique: true }, SystemModstamp: { unique: false } },
        },
      },
    ],
    x_top_key: 42,
    version: 1,
    connection: {
      app_name: 'CHANGE-ME',
      organization_id: '00D000000000001EAA',
      exported_at: '2023-04-05T06:07:08.681265+00:00',
      features: {
        disable_bulk_writes: false,
        poll_db_no_merge: true,
        poll_external_ids: false,
        rest_count_only: false,
        ucs_basic_collation_index: true,
        x_future_flag: 'on',
      },
      api_version: '57.0',
      name: 'electron-motors-site:DATABASE_URL:salesforce',
      logplex_log_enabled: false,
      x_connection_key: { a: 1 },
    },
  };
}

/** A 2015-style export: no features, no indexes, no applied_at. */
function oldExport() {
  return {
    version: 1,
    connection: {
      organization_id: '00D000000000002EAA',
      app_name: 'old-app',
      exported_at: '2016-02-04T08:25:16.681265+00:00',
    },
    mappings: [
      {
        object_name: 'Contact',
        config: {
          access: 'read_write',
          sf_notify_enabled: false,
          sf_polling_seconds: 120,
          sf_max_daily_api_calls: 30000,
          fields: { Id: {}, LastName: {}, MailingStreet: {}, location__Latitude__s: {} },
        },
      },
    ],
  };
}

function roundTrip(value: unknown): unknown {
  return JSON.parse(JSON.stringify(toConnectExport(parseConnectExport(JSON.stringify(value)))));
}

describe('parseConnectExport', () => {
  it('reads the connection, its write algorithm and every mapping option', () => {
    const doc = parseConnectExport(JSON.stringify(modernExport()));
    expect(doc.version).toBe(1);
    expect(doc.connection).toMatchObject({
      writeAlgorithm: 'ordered',
      organizationId: '00D000000000001EAA',
      appName: 'CHANGE-ME',
      apiVersion: '57.0',
      name: 'electron-motors-site:DATABASE_URL:salesforce',
      logplexLogEnabled: false,
      features: { ucs_basic_collation_index: true, x_future_flag: 'on', poll_db_no_merge: true },
    });
    expect(writeAlgorithmOf(doc)).toBe('ordered');
    const [account, contact] = doc.mappings;
    expect(account).toMatchObject({
      objectName: 'Account',
      access: 'read_write',
      upsertField: 'External_ID__c',
      sfNotifyEnabled: true,
      sfPollingSeconds: 120,
      sfMaxDailyApiCalls: 30000,
      appliedAt: '2023-04-05T06:07:08.123456Z',
      fields: [
        'Id',
        'Name',
        'External_ID__c',
        'SystemModstamp',
        'IsDeleted',
        'CreatedDate',
        'Future_Field__c',
      ],
      indexes: [
        { field: 'Id', unique: true },
        { field: 'SystemModstamp', unique: false },
        { field: 'External_ID__c', unique: true },
      ],
    });
    expect(contact?.access).toBe('read_only');
    expect(contact?.upsertField).toBeUndefined();
    expect(contact?.fields).toContain('Account__External_ID__c');
  });

  it('takes a missing poll_db_no_merge (every export before 2019) as merged writes', () => {
    const doc = parseConnectExport(oldExport());
    expect(writeAlgorithmOf(doc)).toBe('merged');
    expect(doc.mappings[0]?.indexes).toBeUndefined();
    const bare = parseConnectExport({ version: 1, mappings: [] });
    expect(bare.connection).toBeUndefined();
    expect(writeAlgorithmOf(bare)).toBe('merged');
  });

  it('fills Heroku Connect defaults for options a file leaves out', () => {
    const doc = parseConnectExport({
      version: 1,
      mappings: [{ object_name: 'Lead', config: { fields: { Id: {} } } }],
    });
    expect(doc.mappings[0]).toMatchObject({
      access: 'read_only',
      sfPollingSeconds: 600,
      sfNotifyEnabled: false,
      sfMaxDailyApiCalls: 30000,
    });
  });

  it('names the JSON path, the expectation and what was found for every problem', () => {
    const bad = modernExport() as Record<string, unknown>;
    const mappings = bad.mappings as Array<{ config: Record<string, unknown> }>;
    mappings[0]!.config.access = 'rw';
    mappings[1]!.config.sf_polling_seconds = '600';
    delete mappings[1]!.config.fields;
    let caught: unknown;
    try {
      parseConnectExport(JSON.stringify(bad));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConnectExportError);
    const problems = (caught as ConnectExportError).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        {
          path: 'mappings[0].config.access',
          message: 'access must be "read_only" or "read_write"; found "rw"',
        },
        {
          path: 'mappings[1].config.sf_polling_seconds',
          message: 'sf_polling_seconds must be a number of seconds; found "600"',
        },
        {
          path: 'mappings[1].config.fields',
          message: expect.stringMatching(/^fields must be an object .*, but it is missing$/),
        },
      ]),
    );
    expect(problems).toHaveLength(3);
    expect((caught as Error).message).toContain('mappings[0].config.access: access must be');
  });

  it('explains files that are not exports at all', () => {
    expect(() => parseConnectExport('{"version": 1, "mappings": [')).toThrow(
      /\(file\): not valid JSON/,
    );
    expect(() => parseConnectExport('[]')).toThrow(
      /\(top level\): the file must hold one JSON object/,
    );
    expect(() => parseConnectExport({ version: 2, mappings: [] })).toThrow(
      /version: version must be 1 .*; found 2/,
    );
    expect(() =>
      parseConnectExport({ version: 1, mappings: [{ object_name: '', config: { fields: {} } }] }),
    ).toThrow(/mappings\[0\]\.object_name: object_name must not be empty/);
    expect(() =>
      parseConnectExport({
        version: 1,
        mappings: [
          { object_name: 'A', config: { fields: { 'Odd key': 5 }, indexes: { Id: 'x' } } },
        ],
      }),
    ).toThrow(/mappings\[0\]\.config\.fields\["Odd key"\]: each field must map to an object/);
  });
});

describe('toConnectExport', () => {
  it('round-trips a modern export: unknown keys at every level, key order, values', () => {
    const original = modernExport();
    const text = formatConnectExport(parseConnectExport(JSON.stringify(original)));
    expect(JSON.parse(text)).toEqual(original);
    // Same key order too, so a diff of the file shows nothing.
    expect(text).toBe(`${JSON.stringify(original, null, 2)}\n`);
  });

  it('round-trips an old export and a bare one without adding keys', () => {
    expect(JSON.stringify(roundTrip(oldExport()))).toBe(JSON.stringify(oldExport()));
    const bare = { version: 1, mappings: [{ object_name: 'Lead', config: { fields: {} } }] };
    expect(JSON.stringify(roundTrip(bare))).toBe(JSON.stringify(bare));
  });

  it('keeps nulls a file carries for options it leaves unset', () => {
    const withNulls = {
      version: 1,
      connection: { organization_id: null, features: null },
      mappings: [
        {
          object_name: 'Lead',
          config: { access: 'read_only', fields: { Id: {} }, upsert_field: null, indexes: null },
        },
      ],
    };
    expect(JSON.stringify(roundTrip(withNulls))).toBe(JSON.stringify(withNulls));
  });

  it('writes edits back in place and keeps the unknown keys around them', () => {
    const doc = parseConnectExport(modernExport());
    const account = doc.mappings[0]!;
    account.access = 'read_only';
    account.upsertField = undefined;
    account.fields = account.fields.filter((f) => f !== 'Name').concat('Phone');
    account.indexes = [...(account.indexes ?? []), { field: 'Phone', unique: false }];
    account.sfPollingSeconds = 900;
    doc.connection!.writeAlgorithm = 'merged';
    const out = toConnectExport(doc) as unknown as ReturnType<typeof modernExport>;
    const config = out.mappings[0]!.config as Record<string, unknown>;
    expect(config.access).toBe('read_only');
    expect(config).not.toHaveProperty('upsert_field');
    expect(config.sf_polling_seconds).toBe(900);
    expect(Object.keys(config.fields as object)).toEqual([
      'Id',
      'External_ID__c',
      'SystemModstamp',
      'IsDeleted',
      'CreatedDate',
      'Future_Field__c',
      'Phone',
    ]);
    expect((config.fields as Record<string, unknown>).Future_Field__c).toEqual({
      x_field_option: 'kept',
    });
    expect(config.indexes).toEqual({
      Id: { unique: true },
      SystemModstamp: { unique: false },
      External_ID__c: { unique: true, x_index_option: [1, 2] },
      Phone: { unique: false },
    });
    expect(config.x_config_key).toEqual({ nested: [true, null] });
    expect(out.mappings[0]!.x_mapping_key).toBe('mapping-level');
    expect(out.connection.features.poll_db_no_merge).toBe(false);
    expect(out.connection.features.x_future_flag).toBe('on');
    expect(out.x_top_key).toBe(42);
  });

  it('turns ordered writes into features.poll_db_no_merge: true', () => {
    const doc = parseConnectExport(oldExport());
    doc.connection!.writeAlgorithm = 'ordered';
    const out = toConnectExport(doc) as { connection: Record<string, unknown> };
    expect(out.connection.features).toEqual({ poll_db_no_merge: true });
    // And merged again with no flag in the source writes no flag.
    doc.connection!.writeAlgorithm = 'merged';
    expect(toConnectExport(doc).connection).not.toHaveProperty('features');
  });

  it('writes a new document in Heroku Connect shape with every default spelled out', () => {
    const doc: MappingDocument = {
      version: 1,
      mappings: [
        createMapping('Vehicle__c', {
          access: 'read_write',
          fields: ['Id', 'Web_ID__c'],
          upsertField: 'Web_ID__c',
          indexes: [{ field: 'Web_ID__c', unique: true }],
        }),
      ],
    };
    expect(toConnectExport(doc)).toEqual({
      version: 1,
      mappings: [
        {
          object_name: 'Vehicle__c',
          config: {
            access: 'read_write',
            sf_notify_enabled: false,
            sf_polling_seconds: 600,
            sf_max_daily_api_calls: 30000,
            fields: { Id: {}, Web_ID__c: {} },
            indexes: { Web_ID__c: { unique: true } },
            upsert_field: 'Web_ID__c',
          },
        },
      ],
    });
  });

  it('round-trips hostile names as plain data (quotes, semicolons, unicode, __proto__)', () => {
    const hostile = {
      version: 1,
      mappings: [
        {
          object_name: 'Robert"); DROP TABLE students;--',
          config: {
            access: 'read_write',
            fields: {
              Id: {},
              "a'b;c": {},
              // Computed, so the literal defines the key instead of setting the prototype.
              ['__proto__']: { polluted: true },
              naïve_名前__c: {},
              'x"y\\z': {},
              '': {},
            },
            indexes: { "a'b;c": { unique: true } },
            upsert_field: "a'b;c",
          },
        },
      ],
    };
    const text = JSON.stringify(hostile);
    const doc = parseConnectExport(text);
    expect(doc.mappings[0]!.objectName).toBe('Robert"); DROP TABLE students;--');
    expect(doc.mappings[0]!.fields).toEqual([
      'Id',
      "a'b;c",
      '__proto__',
      'naïve_名前__c',
      'x"y\\z',
      '',
    ]);
    const out = toConnectExport(doc);
    expect(JSON.stringify(out)).toBe(text);
    const fields = (out.mappings as Array<{ config: { fields: object } }>)[0]!.config.fields;
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
    expect(Object.hasOwn(fields, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('mergeMappingDocuments', () => {
  it('applies a file like a PATCH: named mappings replaced, others kept', () => {
    const applied = parseConnectExport(modernExport());
    const incoming = parseConnectExport({
      version: 1,
      mappings: [
        { object_name: 'contact', config: { access: 'read_write', fields: { Id: {}, Email: {} } } },
        { object_name: 'Lead', config: { fields: { Id: {} } } },
      ],
    });
    const merged = mergeMappingDocuments(applied, incoming);
    expect(merged.mappings.map((m) => [m.objectName, m.access])).toEqual([
      ['Account', 'read_write'],
      ['contact', 'read_write'],
      ['Lead', 'read_only'],
    ]);
    // The incoming file has no connection block, so the applied one stays.
    expect(merged.connection?.writeAlgorithm).toBe('ordered');
    expect(mergeMappingDocuments(undefined, incoming)).toBe(incoming);
    // Kept mappings export with their own unknown keys.
    const out = toConnectExport(merged) as { mappings: Array<Record<string, unknown>> };
    expect(out.mappings[0]!.x_mapping_key).toBe('mapping-level');
  });
});
