// `connect-studio mapping validate | ddl | apply | export` and `db start` as users run them: the
// built CLI in a child process, the fixture org's describes (offline, or served over HTTP by the
// real local org with the fixture org's schema), and a real embedded Postgres.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadSchemaFile } from '../../src-main/local-org';
import {
  killCliServers,
  runCliProcess,
  startCliServer,
  type CliRun,
  type ServingCli,
} from '../support/cli';
import { FIXTURE_DESCRIBE_DIR } from '../support/describes';
import { useEmbeddedPostgres } from '../support/embedded-postgres';
import { adminCall, useLocalOrg } from '../support/local-org';
import { closedPort } from '../support/net';
import { sharedTempDir, tempDir } from '../support/temp';

const postgres = useEmbeddedPostgres();
let pool: pg.Pool;
beforeAll(() => {
  pool = new pg.Pool({ connectionString: postgres().url, max: 2 });
});
afterAll(async () => {
  await pool?.end();
});

/** Runs the CLI to its end without blocking this process (an in-process org may answer it). */
function cli(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return runCliProcess(args, { env: extraEnv, timeoutMs: 45_000 });
}

const ORG = ['--describe', FIXTURE_DESCRIBE_DIR];

/** An export as Heroku Connect writes it: two-space JSON, every config key present. */
function exportFile(mappings: unknown[], connection?: unknown): string {
  return `${JSON.stringify(
    { version: 1, ...(connection ? { connection } : {}), mappings },
    null,
    2,
  )}\n`;
}

function config(access: string, fields: string[], extra: Record<string, unknown> = {}) {
  return {
    access,
    sf_notify_enabled: false,
    sf_polling_seconds: 600,
    sf_max_daily_api_calls: 30000,
    fields: Object.fromEntries(fields.map((f) => [f, {}])),
    ...extra,
  };
}

const accountMapping = {
  object_name: 'Account',
  config: config('read_write', ['Id', 'IsDeleted', 'SystemModstamp', 'Name', 'External_ID__c'], {
    indexes: {
      Id: { unique: true },
      SystemModstamp: { unique: false },
      External_ID__c: { unique: true },
    },
    upsert_field: 'External_ID__c',
  }),
};
const contactMapping = (fields: string[]) => ({
  object_name: 'Contact',
  config: config('read_write', ['Id', 'IsDeleted', 'SystemModstamp', ...fields], {
    indexes: { Id: { unique: true }, SystemModstamp: { unique: false } },
    upsert_field: 'External_ID__c',
  }),
});
const CONTACT_FIELDS = [
  'LastName',
  'Email',
  'AccountId',
  'Account__External_ID__c',
  'External_ID__c',
];
const leadMapping = {
  object_name: 'Lead',
  config: config('read_only', ['Id', 'IsDeleted', 'SystemModstamp', 'LastName', 'Company']),
};
const CONNECTION = {
  organization_id: '00D000000000001EAA',
  app_name: 'connect-studio-test',
  exported_at: '2025-01-02T03:04:05.000000+00:00',
  features: { disable_bulk_writes: false, poll_db_no_merge: true, rest_count_only: true },
  api_version: '62.0',
  name: '',
};

const GOOD = exportFile([accountMapping, contactMapping(CONTACT_FIELDS), leadMapping], CONNECTION);

/** Unknown object, a non-external-ID upsert field, a formula field (warning only). */
const WITH_ERRORS = exportFile([
  { object_name: 'Invoice__c', config: config('read_only', ['Id', 'Name']) },
  {
    object_name: 'Contact',
    config: config('read_write', ['Id', 'SystemModstamp', 'LastName', 'Account_Industry__c'], {
      upsert_field: 'LastName',
    }),
  },
]);

function writeTemp(name: string, text: string): string {
  const file = join(tempDir('connect-studio-mapping-cli-'), name);
  writeFileSync(file, text);
  return file;
}

function schemaUrl(): string {
  return postgres().url;
}

async function columnsOf(schema: string, table: string): Promise<string[]> {
  const { rows } = await pool.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns
      WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
    [schema, table],
  );
  return rows.map((r) => r.column_name);
}

