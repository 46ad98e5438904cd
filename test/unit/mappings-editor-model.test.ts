// The Mapping editor's pure model: document edits, undo history, the field checklist and the
// relationship external-ID choices, list states and the change summary behind Apply. Run over
// the fixture org's describes, with the shared mapping rules doing the judging.
import { describe, expect, it } from 'vitest';
import {
  emptySnapshot,
  formatConnectExport,
  parseConnectExport,
  validateMappings,
  type DatabaseSnapshot,
  type Mapping,
  type MappingDocument,
} from '../../src-shared/mapping';
import {
  addMapping,
  emptyDocument,
  importDocument,
  lockedFields,
  newMapping,
  parsePollingSeconds,
  removeMapping,
  restoreMapping,
  setAccess,
  setFieldsMapped,
  setUpsertField,
  setWriteAlgorithm,
  updateMapping,
} from '../../src-renderer/workspaces/mappings/document-edits';
import {
  canRedo,
  canUndo,
  COALESCE_MS,
  pushHistory,
  redo,
  startHistory,
  undo,
} from '../../src-renderer/workspaces/mappings/history';
import {
  describesNeeded,
  externalIdFields,
  fieldRows,
  filterFieldRows,
  relationshipRows,
  requiredFieldNames,
  selectableFieldNames,
} from '../../src-renderer/workspaces/mappings/field-rows';
import {
  documentsEquivalent,
  mappingListEntries,
} from '../../src-renderer/workspaces/mappings/mapping-status';
import {
  appliedSentence,
  destructiveLines,
  firstTableLine,
  hasChanges,
  planChange,
} from '../../src-renderer/workspaces/mappings/change-summary';
import {
  importProblemLines,
  importProblemsHeading,
} from '../../src-renderer/workspaces/mappings/import-problems';
import { ConnectExportError } from '../../src-shared/mapping';
import { createDescribeCatalog } from '../../src-shared/salesforce';
import { fixtureCatalog, loadFixtureDescribes, loadFixtureGlobal } from '../support/describes';

const catalog = fixtureCatalog();

function contactDesigned(): Mapping {
  let contact = newMapping('contact', catalog);
  contact = setFieldsMapped(contact, ['LastName', 'FirstName', 'Email'], true);
  contact = setAccess(contact, 'read_write');
  contact = setUpsertField(contact, 'External_ID__c');
  return setFieldsMapped(contact, ['Account__External_ID__c'], true);
}

