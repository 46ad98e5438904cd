import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSchemaFile } from '../../src-main/local-org';
import { runCliProcess, type CliRun } from '../support/cli';
import { FIXTURE_DESCRIBE_DIR, FIXTURE_GLOBAL_FILE } from '../support/describes';
import { adminCall, useLocalOrg } from '../support/local-org';
import { tempDir } from '../support/temp';

// `connect-studio soql check|format` as users run it: the built CLI in a child process, with
// offline describes (the fixture org) or the real local org, serving the fixture org's schema,
// answering the describe calls over HTTP (jsforce, the checker and the validator are real).

const ORG_DIR = 'test/fixtures/describes/org';

/** Runs the CLI without blocking this process, so an in-process fake org can answer it. */
function cli(args: string[]): Promise<CliRun> {
  return runCliProcess(args, { timeoutMs: 30_000 });
}

function jsonLines(stdout: string): unknown[] {
  return stdout
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as unknown);
}

const noSuchColumn = (field: string, object: string) =>
  `No such column '${field}' on entity '${object}'. If you are attempting to use a custom field, ` +
  "be sure to append the '__c' after the custom field name. Please reference your WSDL or the " +
  'describe call for the appropriate names.';

describe('soql check with --describe', () => {
  it('prints ok for a valid query and exits 0', async () => {
    const run = await cli([
      'soql',
      'check',
      "SELECT Id, Name, (SELECT LastName FROM Contacts) FROM Account WHERE Industry = 'Energy'",
      '--describe',
      ORG_DIR,
    ]);
    expect(run).toMatchObject({ status: 0, stderr: '' });
    expect(jsonLines(run.stdout)).toEqual([{ ok: true, diagnostics: [] }]);
  });

  it('prints the diagnostics of an invalid query and exits 1', async () => {
    const run = await cli([
      'soql',
      'check',
      'SELECT Id,\n  Nme FROM Account',
      '--describe',
      ORG_DIR,
    ]);
    expect(run.status).toBe(1);
    expect(jsonLines(run.stdout)).toEqual([
      {
        ok: false,
        diagnostics: [
          {
            errorCode: 'INVALID_FIELD',
            message: noSuchColumn('Nme', 'Account'),
            line: 2,
            column: 3,
          },
        ],
      },
    ]);
  });

  it('checks every non-empty line of --file, in order', async () => {
    const mixed = "SELECT Id FROM Account WHERE Name = 'a' AND Type = 'b' OR Id = null";
    const file = join(tempDir('connect-studio-soql-'), 'queries.soql');
    writeFileSync(
      file,
      [
        'SELECT Id FROM Account',
        '',
        "SELECT Id FROM Child__c WHERE Parent__c.Name = 'x'\r",
        '   ',
        'SELECT Name FROM Account ORDER BY Name LIMIT 10 OFFSET 2500',
        mixed,
        '',
      ].join('\n'),
    );
    const run = await cli(['soql', 'check', '--file', file, '--describe', ORG_DIR]);
    expect(run.status).toBe(1);
    expect(jsonLines(run.stdout)).toEqual([
      { ok: true, diagnostics: [] },
      {
        ok: false,
        diagnostics: [
          {
            errorCode: 'INVALID_FIELD',
            message:
              "Didn't understand relationship 'Parent__c' in field path. If you are attempting to " +
              "use a custom relationship, be sure to append the '__r' after the custom relationship " +
              'name. Please reference your WSDL or the describe call for the appropriate names.',
            line: 1,
            column: 31,
          },
        ],
      },
      {
        ok: false,
        diagnostics: [
          {
            errorCode: 'NUMBER_OUTSIDE_VALID_RANGE',
            message: 'Maximum SOQL offset allowed is 2000',
            line: 1,
            column: 56,
          },
        ],
      },
      {
        ok: false,
        diagnostics: [
          {
            errorCode: 'MALFORMED_QUERY',
            message: "unexpected token: 'OR'",
            line: 1,
            column: mixed.indexOf(' OR ') + 2,
          },
        ],
      },
    ]);
  });

  it('exits 0 when every query in the file is valid', async () => {
    const file = join(tempDir('connect-studio-soql-'), 'ok.soql');
    writeFileSync(file, 'SELECT Id FROM Contact\nSELECT COUNT() FROM Lead\n');
    const run = await cli(['soql', 'check', '--file', file, '--describe', ORG_DIR]);
    expect(run.status).toBe(0);
    expect(jsonLines(run.stdout)).toEqual([
      { ok: true, diagnostics: [] },
      { ok: true, diagnostics: [] },
    ]);
  });

  it('checks with the --api-version given', async () => {
    const query =
      'SELECT Name, (SELECT Name, (SELECT Quantity FROM OpportunityLineItems) FROM Opportunities) FROM Account';
    const current = await cli(['soql', 'check', query, '--describe', ORG_DIR]);
    expect(current.status).toBe(0);
    const old = await cli(['soql', 'check', query, '--describe', ORG_DIR, '--api-version', '57.0']);
    expect(old.status).toBe(1);
    expect(jsonLines(old.stdout)).toEqual([
      {
        ok: false,
        diagnostics: [
          {
            errorCode: 'MALFORMED_QUERY',
            message:
              'SOQL statements cannot query aggregate relationships more than 1 level away from the root entity object.',
            line: 1,
            column: query.indexOf('OpportunityLineItems') + 1,
          },
        ],
      },
    ]);
  });

  it('knows objects listed in _global.json without describing them', async () => {
    const dir = tempDir('connect-studio-describes-');
    copyFileSync(join(FIXTURE_DESCRIBE_DIR, 'Account.json'), join(dir, 'Account.json'));
    const query = 'SELECT Id FROM Profile';
    const without = await cli(['soql', 'check', query, '--describe', dir]);
    expect(without.status).toBe(1);
    expect(jsonLines(without.stdout)[0]).toMatchObject({
      diagnostics: [{ errorCode: 'INVALID_TYPE', line: 1, column: 16 }],
    });
    copyFileSync(FIXTURE_GLOBAL_FILE, join(dir, '_global.json'));
    const withGlobal = await cli(['soql', 'check', query, '--describe', dir]);
    expect(withGlobal).toMatchObject({ status: 0, stderr: '' });
  });

  it('names the describe file that is not valid JSON', async () => {
    const dir = tempDir('connect-studio-describes-');
    writeFileSync(join(dir, 'Account.json'), '{"name": "Account", "fields": [');
    const run = await cli(['soql', 'check', 'SELECT Id FROM Account', '--describe', dir]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`${join(dir, 'Account.json')} is not valid JSON`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('explains bad usage with exit code 2', async () => {
    const noQuery = await cli(['soql', 'check', '--describe', ORG_DIR]);
    expect(noQuery.status).toBe(2);
    expect(noQuery.stderr).toContain('put the query in quotes');
    const split = await cli([
      'soql',
      'check',
      'SELECT',
      'Id',
      'FROM',
      'Account',
      '--describe',
      ORG_DIR,
    ]);
    expect(split.status).toBe(2);
    expect(split.stderr).toContain('Give one query as one argument');
    const noOrg = await cli(['soql', 'check', 'SELECT Id FROM Account']);
    expect(noOrg.status).toBe(2);
    expect(noOrg.stderr).toContain('--describe DIR');
    const both = await cli([
      'soql',
      'check',
      'SELECT Id FROM Account',
      '--file',
      'x',
      '--describe',
      ORG_DIR,
    ]);
    expect(both.status).toBe(2);
    expect(both.stderr).toContain('not both');
    const missing = await cli(['soql', 'check', '--file', '/no/such/file', '--describe', ORG_DIR]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('Cannot read --file /no/such/file');
  });
});

describe('soql format', () => {
  it('prints the formatted query', async () => {
    const run = await cli([
      'soql',
      'format',
      "select id, name, (select lastname from contacts where email != null) from account where industry = 'Energy' and annualrevenue > 1000 order by name limit 10",
    ]);
    expect(run).toMatchObject({ status: 0, stderr: '' });
    expect(run.stdout).toBe(
      [
        'SELECT id, name, (SELECT lastname FROM contacts WHERE email != NULL)',
        'FROM account',
        "WHERE industry = 'Energy' AND annualrevenue > 1000",
        'ORDER BY name',
        'LIMIT 10',
        '',
      ].join('\n'),
    );
  });

  it('refuses a query with syntax errors, naming where', async () => {
    const run = await cli([
      'soql',
      'format',
      'SELECT Id FROM Account WHERE a = 1 AND b = 2 OR c = 3',
    ]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain("line 1, column 46: MALFORMED_QUERY: unexpected token: 'OR'");
  });
});

describe('soql check against an org', () => {
  // The fixture describes are generated from this same schema, so both kinds of org agree.
  const local = useLocalOrg({
    schema: [loadSchemaFile(join(__dirname, '..', 'fixtures', 'describes', 'fixture-schema.json'))],
  });
  afterEach(() => {
    expect(local().unexpectedErrors).toEqual([]);
  });

  /** A live session token (SOAP login through jsforce; logins cost no API requests). */
  async function freshToken(): Promise<string> {
    const token = (await local().connect()).accessToken;
    if (!token) throw new Error('the local org gave jsforce no session token');
    return token;
  }

  /** API requests the org has counted today (every authenticated REST call counts one). */
  async function apiRequestsUsed(): Promise<number> {
    const { status, json } = await adminCall(local().org, 'GET', 'daily-limit');
    expect(status).toBe(200);
    return (json as { used: number }).used;
  }

  it('fetches each describe the file reaches once, and only those', async () => {
    const token = await freshToken();
    const file = join(tempDir('connect-studio-soql-'), 'org.soql');
    writeFileSync(
      file,
      [
        'SELECT Id, Name, Owner.Profile.Name, (SELECT LastName FROM Contacts) FROM Account',
        'SELECT Id, Account.Nme FROM Contact',
        "SELECT Id, What.Name FROM Task WHERE Who.Type = 'Lead'",
        'SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Opportunity)',
        'SELECT Id FROM Acount',
      ].join('\n'),
    );
    const before = await apiRequestsUsed();
    const run = await cli([
      'soql',
      'check',
      '--file',
      file,
      '--instance-url',
      local().org.instanceUrl,
      '--access-token',
      token,
    ]);
    const used = (await apiRequestsUsed()) - before;
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    const results = jsonLines(run.stdout) as { ok: boolean }[];
    expect(results.map((r) => r.ok)).toEqual([true, false, true, true, false]);
    expect(results[1]).toEqual({
      ok: false,
      diagnostics: [
        {
          errorCode: 'INVALID_FIELD',
          message: noSuchColumn('Nme', 'Account'),
          line: 1,
          column: 20,
        },
      ],
    });
    expect(results[4]).toMatchObject({ diagnostics: [{ errorCode: 'INVALID_TYPE', column: 16 }] });

    // One describeGlobal, then one describe each for Account (root, and parent of Contact), User
    // (Account.Owner), Profile (listed by the org, not describable: 404, still a call), Contact
    // (child of Account, root), Task (root), Opportunity (semi-join): 7 API requests. Task's
    // What/Who targets are not fetched: without TYPEOF they resolve to the Name object.
    expect(used).toBe(7);
  });

  it('explains an org that refuses the token, with exit code 1', async () => {
    const token = await freshToken();
    const args = ['soql', 'check', 'SELECT Id FROM Account'];
    const orgArgs = ['--instance-url', local().org.instanceUrl, '--access-token', token];
    expect(await cli([...args, ...orgArgs])).toMatchObject({ status: 0, stderr: '' });

    const expired = await adminCall(local().org, 'POST', 'expire-sessions');
    expect(expired).toMatchObject({ status: 200, json: { expired: expect.any(Number) } });
    const run = await cli([...args, ...orgArgs]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('The access token was refused');
  });
});
