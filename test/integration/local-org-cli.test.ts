// `connect-studio local-org` and `local-org fault` as users run them: the built CLI in a child
// process, jsforce (unmodified) as the client, and a restart on the same file losing nothing.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from 'jsforce';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openStore, seedDemo, type FaultState } from '../../src-main/local-org';
import {
  killCliServers,
  runCliProcess,
  startCliServer,
  type CliRun,
  type ServingCli,
} from '../support/cli';
import { closedPort } from '../support/net';
import { tempDir } from '../support/temp';

interface PrintedOrg {
  loginUrl: string;
  instanceUrl: string;
  username: string;
  password: string;
  accessToken: string;
  apiVersion: string;
}

interface RunningOrg extends ServingCli {
  printed: PrintedOrg;
}

afterAll(killCliServers);

async function startOrg(args: string[]): Promise<RunningOrg> {
  // The line on stderr that says where it serves comes just after the JSON; wait for it too.
  const started = await startCliServer(['local-org', ...args], {
    readyOnStderr: 'Ctrl+C stops it',
  });
  return { ...started, printed: JSON.parse(started.firstLine) as PrintedOrg };
}

function cli(args: string[]): Promise<CliRun> {
  return runCliProcess(args, { timeoutMs: 30_000 });
}

async function login(org: PrintedOrg): Promise<Connection> {
  const conn = new Connection({ loginUrl: org.loginUrl, version: org.apiVersion });
  await conn.login(org.username, org.password);
  return conn;
}

function tokenConnection(org: PrintedOrg, accessToken = org.accessToken): Connection {
  return new Connection({ instanceUrl: org.instanceUrl, accessToken, version: org.apiVersion });
}

async function count(conn: Connection, object: string, where = ''): Promise<number> {
  return (await conn.query(`SELECT COUNT() FROM ${object}${where ? ` WHERE ${where}` : ''}`))
    .totalSize;
}

type Row = Record<string, unknown>;
async function all(conn: Connection, soql: string, scanAll = false): Promise<Row[]> {
  const result = await conn.query<Row>(soql, { autoFetch: true, maxFetch: 100_000, scanAll });
  expect(result.done).toBe(true);
  return result.records;
}

const DEMO_OBJECTS = [
  'Account',
  'Campaign',
  'CampaignMember',
  'Case',
  'Contact',
  'Event',
  'Lead',
  'Opportunity',
  'OpportunityLineItem',
  'Pricebook2',
  'PricebookEntry',
  'Product2',
  'Task',
];

/** What the demo seed gives a new org: computed in-process on a fresh in-memory store. */
function expectedDemo(): { counts: Map<string, number>; firstAccountIds: string[] } {
  const store = openStore({ file: ':memory:' });
  try {
    const countOf = (object: string) =>
      store.query(`SELECT COUNT() FROM ${object}`, { includeDeleted: false, apiVersion: '62.0' })
        .totalSize;
    const before = new Map(DEMO_OBJECTS.map((o) => [o, countOf(o)]));
    const summary = seedDemo(store);
    expect(Object.keys(summary).sort()).toEqual(DEMO_OBJECTS);
    const counts = new Map(DEMO_OBJECTS.map((o) => [o, before.get(o)! + summary[o]!]));
    for (const o of DEMO_OBJECTS) expect({ o, n: countOf(o) }).toEqual({ o, n: counts.get(o) });
    const firstAccountIds = store
      .query('SELECT Id FROM Account ORDER BY Id LIMIT 5', {
        includeDeleted: false,
        apiVersion: '62.0',
      })
      .records.map((r) => r.Id as string);
    return { counts, firstAccountIds };
  } finally {
    store.close();
  }
}

