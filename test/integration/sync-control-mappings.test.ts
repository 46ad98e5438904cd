// mappings.state | validate | apply | saveDraft through the studio's router, with real parts: the
// local org (demo schema) as the active org and embedded Postgres as the active database. Each
// scenario works in its own sync schema (a database profile per schema), so they do not mix.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStudio, type Studio } from '../../src-main/studio';
import { ROW_COUNT_BUDGET_MS } from '../../src-main/sync-control/mappings-service';
import type { ApiResult } from '../../src-shared/api';
import { parseConnectExport, triggerNames } from '../../src-shared/mapping';
import { useEmbeddedPostgres } from '../support/embedded-postgres';
import { useLocalOrg } from '../support/local-org';
import { createSyncWorld, syncMapping } from '../support/sync-world';
import { tempDir } from '../support/temp';
import { openExploreStudio, useDatabase, useOrg, type ExploreStudio } from './explore-studio';

const postgres = useEmbeddedPostgres();
const local = useLocalOrg({ seed: 'demo' });

let studio: ExploreStudio;
/** An application's connection to the database, for looking at what an apply did. */
let db: pg.Pool;

beforeAll(async () => {
  db = new pg.Pool({ connectionString: postgres().url, max: 3 });
  studio = openExploreStudio();
  await useOrg(studio, local().org);
});

afterAll(async () => {
  await studio?.close();
  await db?.end();
});

// --- Documents, as the editor sends them: Heroku Connect export JSON text.

const SYSTEM_FIELDS = ['Id', 'IsDeleted', 'SystemModstamp'];
const CONTACT_FIELDS = [
  'LastName',
  'FirstName',
  'Email',
  'AccountId',
  'Account__External_ID__c',
  'External_ID__c',
];

interface MappingSpec {
  object: string;
  access?: 'read_only' | 'read_write';
  fields: string[];
  upsertField?: string;
}

function exportText(mappings: MappingSpec[]): string {
  return `${JSON.stringify(
    {
      version: 1,
      connection: { features: { poll_db_no_merge: false }, api_version: '62.0' },
      mappings: mappings.map((m) => ({
        object_name: m.object,
        config: {
          access: m.access ?? 'read_only',
          sf_notify_enabled: false,
          sf_polling_seconds: 600,
          sf_max_daily_api_calls: 30000,
          fields: Object.fromEntries([...SYSTEM_FIELDS, ...m.fields].map((f) => [f, {}])),
          indexes: { Id: { unique: true }, SystemModstamp: { unique: false } },
          ...(m.upsertField ? { upsert_field: m.upsertField } : {}),
        },
      })),
    },
    null,
    2,
  )}\n`;
}

const contact = (fields = CONTACT_FIELDS): MappingSpec => ({
  object: 'Contact',
  access: 'read_write',
  fields,
  upsertField: 'External_ID__c',
});

// --- Looking at the database.

async function columnsOf(schema: string, table: string): Promise<string[]> {
  const { rows } = await db.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns
      WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
    [schema, table],
  );
  return rows.map((r) => r.column_name);
}

async function triggersOf(schema: string, table: string): Promise<string[]> {
  const { rows } = await db.query<{ trigger_name: string }>(
    `SELECT DISTINCT trigger_name FROM information_schema.triggers
      WHERE event_object_schema = $1 AND event_object_table = $2 ORDER BY trigger_name`,
    [schema, table],
  );
  return rows.map((r) => r.trigger_name);
}

async function hcmetaRows(schema: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}._hcmeta`);
  return Number(rows[0]!.n);
}

async function tableExists(schema: string, table: string): Promise<boolean> {
  const { rows } = await db.query<{ found: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM information_schema.tables
      WHERE table_schema = $1 AND table_name = $2) AS found`,
    [schema, table],
  );
  return rows[0]!.found;
}

const databaseProfiles = new Map<string, string>();