describe('document edits', () => {
  it('starts a mapping with the system fields the object has, in its spelling, and their indexes', () => {
    const contact = newMapping('contact', catalog);
    expect(contact.objectName).toBe('Contact');
    expect(contact.access).toBe('read_only');
    expect(contact.sfPollingSeconds).toBe(600);
    expect(contact.fields).toEqual(['Id', 'IsDeleted', 'SystemModstamp', 'CreatedDate']);
    expect(contact.indexes).toEqual([
      { field: 'Id', unique: true },
      { field: 'SystemModstamp', unique: false },
    ]);
    expect(lockedFields(catalog, 'Contact').sort()).toEqual(['Id', 'IsDeleted', 'SystemModstamp']);
    // User has no IsDeleted: neither locked nor listed.
    expect(newMapping('User', catalog).fields).not.toContain('IsDeleted');
    expect(lockedFields(catalog, 'User')).not.toContain('IsDeleted');
  });

  it('adds each object once and removes it again', () => {
    const once = addMapping(emptyDocument(), newMapping('Contact', catalog));
    expect(addMapping(once, newMapping('CONTACT', catalog))).toBe(once);
    expect(removeMapping(once, 'contact').mappings).toEqual([]);
    expect(removeMapping(once, 'Account')).toBe(once);
  });

  it('keeps locked fields, and takes an unticked field’s index and upsert role along', () => {
    const contact = contactDesigned();
    expect(contact.upsertField).toBe('External_ID__c');
    expect(contact.fields).toContain('External_ID__c'); // picking the identifier maps it
    expect(contact.indexes).toContainEqual({ field: 'External_ID__c', unique: true });

    const locked = lockedFields(catalog, 'Contact');
    const without = setFieldsMapped(contact, ['Id', 'External_ID__c', 'Email'], false, locked);
    expect(without.fields).toContain('Id');
    expect(without.fields).not.toContain('Email');
    expect(without.fields).not.toContain('External_ID__c');
    expect(without.upsertField).toBeUndefined();
    expect(without.indexes?.map((i) => i.field)).toEqual(['Id', 'SystemModstamp']);
    // Nothing to untick: the same mapping comes back (no empty undo step).
    expect(setFieldsMapped(without, ['Email'], false, locked)).toBe(without);
    expect(setFieldsMapped(without, ['lastname'], true)).toBe(without);
  });

  it('drops the unique identifier when the mapping becomes read-only', () => {
    const readOnly = setAccess(contactDesigned(), 'read_only');
    expect(readOnly.access).toBe('read_only');
    expect(readOnly.upsertField).toBeUndefined();
    expect(readOnly.indexes?.some((i) => i.unique && i.field === 'External_ID__c')).toBe(false);
    expect(readOnly.fields).toContain('External_ID__c'); // still mapped, for reading
  });

  it('moves the unique index when the unique identifier changes, and clears it', () => {
    const contact = contactDesigned();
    const other = setUpsertField(contact, 'Email');
    expect(other.indexes).toContainEqual({ field: 'Email', unique: true });
    expect(other.indexes).not.toContainEqual({ field: 'External_ID__c', unique: true });
    const none = setUpsertField(other, undefined);
    expect(none.upsertField).toBeUndefined();
    expect(none.indexes?.some((i) => i.field === 'Email')).toBe(false);
    expect(setUpsertField(contact, 'external_id__c')).toBe(contact);
  });

  it('reads the polling interval as whole seconds above 0, with a sentence otherwise', () => {
    expect(parsePollingSeconds(' 900 ')).toEqual({ ok: true, seconds: 900 });
    for (const bad of ['', 'ten', '1.5', '-5', '0']) {
      const parsed = parsePollingSeconds(bad);
      expect(parsed.ok, bad).toBe(false);
      if (!parsed.ok) expect(parsed.message).toMatch(/seconds/);
    }
  });

  it('writes the write algorithm into the connection block only when it says something', () => {
    const doc = addMapping(emptyDocument(), newMapping('Contact', catalog));
    expect(setWriteAlgorithm(doc, 'merged')).toBe(doc);
    const ordered = setWriteAlgorithm(doc, 'ordered');
    expect(ordered.connection?.writeAlgorithm).toBe('ordered');
    expect(JSON.parse(formatConnectExport(ordered)).connection.features.poll_db_no_merge).toBe(
      true,
    );
    expect(setWriteAlgorithm(ordered, 'merged').connection?.writeAlgorithm).toBe('merged');
  });

  it('imports like Heroku Connect: named mappings replace, the rest stay', () => {
    const draft = addMapping(
      addMapping(emptyDocument(), newMapping('Account', catalog)),
      contactDesigned(),
    );
    const incoming = parseConnectExport(
      JSON.stringify({
        version: 1,
        mappings: [{ object_name: 'Contact', config: { access: 'read_only', fields: { Id: {} } } }],
      }),
    );
    const merged = importDocument(draft, incoming);
    expect(merged.mappings.map((m) => `${m.objectName}:${m.access}`)).toEqual([
      'Account:read_only',
      'Contact:read_only',
    ]);
    // The same file again changes nothing.
    expect(documentsEquivalent(importDocument(merged, incoming), merged)).toBe(true);
  });

  it('takes a removal back with the mapping as it was, where it stood', () => {
    const lead = setAccess(newMapping('Lead', catalog), 'read_write');
    const draft = [newMapping('Account', catalog), lead, newMapping('Case', catalog)].reduce(
      addMapping,
      emptyDocument(),
    );
    const removed = removeMapping(draft, 'Lead');
    const back = restoreMapping(removed, lead, 1);
    expect(back.mappings.map((m) => m.objectName)).toEqual(['Account', 'Lead', 'Case']);
    expect(back.mappings[1]).toBe(lead); // the draft's edits, not the applied version
    expect(restoreMapping(back, lead, 0)).toBe(back); // mapped already: nothing to do
    expect(restoreMapping(removed, lead, 99).mappings.at(-1)).toBe(lead); // clamped to the end
  });
});

/** What the real parser says about `value`, as the editor lists it. */
function refusal(value: unknown): string[] {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  try {
    parseConnectExport(text);
  } catch (error) {
    if (error instanceof ConnectExportError) return importProblemLines(text, error.problems);
    throw error;
  }
  throw new Error('expected the parser to refuse it');
}