describe('local-org with the demo seed', () => {
  let org: RunningOrg;
  let conn: Connection;
  beforeAll(async () => {
    org = await startOrg(['--data', ':memory:']);
    conn = await login(org.printed);
  });
  afterAll(async () => {
    if (org) expect(await org.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });

  it('prints one JSON line with the credentials first', () => {
    expect(Object.keys(JSON.parse(org.firstLine) as object)).toEqual([
      'loginUrl',
      'instanceUrl',
      'username',
      'password',
      'accessToken',
      'apiVersion',
    ]);
    const { printed } = org;
    expect(printed.instanceUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(printed.loginUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(printed.apiVersion).toMatch(/^\d+\.0$/);
    expect(printed.username).toMatch(/@/);
    expect(printed.password.length).toBeGreaterThan(0);
    expect(printed.accessToken).toMatch(/^00D[A-Za-z0-9]{12}!/);
    expect(org.stderr()).toContain(`serving at ${printed.instanceUrl}`);
  });

  it('serves the demo records: the counts the seed gives, the same ids, related records intact', async () => {
    const expected = expectedDemo();
    expect(expected.counts.get('Account')).toBeGreaterThanOrEqual(300);
    expect(expected.counts.get('Contact')).toBeGreaterThanOrEqual(1000);
    for (const [object, n] of expected.counts) {
      expect({ object, n: await count(conn, object) }).toEqual({ object, n });
    }
    // Deterministic: the process's seed made the same ids as the one run here.
    const ids = await all(conn, 'SELECT Id FROM Account ORDER BY Id LIMIT 5');
    expect(ids.map((r) => r.Id)).toEqual(expected.firstAccountIds);

    // Every Contact's AccountId resolves to an Account.
    const contacts = await all(
      conn,
      'SELECT Id, AccountId, Account.Id, External_ID__c FROM Contact',
    );
    expect(contacts.length).toBe(expected.counts.get('Contact'));
    for (const c of contacts) {
      expect(c.AccountId).toMatch(/^001[A-Za-z0-9]{15}$/);
      expect((c.Account as Row | null)?.Id).toBe(c.AccountId);
      expect(c.External_ID__c).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    }
    expect(new Set(contacts.map((c) => c.External_ID__c)).size).toBe(contacts.length);

    // The circular case: an Account's primary contact belongs to that Account.
    const primaries = await all(
      conn,
      'SELECT Id, Primary_Contact__r.AccountId FROM Account WHERE Primary_Contact__c != null',
    );
    expect(primaries.length).toBeGreaterThan(20);
    for (const a of primaries) expect((a.Primary_Contact__r as Row).AccountId).toBe(a.Id);

    // Hierarchies, line items rolled up, polymorphic activities.
    expect(await count(conn, 'Account', 'ParentId != null')).toBeGreaterThan(10);
    expect(await count(conn, 'Account', 'External_ID__c = null')).toBe(0);
    const deals = await all(
      conn,
      'SELECT Amount, Line_Item_Count__c, (SELECT TotalPrice, Quantity, UnitPrice FROM OpportunityLineItems) FROM Opportunity WHERE Line_Item_Count__c > 0 LIMIT 50',
    );
    expect(deals.length).toBe(50);
    for (const d of deals) {
      const items = (d.OpportunityLineItems as { records: Row[] }).records;
      expect(items.length).toBe(d.Line_Item_Count__c);
      const sum = items.reduce((s, i) => s + (i.Quantity as number) * (i.UnitPrice as number), 0);
      expect(d.Amount).toBeCloseTo(sum, 1);
    }
    expect(await count(conn, 'Task', 'WhoId != null')).toBeGreaterThan(100);
    expect(await count(conn, 'Task', "Who.Type = 'Lead'")).toBeGreaterThan(10);
    expect(await count(conn, 'Event', "What.Type = 'Opportunity'")).toBeGreaterThan(10);
  });

  it('accepts the printed accessToken directly', async () => {
    const direct = tokenConnection(org.printed);
    expect(await count(direct, 'Account')).toBe(await count(conn, 'Account'));
  });

  it('sets, shows and clears faults through `local-org fault`, which jsforce then meets', async () => {
    const url = ['--url', org.printed.instanceUrl];
    const set = await cli([
      'local-org',
      'fault',
      ...url,
      '--fail-writes',
      '1',
      '--object',
      'Account',
    ]);
    expect(set.stderr).toBe('');
    expect(set.status).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({
      plan: { writes: { count: 1, errorCode: 'UNABLE_TO_LOCK_ROW', object: 'Account' } },
      fired: { writes: 0 },
    });

    // Other objects are untouched; the next Account write fails, the one after succeeds.
    expect(
      await conn.sobject('Lead').create({ LastName: 'Unlocked', Company: 'Any' }),
    ).toMatchObject({
      success: true,
    });
    await expect(conn.sobject('Account').create({ Name: 'Locked Co' })).rejects.toMatchObject({
      errorCode: 'UNABLE_TO_LOCK_ROW',
    });
    expect(await conn.sobject('Account').create({ Name: 'Free Co' })).toMatchObject({
      success: true,
    });

    const shown = await cli(['local-org', 'fault', ...url, '--show']);
    expect(shown.status).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ fired: { writes: 1 } });

    // A share with another code; a collection gets per-record failures.
    const share = await cli([
      'local-org',
      'fault',
      ...url,
      '--fail-share',
      '1',
      '--code',
      'REQUEST_LIMIT_EXCEEDED',
    ]);
    expect(share.status).toBe(0);
    const results = await conn.sobject('Account').create([{ Name: 'One' }, { Name: 'Two' }]);
    expect(results.map((r) => r.success)).toEqual([false, false]);
    expect(JSON.stringify(results)).toContain('REQUEST_LIMIT_EXCEEDED');

    // Latency on every API request.
    expect((await cli(['local-org', 'fault', ...url, '--latency', '400'])).status).toBe(0);
    const started = performance.now();
    await count(conn, 'Account');
    expect(performance.now() - started).toBeGreaterThanOrEqual(380);

    // 503s and dropped connections (POSTs: jsforce does not retry them).
    const lead = { LastName: 'Unlucky', Company: 'Any' };
    expect((await cli(['local-org', 'fault', ...url, '--unavailable', '1'])).status).toBe(0);
    await expect(conn.sobject('Lead').create(lead)).rejects.toMatchObject({
      errorCode: 'SERVER_UNAVAILABLE',
    });
    expect((await cli(['local-org', 'fault', ...url, '--drop', '1'])).status).toBe(0);
    await expect(conn.sobject('Lead').create(lead)).rejects.toThrow(/socket hang up|ECONNRESET/);
    const fired = await cli(['local-org', 'fault', ...url, '--show']);
    expect(JSON.parse(fired.stdout)).toEqual({
      plan: { drop: { count: 1 } },
      fired: { writes: 0, unavailable: 0, drop: 1 },
    });

    const cleared = await cli(['local-org', 'fault', ...url, '--clear']);
    expect(cleared.status).toBe(0);
    expect(cleared.stderr).toContain('every fault cleared');
    expect((JSON.parse(cleared.stdout) as FaultState).plan).toEqual({});
    expect(await conn.sobject('Account').create({ Name: 'After Clear' })).toMatchObject({
      success: true,
    });

    // An exhausted daily limit refuses API calls until it is reset.
    expect((await cli(['local-org', 'fault', ...url, '--exhaust-limit'])).status).toBe(0);
    await expect(count(conn, 'Account')).rejects.toMatchObject({
      errorCode: 'REQUEST_LIMIT_EXCEEDED',
    });
    expect((await cli(['local-org', 'fault', ...url, '--reset-limit'])).status).toBe(0);
    expect(await count(conn, 'Account', "Name = 'After Clear'")).toBe(1);
  });

  it('expires sessions on demand: a login() connection logs in again, a token-only one fails', async () => {
    const direct = tokenConnection(org.printed);
    expect(await count(direct, 'Campaign')).toBeGreaterThan(0);
    const expired = await cli([
      'local-org',
      'fault',
      '--url',
      org.printed.instanceUrl,
      '--expire-sessions',
    ]);
    expect(expired.status).toBe(0);
    expect(expired.stderr).toContain('every session expired');
    await expect(count(direct, 'Campaign')).rejects.toMatchObject({
      errorCode: 'INVALID_SESSION_ID',
    });
    expect(await count(conn, 'Campaign')).toBeGreaterThan(0);
  });
});

describe('local-org on a file', () => {
  afterEach(killCliServers);

  it('keeps everything across a restart: records, SystemModstamps, the recycle bin, the token, no second seed', async () => {
    const userData = tempDir('connect-studio-local-org-');
    const first = await startOrg(['--user-data', userData, '--port', '0']);
    const file = join(userData, 'local-org.sqlite');
    expect(existsSync(file)).toBe(true);
    const conn = await login(first.printed);

    const created = await conn
      .sobject('Account')
      .create([
        { Name: 'Kept Alpha', External_ID__c: 'kept-alpha' },
        { Name: 'Kept Beta' },
        { Name: 'Binned Gamma' },
      ]);
    expect(created.every((r) => r.success)).toBe(true);
    const [alpha, beta, gamma] = created.map((r) => (r as { id: string }).id) as [
      string,
      string,
      string,
    ];
    await conn
      .sobject('Account')
      .update({ Id: beta, Name: 'Kept Beta (renamed)', Industry: 'Energy' });
    await conn.sobject('Account').destroy(gamma);
    const demoContact = (await all(conn, 'SELECT Id FROM Contact ORDER BY Id LIMIT 1'))[0]!
      .Id as string;
    await conn.sobject('Contact').destroy(demoContact);
    await conn.sobject('Contact').create({ LastName: 'Newcomer', AccountId: alpha });

    const snapshot = async (c: Connection) => ({
      accounts: await all(
        c,
        'SELECT Id, Name, Industry, IsDeleted, SystemModstamp, CreatedDate FROM Account ORDER BY Id',
        true,
      ),
      contacts: await all(
        c,
        'SELECT Id, LastName, AccountId, IsDeleted, SystemModstamp FROM Contact ORDER BY Id',
        true,
      ),
      counts: Object.fromEntries(
        await Promise.all(
          ['Account', 'Contact', 'Opportunity', 'OpportunityLineItem', 'Task', 'Pricebook2'].map(
            async (o) => [o, await count(c, o)] as const,
          ),
        ),
      ),
    });
    const before = await snapshot(conn);
    expect(before.accounts.find((a) => a.Id === gamma)).toMatchObject({ IsDeleted: true });
    expect(before.accounts.find((a) => a.Id === beta)).toMatchObject({ Industry: 'Energy' });

    expect(await first.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(first.stderr()).toContain('the local org stopped');

    // The same file by name; --seed demo again must not add a second set of records.
    const second = await startOrg(['--data', file, '--seed', 'demo']);
    expect(second.stderr()).toContain('was not applied');
    expect(second.stderr()).toContain('reopened');
    expect(first.stderr()).toContain('new, seed demo');
    expect(second.printed.accessToken).toBe(first.printed.accessToken);
    expect(second.printed.username).toBe(first.printed.username);
    const again = await login(second.printed);
    expect(await snapshot(again)).toEqual(before);
    expect(
      await all(again, `SELECT Id FROM Account WHERE Id = '${gamma}' AND IsDeleted = true`, true),
    ).toHaveLength(1);
    expect(await all(again, `SELECT Id FROM Account WHERE Id = '${gamma}'`)).toHaveLength(0);

    // The token printed by the first process works against the second.
    const direct = tokenConnection(second.printed, first.printed.accessToken);
    expect(await count(direct, 'Account')).toBe(before.counts.Account);
    expect(await second.stop('SIGINT')).toEqual({ code: 0, signal: null });
  });

  it('starts an empty org with extra objects from --schema', async () => {
    const dir = tempDir('connect-studio-local-org-');
    const schemaFile = join(dir, 'invoice.json');
    writeFileSync(
      schemaFile,
      JSON.stringify({
        objects: [
          {
            name: 'Invoice__c',
            fields: [
              { name: 'Total__c', type: 'currency' },
              { name: 'Account__c', type: 'reference', referenceTo: ['Account'] },
            ],
          },
        ],
      }),
    );
    const org = await startOrg(['--data', ':memory:', '--seed', 'empty', '--schema', schemaFile]);
    const conn = await login(org.printed);
    expect(await count(conn, 'Account')).toBe(0);
    expect(await count(conn, 'Contact')).toBe(0);
    const account = await conn.sobject('Account').create({ Name: 'Billed' });
    const invoice = await conn
      .sobject('Invoice__c')
      .create({ Total__c: 12.5, Account__c: (account as { id: string }).id });
    expect(invoice).toMatchObject({ success: true });
    const rows = await all(conn, 'SELECT Total__c, Account__r.Name FROM Invoice__c');
    expect(rows).toMatchObject([{ Total__c: 12.5, Account__r: { Name: 'Billed' } }]);
    expect(await org.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });
});

describe('local-org usage errors', () => {
  it.each([
    [['local-org', '--seed', 'lots'], '--seed lots is not a seed; use --seed demo or --seed empty'],
    [['local-org', '--port', 'eighty'], '--port eighty is not a port'],
    [['local-org', '--prot', '1'], "Unknown option '--prot'"],
    [['local-org', 'faults'], 'did you mean connect-studio local-org fault?'],
    [['local-org', '--schema', '/nonexistent/schema.json'], '--schema /nonexistent/schema.json:'],
    [['local-org', 'fault'], 'Missing --url'],
    [['local-org', 'fault', '--url', 'http://127.0.0.1:9'], 'Name a fault to set'],
    [['local-org', 'fault', '--url', 'nowhere', '--show'], '--url nowhere is not a URL'],
    [
      ['local-org', 'fault', '--url', 'http://127.0.0.1:9', '--fail-share', '2'],
      '--fail-share 2 is not a share',
    ],
    [
      ['local-org', 'fault', '--url', 'http://127.0.0.1:9', '--fail-writes', 'x'],
      '--fail-writes x is not a count',
    ],
    [
      ['local-org', 'fault', '--url', 'http://127.0.0.1:9', '--code', 'UNABLE_TO_LOCK_ROW'],
      'add --fail-writes N or --fail-share X',
    ],
    [
      ['local-org', 'fault', '--url', 'http://127.0.0.1:9', '--fail-writes', '1', '--code', 'lock'],
      '--code lock is not a Salesforce status code',
    ],
    [
      ['local-org', 'fault', '--url', 'http://127.0.0.1:9', '--latency=-5'],
      '--latency -5 is not a delay; use milliseconds',
    ],
    [
      ['local-org', 'fault', '--url', 'http://127.0.0.1:9', '--exhaust-limit', '--reset-limit'],
      'give one of them',
    ],
  ])('%j exits 2 naming the option and the fix', async (args, message) => {
    const run = await cli(args);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.status).toBe(2);
  });

  it('refuses a folder as --data', async () => {
    const dir = tempDir('connect-studio-local-org-');
    mkdirSync(join(dir, 'org'));
    const run = await cli(['local-org', '--data', join(dir, 'org')]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('is a folder; name a file');
  });

  it('says so when --data is not a local org database, and when nothing answers at --url', async () => {
    const dir = tempDir('connect-studio-local-org-');
    const notDb = join(dir, 'notes.sqlite');
    writeFileSync(notDb, 'these are notes, not a database\n'.repeat(200));
    const bad = await cli(['local-org', '--data', notDb]);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain(`${notDb} is not a local org's database`);
    expect(bad.stderr).not.toMatch(/\n\s+at /);

    const port = await closedPort();
    const nobody = await cli(['local-org', 'fault', '--url', `http://127.0.0.1:${port}`, '--show']);
    expect(nobody.status).toBe(1);
    expect(nobody.stderr).toContain(`Nothing answers at http://127.0.0.1:${port}`);
  });
});