/** Makes the embedded database (or `url`) with sync schema `schema` active, one profile each. */
async function useSchema(schema: string, url = postgres().url): Promise<void> {
  const known = databaseProfiles.get(schema);
  if (known) {
    await studio.call('settings.set', { activeDbProfileId: known });
    return;
  }
  databaseProfiles.set(schema, await useDatabase(studio, url, schema));
}

function mappingsChanged(since: number): unknown[] {
  return studio.events
    .slice(since)
    .filter((e) => e.event === 'mappings.changed')
    .map((e) => e.payload);
}

const errorBody = (details: unknown) => details as { problems?: { code: string }[] };

// ---------------------------------------------------------------------------------------------

describe('without a database', () => {
  it('answers NO_ACTIVE_DATABASE for state, apply and saveDraft', async () => {
    expect((await studio.fail('mappings.state', {})).code).toBe('NO_ACTIVE_DATABASE');
    expect((await studio.fail('mappings.saveDraft', { document: '{}' })).code).toBe(
      'NO_ACTIVE_DATABASE',
    );
    const apply = await studio.fail('mappings.apply', {
      document: exportText([contact()]),
      allowDrop: false,
    });
    expect(apply.code).toBe('NO_ACTIVE_DATABASE');
  });
});

describe('a Contact mapping designed from nothing', () => {
  const schema = 'a1_contact';
  let firstApply: ApiResult<'mappings.apply'>;

  beforeAll(async () => {
    await useSchema(schema);
  });

  it('starts from an empty state on a schema that does not exist yet', async () => {
    const state = await studio.call('mappings.state', {});
    expect(state).toMatchObject({
      databaseName: `Database ${schema}`,
      schemaName: schema,
      applied: null,
      appliedFrom: null,
      appliedAt: null,
      organizationId: null,
      tables: [],
      draft: null,
    });
    expect(state.snapshot.schemaName).toBe(schema);
    expect(state.snapshot.schemaExists).toBe(false);
  });

  it('validates it against the org: no errors', async () => {
    const { problems } = await studio.call('mappings.validate', {
      document: exportText([contact()]),
    });
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('applies it: table, columns, indexes and triggers exist, and Schema marks Contact', async () => {
    // Read the markers first, so a stale reading would be there to be (wrongly) reused.
    const before = await studio.call('schema.objects', {});
    expect(before.objects.find((o) => o.name === 'Contact')?.mapped).toBeNull();
    const eventsBefore = studio.events.length;
    const startedAt = new Date();

    firstApply = await studio.call('mappings.apply', {
      document: exportText([contact()]),
      allowDrop: false,
    });
    expect(firstApply.unchanged).toBe(false);
    expect(firstApply.createdTables).toEqual(['contact']);
    expect(firstApply.destructive).toEqual([]);
    expect(firstApply.statementsRun).toBeGreaterThan(5);

    expect(await columnsOf(schema, 'contact')).toEqual(
      expect.arrayContaining([
        'id',
        'sfid',
        'isdeleted',
        'systemmodstamp',
        'lastname',
        'firstname',
        'email',
        'accountid',
        'account__external_id__c',
        'external_id__c',
        '_hc_lastop',
        '_hc_err',
      ]),
    );
    expect(await triggersOf(schema, 'contact')).toEqual(
      [triggerNames.logTrigger('contact'), triggerNames.statusTrigger('contact')].sort(),
    );
    expect(await tableExists(schema, '_trigger_log')).toBe(true);

    expect(mappingsChanged(eventsBefore)).toEqual([{ schemaName: schema }]);
    const after = await studio.call('schema.objects', {});
    expect(after.objects.find((o) => o.name === 'Contact')?.mapped).toBe('read_write');

    const { state } = firstApply;
    expect(state.appliedFrom).toBe('hcmeta');
    expect(state.tables).toEqual([
      { objectName: 'Contact', table: 'contact', access: 'read_write', exists: true, rowCount: 0 },
    ]);
    const applied = parseConnectExport(state.applied!);
    expect(applied.mappings.map((m) => m.objectName)).toEqual(['Contact']);
    expect(applied.mappings[0]!.fields).toEqual([...SYSTEM_FIELDS, ...CONTACT_FIELDS]);
    expect(applied.mappings[0]!.upsertField).toBe('External_ID__c');
    // Stamped as Heroku Connect's exports are: when the mapping was applied, and for which org.
    expect(Date.parse(state.appliedAt!)).toBeGreaterThanOrEqual(startedAt.getTime() - 1000);
    expect(applied.mappings[0]!.appliedAt).toBe(state.appliedAt);
    expect(state.organizationId).toMatch(/^00D/);
    expect(state.snapshot.tables.map((t) => t.name)).toContain('contact');
  });

  it('counts the rows of each mapped table', async () => {
    await db.query(
      `INSERT INTO ${schema}.contact (lastname, email) VALUES ('Ng', 'ng@example.com'), ('Ode', NULL)`,
    );
    const state = await studio.call('mappings.state', {});
    expect(state.tables[0]).toMatchObject({ table: 'contact', exists: true, rowCount: 2 });
  });

  it('applying the same document again changes nothing, nor does the applied text sent back', async () => {
    const rows = await hcmetaRows(schema);
    const eventsBefore = studio.events.length;
    const again = await studio.call('mappings.apply', {
      document: exportText([contact()]),
      allowDrop: false,
    });
    expect(again).toMatchObject({
      unchanged: true,
      statementsRun: 0,
      createdTables: [],
      destructive: [],
    });
    const roundTrip = await studio.call('mappings.apply', {
      document: again.state.applied!,
      allowDrop: true,
    });
    expect(roundTrip.unchanged).toBe(true);
    expect(roundTrip.state.appliedAt).toBe(firstApply.state.appliedAt);
    expect(await hcmetaRows(schema)).toBe(rows);
    expect(mappingsChanged(eventsBefore)).toEqual([]);
  });

  it('keeps the column of a field taken out unless allowDrop, then drops it and says so', async () => {
    const withoutEmail = CONTACT_FIELDS.filter((f) => f !== 'Email');
    const kept = await studio.call('mappings.apply', {
      document: exportText([contact(withoutEmail)]),
      allowDrop: false,
    });
    expect(kept.unchanged).toBe(false);
    expect(kept.destructive).toEqual([]);
    expect(kept.warnings.join('\n')).toMatch(/contact\.email is no longer mapped; it was kept/);
    expect(await columnsOf(schema, 'contact')).toContain('email');
    expect(parseConnectExport(kept.state.applied!).mappings[0]!.fields).not.toContain('Email');
    const { rows } = await db.query(`SELECT email FROM ${schema}.contact WHERE email IS NOT NULL`);
    expect(rows).toEqual([{ email: 'ng@example.com' }]);

    const dropped = await studio.call('mappings.apply', {
      document: exportText([contact(withoutEmail)]),
      allowDrop: true,
    });
    expect(dropped.unchanged).toBe(false);
    expect(dropped.destructive).toHaveLength(1);
    expect(dropped.destructive[0]).toMatch(/email/);
    expect(dropped.warnings.join('\n')).not.toMatch(/email/);
    expect(await columnsOf(schema, 'contact')).not.toContain('email');
    expect(await columnsOf(schema, 'contact')).toContain('lastname');
  });

  it('refuses a document with errors, naming them, and changes nothing', async () => {
    const columns = await columnsOf(schema, 'contact');
    const rows = await hcmetaRows(schema);
    const stateBefore = await studio.call('mappings.state', {});
    const bad = exportText([
      { ...contact([...CONTACT_FIELDS, 'Title']), upsertField: 'LastName' },
      { object: 'Invoice__c', fields: ['Name'] },
    ]);

    const { problems } = await studio.call('mappings.validate', { document: bad });
    const codes = problems.filter((p) => p.severity === 'error').map((p) => p.code);
    expect(codes).toEqual(
      expect.arrayContaining(['UPSERT_FIELD_NOT_EXTERNAL_ID', 'OBJECT_NOT_IN_ORG']),
    );

    const refused = await studio.fail('mappings.apply', { document: bad, allowDrop: true });
    expect(refused.code).toBe('BAD_PARAMS');
    expect(refused.message).toMatch(/^Nothing was applied: the mappings have \d errors?\./);
    expect(refused.message).toContain('Contact.LastName');
    expect(refused.message).toContain('Invoice__c');
    expect(errorBody(refused.details).problems?.map((p) => p.code)).toEqual(
      expect.arrayContaining(codes),
    );

    expect(await columnsOf(schema, 'contact')).toEqual(columns);
    expect(await tableExists(schema, 'invoice__c')).toBe(false);
    expect(await hcmetaRows(schema)).toBe(rows);
    expect((await studio.call('mappings.state', {})).applied).toBe(stateBefore.applied);
  });

  it('says a mapping taken out of the document keeps its table', async () => {
    const lead: MappingSpec = { object: 'Lead', fields: ['LastName', 'Company'] };
    const both = await studio.call('mappings.apply', {
      document: exportText([contact(), lead]),
      allowDrop: false,
    });
    expect(both.createdTables).toEqual(['lead']);
    expect(both.state.tables.map((t) => t.table)).toEqual(['contact', 'lead']);

    const onlyLead = await studio.call('mappings.apply', {
      document: exportText([lead]),
      allowDrop: true,
    });
    expect(onlyLead.unchanged).toBe(false);
    expect(onlyLead.destructive).toEqual([]);
    expect(onlyLead.warnings.join('\n')).toContain(
      `Contact is no longer mapped, but its table ${schema}.contact stays in the database`,
    );
    expect(await tableExists(schema, 'contact')).toBe(true);
    expect(onlyLead.state.tables.map((t) => t.objectName)).toEqual(['Lead']);
  });
});

describe('documents that are not exports', () => {
  beforeAll(async () => {
    await useSchema('a1_bad_json');
  });

  it('refuses text that is not JSON, naming the problem', async () => {
    for (const method of ['mappings.validate', 'mappings.apply'] as const) {
      const error = await studio.fail(method, { document: '{"mappings": [' });
      expect(error.code).toBe('BAD_PARAMS');
      expect(error.message).toMatch(
        /not a Heroku Connect mapping export: \(file\): not valid JSON/,
      );
    }
  });

  it('names every key that is wrong, with its path', async () => {
    const document = JSON.stringify({
      mappings: [{ object_name: 'Contact', config: { access: 'write' } }],
    });
    const error = await studio.fail('mappings.validate', { document });
    expect(error.code).toBe('BAD_PARAMS');
    expect(error.message).toContain('mappings[0].config.access: access must be');
    expect(error.message).toContain('mappings[0].config.fields:');
    const details = error.details as { exportProblems: { path: string }[] };
    expect(details.exportProblems.map((p) => p.path).sort()).toEqual([
      'mappings[0].config.access',
      'mappings[0].config.fields',
      'version',
    ]);
    expect(await tableExists('a1_bad_json', '_hcmeta')).toBe(false);
  });
});

describe('drafts', () => {
  const schema = 'a1_drafts';
  const draftText = exportText([contact()]).replace('"LastName"', '"LastName" ');

  beforeAll(async () => {
    await useSchema(schema);
  });

  it('are saved, read back with the state, and forgotten', async () => {
    const saved = await studio.call('mappings.saveDraft', { document: draftText });
    expect(Date.parse(saved.savedAt!)).not.toBeNaN();
    expect((await studio.call('mappings.state', {})).draft).toEqual({
      document: draftText,
      savedAt: saved.savedAt,
    });
    // Unparseable text is kept too: a draft is whatever the user left.
    await studio.call('mappings.saveDraft', { document: '{ half-typed' });
    expect((await studio.call('mappings.state', {})).draft?.document).toBe('{ half-typed');

    expect(await studio.call('mappings.saveDraft', { document: null })).toEqual({ savedAt: null });
    expect((await studio.call('mappings.state', {})).draft).toBeNull();
  });

  it('belong to their database profile and schema', async () => {
    await studio.call('mappings.saveDraft', { document: draftText });
    await useSchema('a1_drafts_other');
    expect((await studio.call('mappings.state', {})).draft).toBeNull();
    await useSchema(schema);
    expect((await studio.call('mappings.state', {})).draft?.document).toBe(draftText);
  });

  it('refuses one over 5 MB with a sentence that says what to do', async () => {
    const huge = `{"mappings": [], "padding": "${'x'.repeat(5 * 1024 * 1024)}"}`;
    const error = await studio.fail('mappings.saveDraft', { document: huge });
    expect(error.code).toBe('BAD_PARAMS');
    expect(error.message).toMatch(/drafts are kept up to 5 MB\. Export the document to a file/);
    expect((await studio.call('mappings.state', {})).draft?.document).toBe(draftText);
  });

  it('are cleared by an apply', async () => {
    await studio.call('mappings.saveDraft', { document: draftText });
    const applied = await studio.call('mappings.apply', {
      document: exportText([contact()]),
      allowDrop: false,
    });
    expect(applied.state.draft).toBeNull();
  });

  it('survive a restart of the studio', async () => {
    const userDataDir = tempDir('connect-studio-mappings-');
    const call = async <T>(target: Studio, method: string, params: unknown): Promise<T> => {
      const outcome = await target.router.call(method, params);
      if (!outcome.ok) throw new Error(`${method}: ${outcome.error.message}`);
      return outcome.result as T;
    };
    const first = createStudio({ userDataDir, host: 'cli', log: () => {} });
    let savedAt: string | null;
    try {
      const profile = await call<{ id: string }>(first, 'profiles.save', {
        kind: 'postgres',
        name: 'Restarted',
        schema,
        connection: { method: 'url', url: postgres().url },
      });
      await call(first, 'settings.set', { activeDbProfileId: profile.id });
      ({ savedAt } = await call<{ savedAt: string | null }>(first, 'mappings.saveDraft', {
        document: draftText,
      }));
    } finally {
      await first.close();
    }
    const second = createStudio({ userDataDir, host: 'cli', log: () => {} });
    try {
      const state = await call<ApiResult<'mappings.state'>>(second, 'mappings.state', {});
      expect(state.databaseName).toBe('Restarted');
      expect(state.draft).toEqual({ document: draftText, savedAt });
    } finally {
      await second.close();
    }
  });
});

describe('a schema Heroku Connect laid out', () => {
  const schema = 'a1_connect';

  beforeAll(async () => {
    const world = await createSyncWorld({
      org: local().org,
      databaseUrl: postgres().url,
      schemaName: schema,
      mappings: [
        syncMapping('Account', ['Name', 'External_ID__c'], {
          access: 'read_write',
          upsertField: 'External_ID__c',
        }),
      ],
    });
    await world.close();
    // Heroku Connect's own _hcmeta holds its version and the org, not an export of ours.
    await db.query(`DELETE FROM ${schema}._hcmeta`);
    await db.query(`INSERT INTO ${schema}._hcmeta (hcver, org_id, details) VALUES (3, $1, NULL)`, [
      '00D5e000000AbCdEAF',
    ]);
    await useSchema(schema);
  });

  it('reads the mappings from the tables', async () => {
    const state = await studio.call('mappings.state', {});
    expect(state.appliedFrom).toBe('tables');
    expect(state.organizationId).toBe('00D5e000000AbCdEAF');
    const applied = parseConnectExport(state.applied!);
    expect(applied.mappings).toHaveLength(1);
    expect(applied.mappings[0]).toMatchObject({ objectName: 'account', access: 'read_write' });
    expect(applied.mappings[0]!.fields).toEqual(
      expect.arrayContaining(['Id', 'name', 'external_id__c']),
    );
    expect(state.tables).toEqual([
      { objectName: 'account', table: 'account', access: 'read_write', exists: true, rowCount: 0 },
    ]);
  });
});

describe('row counts', () => {
  const schema = 'a1_counts';

  beforeAll(async () => {
    await useSchema(schema);
    await studio.call('mappings.apply', {
      document: exportText([{ object: 'Lead', fields: ['LastName', 'Company'] }]),
      allowDrop: false,
    });
    await db.query(
      `INSERT INTO ${schema}.lead (lastname, company)
       SELECT 'L' || n, 'C' FROM generate_series(1, 120) AS n`,
    );
    await db.query(`ANALYZE ${schema}.lead`);
  });

  it('fall back to the estimate when counting cannot finish in time', async () => {
    // A count that cannot finish: the table has a child (in another schema, so introspecting
    // the sync schema never touches it) that someone holds an exclusive lock on, as a long DDL
    // would. count(*) on the parent reads the child too, so it waits; the budget ends the wait.
    await db.query(`CREATE SCHEMA IF NOT EXISTS a1_elsewhere`);
    await db.query(`CREATE TABLE a1_elsewhere.lead_archive () INHERITS (${schema}.lead)`);
    const blocker = await db.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE a1_elsewhere.lead_archive IN ACCESS EXCLUSIVE MODE');
      const started = performance.now();
      const state = await studio.call('mappings.state', {});
      const elapsed = performance.now() - started;
      // reltuples of the parent after ANALYZE: its own 120 rows.
      expect(state.tables).toEqual([
        { objectName: 'Lead', table: 'lead', access: 'read_only', exists: true, rowCount: 120 },
      ]);
      expect(elapsed).toBeGreaterThanOrEqual(ROW_COUNT_BUDGET_MS * 0.9);
      expect(elapsed).toBeLessThan(ROW_COUNT_BUDGET_MS + 3_000);
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
    }
    await db.query(`DELETE FROM ${schema}.lead WHERE lastname = 'L1'`);
    const exact = await studio.call('mappings.state', {});
    expect(exact.tables[0]?.rowCount).toBe(119);
  });
});

describe('applies', () => {
  it('run one after another: two at once on a fresh schema both succeed', async () => {
    const schema = 'a1_concurrent';
    await useSchema(schema);
    const document = exportText([{ object: 'Lead', fields: ['LastName', 'Company'] }]);
    const [first, second] = await Promise.all([
      studio.call('mappings.apply', { document, allowDrop: false }),
      studio.call('mappings.apply', { document, allowDrop: false }),
    ]);
    // Planned against the same empty schema, the second CREATE TABLE would fail.
    expect(first.createdTables).toEqual(['lead']);
    expect(second.unchanged).toBe(true);
    expect(await hcmetaRows(schema)).toBe(1);
  });

  it("turn the database's refusal into REMOTE_ERROR with the server's sentence", async () => {
    const role = 'a1_no_create';
    await db.query(`DROP ROLE IF EXISTS ${role}`);
    await db.query(`CREATE ROLE ${role} LOGIN PASSWORD 'secret'`);
    try {
      const url = new URL(postgres().url);
      url.username = role;
      url.password = 'secret';
      await useSchema('a1_refused', url.toString());
      const error = await studio.fail('mappings.apply', {
        document: exportText([contact()]),
        allowDrop: false,
      });
      expect(error.code).toBe('REMOTE_ERROR');
      expect(error.message).toMatch(
        /^Nothing was changed: statement 1 of \d+ \(.+\) failed: permission denied .+\./,
      );
      expect(error.details).toMatchObject({ sqlState: '42501' });
    } finally {
      await useSchema('a1_after_refusal');
      await db.query(`DROP ROLE IF EXISTS ${role}`);
    }
  });
});