describe('an import refused, in sentences', () => {
  it('names the mapping by its object and does not say the key twice', () => {
    expect(
      refusal({
        version: 1,
        mappings: [
          { object_name: 'Contact', config: { access: 'read_only', fields: { Id: {} } } },
          { object_name: 'Account', config: { access: 'sideways', fields: { Id: {} } } },
        ],
      }),
    ).toEqual(['Account: access must be "read_only" or "read_write"; found "sideways"']);
    expect(importProblemsHeading('bad.json', 1)).toBe('1 problem to fix in bad.json:');
    expect(importProblemsHeading('bad.json', 3)).toBe('3 problems to fix in bad.json:');
  });

  it('keeps what the message does not say of the path, and numbers a mapping without a name', () => {
    expect(
      refusal({
        version: 1,
        mappings: [
          {
            object_name: 'Lead',
            config: { fields: { Id: 3 }, indexes: { Id: { unique: 'yes' } } },
          },
          { object_name: 7, config: { fields: {} } },
          { object_name: 'Case' },
        ],
      }),
    ).toEqual([
      'Lead (fields.Id): each field must map to an object, usually {}; found 3',
      'Lead (indexes.Id): unique must be true or false; found "yes"',
      'Mapping 2: object_name must be the Salesforce object name; found 7',
      'Case: config must be an object, but it is missing',
    ]);
  });

  it('speaks of the file itself when the problem is the whole file', () => {
    expect(refusal('{ not json')).toEqual([
      expect.stringMatching(/^The file is not valid JSON \(/),
    ]);
    expect(refusal([1, 2])).toEqual([
      'The file must hold one JSON object with "version" and "mappings"; found a list',
    ]);
    expect(refusal({ version: 2, mappings: [] })).toEqual([
      expect.stringMatching(/^version must be 1 /),
    ]);
  });
});

describe('undo history', () => {
  it('undoes and redoes edits, and a new edit forgets the redo branch', () => {
    let h = startHistory('a');
    h = pushHistory(h, 'b');
    h = pushHistory(h, 'c');
    expect(canUndo(h)).toBe(true);
    h = undo(h);
    expect(h.present).toBe('b');
    expect(canRedo(h)).toBe(true);
    h = redo(h);
    expect(h.present).toBe('c');
    h = pushHistory(undo(h), 'd');
    expect(h.present).toBe('d');
    expect(canRedo(h)).toBe(false);
    expect(undo(undo(h)).present).toBe('a');
    expect(undo(startHistory('x')).present).toBe('x');
  });

  it('merges edits with one coalesce key made close together into one step', () => {
    let h = startHistory('600');
    h = pushHistory(h, '9', { coalesce: 'poll', now: 1000 });
    h = pushHistory(h, '90', { coalesce: 'poll', now: 1200 });
    h = pushHistory(h, '900', { coalesce: 'poll', now: 1400 });
    expect(undo(h).present).toBe('600');
    h = pushHistory(h, '9000', { coalesce: 'poll', now: 1400 + COALESCE_MS + 1 });
    expect(undo(h).present).toBe('900');
  });
});

describe('the field checklist', () => {
  const contact = contactDesigned();
  const problems = validateMappings([contact], catalog, { writeAlgorithm: 'merged' });
  const rows = fieldRows(contact, catalog, problems);
  const row = (name: string) => rows.find((r) => r.name === name)!;

  it('shows each field with Salesforce → Postgres types and its flags', () => {
    expect(row('LastName')).toMatchObject({
      salesforceType: 'string(80)',
      postgresType: 'varchar(80)',
      required: true,
      mapped: true,
      locked: false,
    });
    expect(row('Id')).toMatchObject({ postgresType: 'varchar(18)', locked: true, mapped: true });
    expect(row('External_ID__c')).toMatchObject({ externalId: true, unique: true });
    expect(row('Account_Industry__c')).toMatchObject({ calculated: true, readOnly: false });
    expect(row('CreatedDate')).toMatchObject({ readOnly: true, postgresType: 'timestamp' });
    expect(row('AccountId').salesforceType).toBe('reference → Account');
  });

  it('greys out what cannot be a column, with the reason', () => {
    expect(row('MailingAddress').unsupported).toMatch(/compound address/);
    expect(row('SSN__c').unsupported).toMatch(/cannot read/);
    expect(row('LastName').unsupported).toBeNull();
    expect(selectableFieldNames(rows)).not.toContain('MailingAddress');
    expect(requiredFieldNames(rows)).toEqual(['LastName']);
  });

  it('puts mapped fields the describe lacks first, with the validator’s problem on them', () => {
    const bad = setFieldsMapped(contact, ['Nickname__c'], true);
    const badRows = fieldRows(bad, catalog, validateMappings([bad], catalog));
    expect(badRows[0]).toMatchObject({ name: 'Nickname__c', unknown: true, mapped: true });
    expect(badRows[0]!.problems.map((p) => p.code)).toEqual(['FIELD_NOT_READABLE']);
  });

  it('filters by API name or label', () => {
    expect(filterFieldRows(rows, 'mail').map((r) => r.name)).toEqual(
      expect.arrayContaining(['Email', 'MailingCity', 'MailingAddress']),
    );
    expect(filterFieldRows(rows, 'MAILING CI').map((r) => r.name)).toEqual(['MailingCity']);
    expect(filterFieldRows(rows, '  ')).toHaveLength(rows.length);
  });

  it('offers only external-ID fields for the unique identifier', () => {
    expect(externalIdFields(catalog, 'Contact').map((f) => f.name)).toEqual(['External_ID__c']);
    expect(externalIdFields(catalog, 'User')).toEqual([]);
  });
});

describe('relationship external-ID fields', () => {
  const contact = contactDesigned();

  it('offers Account__External_ID__c for AccountId, ticked and typed like the parent’s ID', () => {
    const rows = relationshipRows(contact, [contact], catalog, 'merged', []);
    const account = rows.find((r) => r.lookup === 'AccountId')!;
    expect(account.status).toBe('options');
    expect(account.options).toEqual([
      {
        name: 'Account__External_ID__c',
        parentField: 'External_ID__c',
        postgresType: 'varchar(36)',
        mapped: true,
        problems: [],
      },
    ]);
  });

  it('says why a lookup cannot carry one: polymorphic, or no External ID on the parent', () => {
    const task = newMapping('Task', catalog);
    const rows = relationshipRows(task, [task], catalog, 'merged', []);
    const who = rows.find((r) => r.lookup === 'WhoId')!;
    expect(who.status).toBe('polymorphic');
    expect(who.reason).toMatch(/can point at Contact, Lead/);
    const owner = rows.find((r) => r.lookup === 'OwnerId')!;
    expect(owner.status).toBe('no_external_id');
    expect(owner.reason).toMatch(/User has no External ID/);
  });

  it('warns before a self-reference under merged writes, not under ordered', () => {
    const merged = relationshipRows(contact, [contact], catalog, 'merged', []);
    const reportsTo = merged.find((r) => r.lookup === 'ReportsToId')!;
    expect(reportsTo.options[0]!.name).toBe('ReportsTo__External_ID__c');
    expect(reportsTo.options[0]!.mapped).toBe(false);
    expect(reportsTo.options[0]!.problems.map((p) => p.code)).toEqual(['SELF_REFERENCE_MERGED']);
    const ordered = relationshipRows(contact, [contact], catalog, 'ordered', []);
    expect(ordered.find((r) => r.lookup === 'ReportsToId')!.options[0]!.problems).toEqual([]);
  });

  it('warns before closing a circle of read-write mappings under merged writes', () => {
    let account = setAccess(newMapping('Account', catalog), 'read_write');
    account = setUpsertField(setFieldsMapped(account, ['Name'], true), 'External_ID__c');
    const rows = relationshipRows(account, [account, contact], catalog, 'merged', []);
    const primary = rows.find((r) => r.lookup === 'Primary_Contact__c')!;
    expect(primary.options[0]!.name).toBe('Primary_Contact__r__External_ID__c');
    expect(primary.options[0]!.problems.map((p) => p.code)).toEqual(['CIRCULAR_REFERENCE_MERGED']);
  });

  it('lists a mapped pseudo-field no choice stands for under its lookup, to be unticked', () => {
    const bad = setFieldsMapped(contact, ['Account__Name'], true);
    const problems = validateMappings([bad], catalog);
    const account = relationshipRows(bad, [bad], catalog, 'merged', problems).find(
      (r) => r.lookup === 'AccountId',
    )!;
    const stray = account.options.find((o) => o.name === 'Account__Name')!;
    expect(stray).toMatchObject({ mapped: true, parentField: 'Name', postgresType: null });
    expect(stray.problems.map((p) => p.code)).toEqual(['RELATIONSHIP_PARENT_NO_EXTERNAL_ID']);
    expect(stray.problems[0]!.fix).toContain('Account__External_ID__c');
  });

  it('names the parents still to describe', () => {
    const onlyContact = createDescribeCatalog(
      loadFixtureDescribes().filter((d) => d.name === 'Contact'),
      loadFixtureGlobal(),
    );
    const rows = relationshipRows(contact, [contact], onlyContact, 'merged', []);
    expect(rows.find((r) => r.lookup === 'AccountId')!.status).toBe('parent_not_described');
    expect(describesNeeded([contact], onlyContact).sort()).toEqual(['Account', 'Contact', 'User']);
    // Contact refers to itself: described already, not asked again.
    expect(describesNeeded([contact], catalog)).toEqual(['Contact']);
  });
});

describe('list states and the change behind Apply', () => {
  const applied: MappingDocument = addMapping(emptyDocument(), newMapping('Account', catalog));

  it('marks mappings new, changed, applied and removed', () => {
    const draft = addMapping(
      updateMapping(applied, 'Account', (m) => setAccess(m, 'read_write')),
      newMapping('Contact', catalog),
    );
    const tables = [
      {
        objectName: 'Account',
        table: 'account',
        access: 'read_only' as const,
        exists: true,
        rowCount: 12,
      },
    ];
    expect(
      mappingListEntries(draft, applied, tables, []).map((e) => [
        e.objectName,
        e.change,
        e.rowCount,
      ]),
    ).toEqual([
      ['Account', 'changed', 12],
      ['Contact', 'new', null],
    ]);
    const removed = mappingListEntries(emptyDocument(), applied, tables, []);
    expect(removed.map((e) => [e.objectName, e.change])).toEqual([['Account', 'removed']]);
    const missing = mappingListEntries(
      applied,
      applied,
      [{ ...tables[0]!, exists: false, rowCount: null }],
      [],
    );
    expect(missing[0]).toMatchObject({ change: 'applied', tableMissing: true, rowCount: null });
  });

  it('plans CREATE TABLE for a new mapping against an empty schema', () => {
    const present = addMapping(emptyDocument(), contactDesigned());
    const ddl = planChange({
      schemaName: 'salesforce',
      present,
      applied: undefined,
      catalog,
      snapshot: emptySnapshot('salesforce'),
      allowDrop: false,
    });
    expect(ddl.kind).toBe('plan');
    if (ddl.kind !== 'plan') return;
    expect(ddl.sql).toContain('CREATE TABLE IF NOT EXISTS "salesforce"."contact"');
    expect(ddl.sql).toContain('"account__external_id__c" varchar(36)');
    expect(ddl.summary.newTables.map((t) => t.table)).toEqual(['contact']);
    expect(ddl.summary.newTables[0]!.columns).toEqual(
      expect.arrayContaining(['sfid', 'lastname', 'external_id__c', 'account__external_id__c']),
    );
    expect(ddl.summary.destructiveStatements).toEqual([]);
    expect(hasChanges(ddl)).toBe(true);
  });

  it('has nothing to plan for a fresh database with nothing mapped', () => {
    const ddl = planChange({
      schemaName: 'salesforce',
      present: emptyDocument(),
      applied: undefined,
      catalog,
      snapshot: emptySnapshot('salesforce'),
      allowDrop: false,
    });
    expect(ddl).toEqual({ kind: 'empty' });
    expect(hasChanges(ddl)).toBe(false);
  });

  it('names unmapped columns and removed mappings, and drops columns only when allowed', () => {
    const snapshot: DatabaseSnapshot = {
      ...emptySnapshot('salesforce'),
      schemaExists: true,
      tables: [
        {
          name: 'contact',
          mapped: true,
          estimatedRows: 0,
          indexes: [],
          triggers: [],
          columns: [
            'id',
            'sfid',
            'systemmodstamp',
            'isdeleted',
            'createddate',
            'title',
            '_hc_lastop',
            '_hc_err',
          ].map((name) => ({ name, type: 'character varying(80)', nullable: true, default: null })),
        },
        {
          name: 'account',
          mapped: true,
          estimatedRows: 0,
          indexes: [],
          triggers: [],
          columns: [],
        },
      ],
    };
    const appliedBoth = addMapping(
      addMapping(emptyDocument(), newMapping('Account', catalog)),
      setFieldsMapped(newMapping('Contact', catalog), ['Title'], true),
    );
    const present = removeMapping(
      updateMapping(appliedBoth, 'Contact', (m) => setFieldsMapped(m, ['Title'], false)),
      'Account',
    );
    const input = { schemaName: 'salesforce', present, applied: appliedBoth, catalog, snapshot };
    const kept = planChange({ ...input, allowDrop: false });
    const dropped = planChange({ ...input, allowDrop: true });
    if (kept.kind !== 'plan' || dropped.kind !== 'plan') throw new Error('expected plans');
    expect(kept.summary.unmappedColumns).toEqual([
      { table: 'contact', objectName: 'Contact', columns: ['title'] },
    ]);
    expect(kept.summary.destructiveStatements).toEqual([]);
    expect(kept.sql).not.toContain('DROP COLUMN');
    expect(dropped.summary.destructiveStatements.map((s) => s.sql)).toEqual([
      'ALTER TABLE "salesforce"."contact" DROP COLUMN IF EXISTS "title"',
    ]);
    expect(dropped.sql).toContain('[destructive]');
    // The SQL view marks the destructive statement's lines and opens on the table work.
    const lines = dropped.sql.split('\n');
    const marked = destructiveLines(dropped.sql).map((n) => lines[n - 1]);
    expect(marked).toEqual([
      '-- [destructive] Drop column contact.title and its data (no longer mapped)',
      'ALTER TABLE "salesforce"."contact" DROP COLUMN IF EXISTS "title";',
    ]);
    expect(lines[firstTableLine(dropped.sql) - 1]).toMatch(
      /^-- (\[destructive\] )?(Add column|Widen|Drop column)/,
    );
    expect(firstTableLine('-- nothing here\n')).toBe(1);
    const twoTables = [
      '-- Create table account for Account (read_only)',
      'CREATE TABLE …;',
      '-- Add column contact.email for Email',
      'ALTER TABLE …;',
    ].join('\n');
    expect(firstTableLine(twoTables)).toBe(1);
    expect(firstTableLine(twoTables, 'contact')).toBe(3);
    expect(firstTableLine(twoTables, 'lead')).toBe(1);
    expect(kept.summary.removedMappings).toEqual([
      { objectName: 'Account', table: 'account', tableExists: true },
    ]);
    expect(kept.summary.documentChanged).toBe(true);
  });

  it('says after an apply what ran: columns added and dropped, tables created, by name', () => {
    const snapshot: DatabaseSnapshot = {
      ...emptySnapshot('salesforce'),
      schemaExists: true,
      tables: [
        {
          name: 'contact',
          mapped: true,
          estimatedRows: 0,
          indexes: [],
          triggers: [],
          columns: [
            'id',
            'sfid',
            'systemmodstamp',
            'isdeleted',
            'createddate',
            'title',
            '_hc_lastop',
            '_hc_err',
          ].map((name) => ({
            name,
            // As the planner types them, so only what the test changes is planned.
            type: name === '_hc_err' ? 'text' : 'character varying(80)',
            nullable: true,
            default: null,
          })),
        },
      ],
    };
    const applied = addMapping(
      emptyDocument(),
      setFieldsMapped(newMapping('Contact', catalog), ['Title'], true),
    );
    const present = addMapping(
      updateMapping(applied, 'Contact', (m) =>
        setFieldsMapped(setFieldsMapped(m, ['Title'], false), ['Email'], true),
      ),
      newMapping('Lead', catalog),
    );
    const ddl = planChange({
      schemaName: 'salesforce',
      present,
      applied,
      catalog,
      snapshot,
      allowDrop: true,
    });
    if (ddl.kind !== 'plan') throw new Error('expected a plan');
    const outcome = {
      unchanged: false,
      statementsRun: ddl.plan.statements.length,
      createdTables: ['lead'],
      destructive: ddl.summary.destructiveStatements.map((s) => s.purpose),
    };
    expect(appliedSentence(outcome, 'salesforce', ddl.summary)).toBe(
      `Applied: ${outcome.statementsRun} statements ran — created table salesforce.lead; ` +
        'added column contact.email; dropped column contact.title.',
    );
    expect(appliedSentence({ ...outcome, unchanged: true }, 'salesforce', ddl.summary)).toBe(
      'Applied: the database already matched; nothing ran.',
    );
    expect(
      appliedSentence(
        { ...outcome, statementsRun: 0, createdTables: [], destructive: [] },
        's',
        null,
      ),
    ).toBe('Applied: the new settings are recorded; no statement had to run.');
    const many = {
      ...ddl.summary,
      addedColumns: [
        { table: 'lead', objectName: 'Lead', columns: ['a', 'b', 'c', 'd', 'e', 'f'] },
      ],
    };
    expect(
      appliedSentence(
        { ...outcome, statementsRun: 1, createdTables: [], destructive: [] },
        's',
        many,
      ),
    ).toBe('Applied: 1 statement ran — added columns lead.a, lead.b, lead.c, lead.d and 2 more.');
  });
});