async function schemaExists(schema: string): Promise<boolean> {
  const { rows } = await pool.query<{ found: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS found',
    [schema],
  );
  return rows[0]!.found;
}

/** The SQL statements of a ddl script (comments and blank lines left out). */
function statementsOf(script: string): string[] {
  return script
    .split(/;\n/)
    .map((chunk) =>
      chunk
        .split('\n')
        .filter((line) => !line.startsWith('--') && line.trim() !== '')
        .join('\n'),
    )
    .filter((sql) => sql !== '');
}

describe('mapping validate', () => {
  it('prints ok with no problems for valid mappings and exits 0', async () => {
    const run = await cli(['mapping', 'validate', writeTemp('good.json', GOOD), ...ORG]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ ok: true, problems: [] });
  });

  it('lists errors and warnings with codes and fixes, names the unknown object, exits 1', async () => {
    const run = await cli(['mapping', 'validate', writeTemp('errors.json', WITH_ERRORS), ...ORG]);
    expect(run.status).toBe(1);
    const result = JSON.parse(run.stdout) as {
      ok: boolean;
      problems: Array<Record<string, string>>;
    };
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => [p.severity, p.code, p.object, p.field])).toEqual([
      ['error', 'OBJECT_NOT_IN_ORG', 'Invoice__c', undefined],
      ['warning', 'FIELD_CALCULATED', 'Contact', 'Account_Industry__c'],
      ['error', 'UPSERT_FIELD_NOT_EXTERNAL_ID', 'Contact', 'LastName'],
    ]);
    expect(result.problems[0]!.message).toContain('Invoice__c');
    for (const problem of result.problems) expect(problem.fix).toMatch(/\w+/);
  });

  it('exits 0 when the only problems are warnings', async () => {
    const file = writeTemp(
      'warnings.json',
      exportFile([
        {
          object_name: 'Contact',
          config: config('read_only', ['Id', 'SystemModstamp', 'LastName', 'Account_Industry__c']),
        },
      ]),
    );
    const run = await cli(['mapping', 'validate', file, ...ORG]);
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as { ok: boolean; problems: Array<{ code: string }> };
    expect(result.ok).toBe(true);
    expect(result.problems.map((p) => p.code)).toEqual(['FIELD_CALCULATED']);
  });

  it('names the line and column of broken JSON, and the JSON path of a wrong key', async () => {
    const broken = await cli([
      'mapping',
      'validate',
      writeTemp('broken.json', '{"version": 1,\n "mappings": [\n  {"object_name" "Account"}]}'),
      ...ORG,
    ]);
    expect(broken.status).toBe(1);
    expect(broken.stdout).toBe('');
    expect(broken.stderr).toMatch(/broken\.json is not valid JSON: .*line 3, column \d+/);

    const wrong = await cli([
      'mapping',
      'validate',
      writeTemp(
        'wrong.json',
        exportFile([{ object_name: 'Account', config: config('write', ['Id']) }]),
      ),
      ...ORG,
    ]);
    expect(wrong.status).toBe(1);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr).toContain('mappings[0].config.access');
    expect(wrong.stderr).toContain('"write"');
    expect(wrong.stderr).not.toMatch(/\n\s+at /);
  });

  it('says so when the file does not exist (bad usage, exit 2)', async () => {
    const missing = join(tempDir('connect-studio-mapping-cli-'), 'nowhere.json');
    const run = await cli(['mapping', 'validate', missing, ...ORG]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`Cannot read the mapping file ${missing}: no such file`);
  });

  describe('against a live org', () => {
    // The fixture describes are generated from this same schema, so both kinds of org agree.
    const local = useLocalOrg({
      schema: [
        loadSchemaFile(join(__dirname, '..', 'fixtures', 'describes', 'fixture-schema.json')),
      ],
    });
    afterEach(() => {
      expect(local().unexpectedErrors).toEqual([]);
    });

    /** API requests the org has counted today (every authenticated REST call counts one). */
    async function apiRequestsUsed(): Promise<number> {
      const { status, json } = await adminCall(local().org, 'GET', 'daily-limit');
      expect(status).toBe(200);
      return (json as { used: number }).used;
    }

    it('fetches the mapped objects and the parents their external-ID fields reach', async () => {
      const token = (await local().connect()).accessToken;
      if (!token) throw new Error('the local org gave jsforce no session token');
      const file = writeTemp(
        'contact.json',
        exportFile([
          contactMapping(CONTACT_FIELDS),
          { object_name: 'Invoice__c', config: config('read_only', ['Id']) },
        ]),
      );
      const before = await apiRequestsUsed();
      const run = await cli([
        'mapping',
        'validate',
        file,
        '--instance-url',
        local().org.instanceUrl,
        '--access-token',
        token,
      ]);
      const used = (await apiRequestsUsed()) - before;
      expect(run.stderr).toBe('');
      expect(run.status).toBe(1);
      const result = JSON.parse(run.stdout) as { problems: Array<Record<string, string>> };
      expect(result.problems).toEqual([
        expect.objectContaining({ code: 'OBJECT_NOT_IN_ORG', object: 'Invoice__c' }),
      ]);
      // One describeGlobal, then Contact (mapped) and Account (parent of
      // Account__External_ID__c): 3 API requests. Invoice__c is not listed by the org, so it is
      // never asked for.
      expect(used).toBe(3);
    });
  });
});

describe('mapping ddl', () => {
  it("prints Heroku Connect's layout for the mappings, in the schema asked for", async () => {
    const file = writeTemp('good.json', GOOD);
    const run = await cli(['mapping', 'ddl', file, ...ORG]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const sql = run.stdout;
    expect(sql).toMatch(/^-- Connect Studio schema plan for "salesforce": \d+ statement\(s\)\./);
    expect(sql).toContain('CREATE TABLE IF NOT EXISTS "salesforce"."_trigger_log"');
    expect(sql).toContain('CREATE TABLE IF NOT EXISTS "salesforce"."contact"');
    expect(sql).toMatch(/"account__external_id__c" varchar\(\d+\)/);
    expect(sql).toContain('CREATE OR REPLACE TRIGGER "hc_contact_logtrigger"');
    expect(sql).toContain('CREATE OR REPLACE TRIGGER "hc_lead_status_trigger"');

    const other = await cli(['mapping', 'ddl', file, ...ORG, '--schema', 'crm']);
    expect(other.status).toBe(0);
    expect(other.stdout).toContain('CREATE TABLE IF NOT EXISTS "crm"."contact"');
    expect(other.stdout).not.toContain('"salesforce".');
    // The same plan, only the schema differs.
    expect(statementsOf(other.stdout)).toHaveLength(statementsOf(sql).length);
  });

  it('prints the plan as JSON with --json', async () => {
    const run = await cli(['mapping', 'ddl', writeTemp('good.json', GOOD), ...ORG, '--json']);
    expect(run.status).toBe(0);
    const plan = JSON.parse(run.stdout) as {
      schema: string;
      statements: Array<{ sql: string; purpose: string; destructive: boolean }>;
      warnings: unknown[];
    };
    expect(plan.schema).toBe('salesforce');
    expect(plan.statements.length).toBeGreaterThan(10);
    expect(plan.statements.some((s) => s.destructive)).toBe(false);
    expect(plan.statements.map((s) => s.sql)).toContain('CREATE SCHEMA IF NOT EXISTS "salesforce"');
  });

  it('prints no SQL for mappings with errors and exits 1', async () => {
    const run = await cli(['mapping', 'ddl', writeTemp('errors.json', WITH_ERRORS), ...ORG]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('OBJECT_NOT_IN_ORG Invoice__c');
    expect(run.stderr).toContain('no SQL was printed');
  });
});

describe('mapping apply, ddl --db and export', () => {
  const SCHEMA = 'app';
  const db = () => ['--db', schemaUrl(), '--schema', SCHEMA];
  let goodFile: string;

  beforeAll(() => {
    goodFile = writeTemp('good.json', GOOD);
  });

  it('applies the layout in one go and reports what it made', async () => {
    const run = await cli(['mapping', 'apply', goodFile, ...ORG, ...db()]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const summary = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({
      ok: true,
      schema: SCHEMA,
      unchanged: false,
      hcmetaId: 1,
      dropped: [],
      notDropped: [],
      warnings: [],
    });
    expect(summary.tables).toEqual([
      { object: 'Account', table: 'account', access: 'read_write', created: true },
      { object: 'Contact', table: 'contact', access: 'read_write', created: true },
      { object: 'Lead', table: 'lead', access: 'read_only', created: true },
    ]);
    expect(summary.statementsRun).toEqual(expect.any(Number));

    expect(await columnsOf(SCHEMA, 'contact')).toEqual([
      'id',
      'sfid',
      'systemmodstamp',
      'isdeleted',
      'lastname',
      'email',
      'accountid',
      'account__external_id__c',
      'external_id__c',
      '_hc_lastop',
      '_hc_err',
    ]);
    const { rows } = await pool.query<{ org_id: string }>(`SELECT org_id FROM app._hcmeta`);
    expect(rows).toEqual([{ org_id: CONNECTION.organization_id }]);
    // The triggers are live: an application insert is logged for Salesforce.
    await pool.query(
      `INSERT INTO app.contact (lastname, email, external_id__c) VALUES ('Lovelace', '', 'c-1')`,
    );
    const logged = await pool.query<{ state: string; action: string; table_name: string }>(
      'SELECT state, action, table_name FROM app._trigger_log',
    );
    expect(logged.rows).toEqual([{ state: 'NEW', action: 'INSERT', table_name: 'contact' }]);
  });

  it('plans nothing for the same file against the applied database', async () => {
    const run = await cli(['mapping', 'ddl', goodFile, ...ORG, ...db()]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`schema plan for "${SCHEMA}": 0 statement(s)`);
    expect(statementsOf(run.stdout)).toEqual([]);

    const again = await cli(['mapping', 'apply', goodFile, ...ORG, ...db()]);
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      unchanged: true,
      statementsRun: 0,
      hcmetaId: null,
    });
    const { rows } = await pool.query('SELECT id FROM app._hcmeta');
    expect(rows).toHaveLength(1);
  });

  it('exports exactly the file that was applied', async () => {
    const run = await cli(['mapping', 'export', ...db()]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(GOOD);
  });

  it('reads the database from DATABASE_URL when --db is not given', async () => {
    const run = await cli(['mapping', 'export', '--schema', SCHEMA], {
      DATABASE_URL: schemaUrl(),
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(GOOD);
  });

  it('alters for added and removed fields, keeps removed columns unless --allow-drop', async () => {
    const changed = exportFile(
      [
        accountMapping,
        contactMapping(CONTACT_FIELDS.filter((f) => f !== 'Email').concat('Phone')),
        leadMapping,
      ],
      CONNECTION,
    );
    const file = writeTemp('changed.json', changed);

    const ddl = await cli(['mapping', 'ddl', file, ...ORG, ...db()]);
    expect(ddl.status).toBe(0);
    expect(statementsOf(ddl.stdout)).toEqual([
      'ALTER TABLE "app"."contact" ADD COLUMN IF NOT EXISTS "phone" varchar(40)',
    ]);
    expect(ddl.stdout).toContain('-- warning: contact.email is no longer mapped');

    const apply = await cli(['mapping', 'apply', file, ...ORG, ...db()]);
    expect(apply.status).toBe(0);
    const summary = JSON.parse(apply.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({ statementsRun: 1, dropped: [] });
    expect(summary.notDropped).toEqual([
      expect.objectContaining({ table: 'contact', column: 'email' }),
    ]);
    expect(await columnsOf(SCHEMA, 'contact')).toContain('email');
    expect(await columnsOf(SCHEMA, 'contact')).toContain('phone');

    const drop = await cli(['mapping', 'apply', file, ...ORG, ...db(), '--allow-drop']);
    expect(drop.status).toBe(0);
    const dropped = JSON.parse(drop.stdout) as { dropped: string[]; notDropped: unknown[] };
    expect(dropped.dropped).toEqual([expect.stringContaining('contact.email')]);
    expect(dropped.notDropped).toEqual([]);
    expect(await columnsOf(SCHEMA, 'contact')).not.toContain('email');
    // The row an application wrote before is still there.
    const { rows } = await pool.query<{ lastname: string }>('SELECT lastname FROM app.contact');
    expect(rows).toEqual([{ lastname: 'Lovelace' }]);

    const exported = await cli(['mapping', 'export', ...db()]);
    expect(exported.stdout).toBe(changed);
  });

  it('keeps mappings a later file does not name, as Heroku Connect imports do', async () => {
    const onlyLead = writeTemp(
      'lead.json',
      exportFile([
        {
          object_name: 'Lead',
          config: config('read_only', ['Id', 'IsDeleted', 'SystemModstamp', 'LastName']),
        },
      ]),
    );
    const run = await cli(['mapping', 'apply', onlyLead, ...ORG, ...db()]);
    expect(run.status).toBe(0);
    const exported = JSON.parse((await cli(['mapping', 'export', ...db()])).stdout) as {
      mappings: Array<{ object_name: string; config: { fields: Record<string, unknown> } }>;
    };
    expect(exported.mappings.map((m) => m.object_name)).toEqual(['Account', 'Contact', 'Lead']);
    expect(Object.keys(exported.mappings[2]!.config.fields)).toEqual([
      'Id',
      'IsDeleted',
      'SystemModstamp',
      'LastName',
    ]);
  });

  it('refuses mappings with errors, prints the problems and changes nothing', async () => {
    const file = writeTemp('errors.json', WITH_ERRORS);
    const run = await cli([
      'mapping',
      'apply',
      file,
      ...ORG,
      '--db',
      schemaUrl(),
      '--schema',
      'refused',
    ]);
    expect(run.status).toBe(1);
    const result = JSON.parse(run.stdout) as { ok: boolean; problems: Array<{ code: string }> };
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => p.code)).toContain('OBJECT_NOT_IN_ORG');
    expect(run.stderr).toContain('nothing was applied: the mappings have 2 errors');
    expect(await schemaExists('refused')).toBe(false);
  });

  it("rebuilds the export from the tables of a schema that records none (Heroku Connect's own)", async () => {
    const apply = await cli([
      'mapping',
      'apply',
      goodFile,
      ...ORG,
      '--db',
      schemaUrl(),
      '--schema',
      'hc',
    ]);
    expect(apply.status).toBe(0);
    await pool.query('UPDATE hc._hcmeta SET details = NULL');

    const run = await cli(['mapping', 'export', '--db', schemaUrl(), '--schema', 'hc', ...ORG]);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('records no mapping export, so the export was rebuilt');
    const rebuilt = JSON.parse(run.stdout) as {
      connection: { organization_id: string };
      mappings: Array<{
        object_name: string;
        config: {
          access: string;
          fields: Record<string, unknown>;
          upsert_field?: string;
          indexes: Record<string, { unique: boolean }>;
        };
      }>;
    };
    expect(rebuilt.connection.organization_id).toBe(CONNECTION.organization_id);
    expect(rebuilt.mappings.map((m) => [m.object_name, m.config.access])).toEqual([
      ['Account', 'read_write'],
      ['Contact', 'read_write'],
      ['Lead', 'read_only'],
    ]);
    const contact = rebuilt.mappings[1]!.config;
    expect(Object.keys(contact.fields).sort()).toEqual(
      ['Id', 'IsDeleted', 'SystemModstamp', ...CONTACT_FIELDS].sort(),
    );
    expect(contact.upsert_field).toBe('External_ID__c');
    expect(rebuilt.mappings[0]!.config.indexes).toEqual({
      Id: { unique: true },
      SystemModstamp: { unique: false },
      External_ID__c: { unique: true },
    });

    // Without describes the names stay as the columns spell them.
    const bare = await cli(['mapping', 'export', '--db', schemaUrl(), '--schema', 'hc']);
    expect(bare.status).toBe(0);
    expect(bare.stderr).toContain('names are lower case');
    const names = (JSON.parse(bare.stdout) as { mappings: Array<{ object_name: string }> })
      .mappings;
    expect(names.map((m) => m.object_name)).toEqual(['account', 'contact', 'lead']);
  });

  it('explains a database that cannot be reached or a schema that does not exist', async () => {
    const port = await closedPort();
    const unreachable = await cli([
      'mapping',
      'apply',
      goodFile,
      ...ORG,
      '--db',
      `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    ]);
    expect(unreachable.status).toBe(1);
    expect(unreachable.stdout).toBe('');
    expect(unreachable.stderr).toContain(`Nothing is listening at 127.0.0.1:${port}`);

    const noSchema = await cli(['mapping', 'export', '--db', schemaUrl(), '--schema', 'nothere']);
    expect(noSchema.status).toBe(1);
    expect(noSchema.stderr).toContain('The database has no schema "nothere"');
  });
});

describe('bad usage exits 2 with a reason and nothing on stdout', () => {
  const file = () => writeTemp('good.json', GOOD);
  const cases: Array<[string, () => string[], RegExp]> = [
    ['no file', () => ['mapping', 'validate', ...ORG], /Give the mapping file to validate/],
    ['two files', () => ['mapping', 'validate', file(), file(), ...ORG], /Give one mapping file/],
    ['no org', () => ['mapping', 'ddl', file()], /Name the org/],
    ['no database', () => ['mapping', 'apply', file(), ...ORG], /Name a database/],
    ['no database to export', () => ['mapping', 'export'], /Name a database/],
    ['an unknown option', () => ['mapping', 'ddl', file(), ...ORG, '--force'], /--force/],
    ['a non-postgres URL', () => ['mapping', 'export', '--db', 'mysql://x/y'], /postgres:\/\//],
    ['a file for export', () => ['mapping', 'export', file(), '--db', 'postgres://x/y'], /no file/],
    ['an unknown subcommand', () => ['mapping', 'frobnicate'], /mapping validate/],
    ['a bad schema name', () => ['mapping', 'ddl', file(), ...ORG, '--schema', ''], /--schema/],
    ['a bad port', () => ['db', 'start', '--port', '99999'], /--port 99999 is not a port/],
  ];
  it.each(cases)('%s', async (_name, args, reason) => {
    const run = await cli(args());
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(reason);
    expect(run.stderr).toMatch(/^connect-studio: /);
    expect(run.status).toBe(2);
  });
});

describe('db start', () => {
  afterEach(killCliServers);

  async function start(args: string[]): Promise<ServingCli & { url: string }> {
    const started = await startCliServer(['db', 'start', ...args]);
    return { ...started, url: (JSON.parse(started.firstLine) as { url: string }).url };
  }

  async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<T>(sql)).rows;
    } finally {
      await client.end();
    }
  }

  it('serves a database until SIGTERM, stops cleanly and keeps the data for the next start', async () => {
    const userData = sharedTempDir('connect-studio-db-start-');
    const first = await start(['--user-data', userData, '--port', '0']);
    expect(Object.keys(JSON.parse(first.firstLine) as object)).toEqual(['url']);
    expect(first.url).toMatch(/^postgres:\/\/postgres:postgres@127\.0\.0\.1:\d+\/postgres$/);
    await query(first.url, 'CREATE TABLE kept (note text)');
    await query(first.url, "INSERT INTO kept VALUES ('still here')");
    const dataDir = join(userData, 'postgres');
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(true);

    expect(await first.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(first.stderr()).toContain('Postgres stopped.');
    expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);
    await expect(query(first.url, 'SELECT 1')).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    // The same cluster by its folder; Ctrl+C (SIGINT) stops it as well.
    const second = await start(['--data', dataDir]);
    expect(await query<{ note: string }>(second.url, 'SELECT note FROM kept')).toEqual([
      { note: 'still here' },
    ]);
    expect(await second.stop('SIGINT')).toEqual({ code: 0, signal: null });
  });

  it('refuses a folder that is neither empty nor a database', async () => {
    const dir = tempDir('connect-studio-db-start-');
    mkdirSync(join(dir, 'stuff'));
    const run = await cli(['db', 'start', '--data', dir]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('is not empty and holds no Postgres database');
  });
});
