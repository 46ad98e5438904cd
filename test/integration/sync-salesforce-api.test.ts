import type { Connection } from 'jsforce';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv, writeCsv } from '../../src-main/sync/bulk-csv';
import {
  createSalesforceApi,
  openSalesforceApi,
  parseBulkError,
} from '../../src-main/sync/salesforce-api';
import {
  backoffDelay,
  classifySalesforceFailure,
  isLimitRecordError,
  isRetryableRecordError,
} from '../../src-main/sync/retry';
import { SalesforceCallError, type SalesforceApi } from '../../src-main/sync/types';
import { adminCall, useLocalOrg } from '../support/local-org';

// The engine's Salesforce client against the local org over real HTTP: queries and paging,
// collections, Bulk 2.0 query and ingest, and the faults a sync must survive.

const local = useLocalOrg({ seed: 'empty' });
const ACCOUNTS = 5_200;
const FAST = { backoffBaseMs: 1, backoffMaxMs: 5 };
let conn: Connection;

const pad = (n: number): string => String(n).padStart(5, '0');

beforeAll(async () => {
  const store = local().org.store;
  store.atomically(() => {
    for (let a = 0; a < ACCOUNTS; a++) {
      store.insert('Account', { Name: `Paged ${pad(a)}`, External_ID__c: `PAGED-${a}` });
    }
  });
  conn = await local().connect();
});

afterEach(() => {
  local().org.faults.set({});
});

async function collect(api: SalesforceApi, soql: string, options = {}) {
  const pages: number[] = [];
  const names: string[] = [];
  let totalSize = -1;
  for await (const page of api.queryPages(soql, options)) {
    pages.push(page.records.length);
    totalSize = page.totalSize;
    for (const record of page.records) names.push(String(record.Name));
  }
  return { pages, names, totalSize };
}

async function expectCallError(promise: Promise<unknown>): Promise<SalesforceCallError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SalesforceCallError);
    return error as SalesforceCallError;
  }
  throw new Error('expected the call to fail');
}

describe('REST query', () => {
  it('pages through more than 5,000 records with the default batch size of 2,000', async () => {
    const api = createSalesforceApi(conn, FAST);
    const result = await collect(
      api,
      "SELECT Id, Name FROM Account WHERE Name LIKE 'Paged %' ORDER BY Name",
    );
    expect(result.totalSize).toBe(ACCOUNTS);
    expect(result.pages).toEqual([2000, 2000, 1200]);
    expect(result.names).toHaveLength(ACCOUNTS);
    expect(result.names[0]).toBe('Paged 00000');
    expect(result.names[ACCOUNTS - 1]).toBe(`Paged ${pad(ACCOUNTS - 1)}`);
    expect(new Set(result.names).size).toBe(ACCOUNTS);
    expect(api.callsMade).toBe(3);
    expect(api.dailyUsage?.max).toBe(15_000);
    expect(api.dailyUsage?.used).toBeGreaterThan(0);
  });

  it('sends the batch size and refuses one outside 200–2000', async () => {
    const api = createSalesforceApi(conn, FAST);
    const result = await collect(
      api,
      "SELECT Id, Name FROM Account WHERE Name LIKE 'Paged 00%' ORDER BY Name",
      { batchSize: 300 },
    );
    expect(result.totalSize).toBe(1000);
    expect(result.pages).toEqual([300, 300, 300, 100]);
    expect(api.callsMade).toBe(4);
    const error = await expectCallError(collect(api, 'SELECT Id FROM Account', { batchSize: 50 }));
    expect(error.kind).toBe('permanent');
    expect(error.message).toContain('200 to 2000');
  });

  it('counts, and queryAll sees deleted records', async () => {
    const api = createSalesforceApi(conn, FAST);
    const [created] = await api.collection('create', 'Account', [{ Name: 'Soon deleted' }]);
    expect(created?.ok).toBe(true);
    const id = created?.ok ? created.id : '';
    await api.collection('delete', 'Account', [{ Id: id }]);
    const where = "FROM Account WHERE Name = 'Soon deleted'";
    expect(await api.count(`SELECT COUNT() ${where}`)).toBe(0);
    expect(await api.count(`SELECT COUNT() ${where}`, { all: true })).toBe(1);
    const pages = [];
    for await (const page of api.queryPages(`SELECT Id, IsDeleted ${where}`, { all: true })) {
      pages.push(...page.records);
    }
    expect(pages).toHaveLength(1);
    expect(pages[0]?.Id).toBe(id);
    expect(pages[0]?.IsDeleted).toBe(true);
    expect(await api.count(`SELECT COUNT() FROM Account WHERE Name LIKE 'Paged %'`)).toBe(ACCOUNTS);
  });

  it('reports bad SOQL as a permanent failure with the Salesforce code, without retrying', async () => {
    const api = createSalesforceApi(conn, FAST);
    const error = await expectCallError(api.count('SELECT COUNT() FROM NoSuchObject'));
    expect(error.kind).toBe('permanent');
    expect(error.errorCode).toBe('INVALID_TYPE');
    expect(error.attempts).toBe(1);
    expect(api.callsMade).toBe(1);
  });

  it('knows the org id', async () => {
    const api = createSalesforceApi(conn, FAST);
    expect(await api.organizationId()).toMatch(/^00D[0-9A-Za-z]{15}$/);
    expect(api.apiVersion).toBe('62.0');
  });
});

describe('collections', () => {
  it('creates, updates, upserts and deletes with per-record results in order', async () => {
    const api = createSalesforceApi(conn, FAST);
    const created = await api.collection('create', 'Account', [
      { Name: 'Coll A', External_ID__c: 'COLL-A' },
      { External_ID__c: 'COLL-NONAME' },
      { Name: 'Coll B', External_ID__c: 'COLL-B' },
    ]);
    expect(created.map((r) => r.ok)).toEqual([true, false, true]);
    const failed = created[1];
    expect(failed?.ok === false && failed.errors[0]?.statusCode).toBe('REQUIRED_FIELD_MISSING');
    expect(failed?.ok === false && failed.errors[0]?.fields).toEqual(['Name']);
    const [a, , b] = created.map((r) => (r.ok ? r.id : ''));

    const updated = await api.collection('update', 'Account', [
      { Id: a, Name: 'Coll A2' },
      { Id: b, Name: null },
    ]);
    expect(updated.map((r) => r.ok)).toEqual([true, false]);
    expect(updated[0]).toEqual({ ok: true, id: a });

    const upserted = await api.collection(
      'upsert',
      'Account',
      [
        { External_ID__c: 'COLL-B', Name: 'Coll B2' },
        { External_ID__c: 'COLL-C', Name: 'Coll C' },
        { External_ID__c: 'COLL-D' },
      ],
      { externalIdField: 'External_ID__c' },
    );
    expect(upserted[0]).toEqual({ ok: true, id: b, created: false });
    expect(upserted[1]).toMatchObject({ ok: true, created: true });
    expect(upserted[2]?.ok).toBe(false);

    const rows = await conn.query<{ Name: string }>(
      "SELECT Name FROM Account WHERE Name LIKE 'Coll %' ORDER BY Name",
    );
    expect(rows.records.map((r) => r.Name)).toEqual(['Coll A2', 'Coll B2', 'Coll C']);

    const c = upserted[1]?.ok ? upserted[1].id : '';
    const deleted = await api.collection('delete', 'Account', [{ Id: a }, { Id: c }, { Id: a }]);
    expect(deleted.map((r) => r.ok)).toEqual([true, true, false]);
    expect(api.callsMade).toBe(4);
  });

  it('refuses more than 200 records and an upsert without its external ID field', async () => {
    const api = createSalesforceApi(conn, FAST);
    const many = Array.from({ length: 201 }, (_, i) => ({ Name: `Too many ${i}` }));
    expect((await expectCallError(api.collection('create', 'Account', many))).errorCode).toBe(
      'EXCEEDED_ID_LIMIT',
    );
    expect((await expectCallError(api.collection('upsert', 'Account', [{ Name: 'x' }]))).kind).toBe(
      'permanent',
    );
    expect(await api.collection('update', 'Account', [])).toEqual([]);
    expect(api.callsMade).toBe(0);
  });
});

describe('retry rules', () => {
  it('classifies the shapes jsforce, fetch and our client produce', () => {
    const cases: Array<[unknown, string, string, boolean]> = [
      [Object.assign(new Error('x'), { status: 503 }), 'retryable', 'SERVER_UNAVAILABLE', false],
      [Object.assign(new Error('x'), { status: 502 }), 'retryable', 'HTTP_502', true],
      [Object.assign(new Error('x'), { status: 504 }), 'retryable', 'HTTP_504', true],
      [Object.assign(new Error('x'), { status: 500 }), 'retryable', 'HTTP_500', false],
      [
        Object.assign(new Error('busy'), { name: 'ERROR_HTTP_503', errorCode: 'ERROR_HTTP_503' }),
        'retryable',
        'SERVER_UNAVAILABLE',
        false,
      ],
      [
        new TypeError('fetch failed', {
          cause: Object.assign(new Error('read'), { code: 'ECONNRESET' }),
        }),
        'retryable',
        'ECONNRESET',
        true,
      ],
      [
        new TypeError('fetch failed', {
          cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
        }),
        'retryable',
        'UND_ERR_SOCKET',
        true,
      ],
      [
        new Error('request to http://x failed, reason: socket hang up'),
        'retryable',
        'ECONNRESET',
        true,
      ],
      [Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }), 'retryable', 'EPIPE', true],
      [Object.assign(new Error('t'), { code: 'ETIMEDOUT' }), 'retryable', 'ETIMEDOUT', true],
      [
        new TypeError('fetch failed', {
          cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
        }),
        'retryable',
        'ECONNREFUSED',
        false,
      ],
      [
        Object.assign(new Error('Session expired or invalid'), {
          name: 'INVALID_SESSION_ID',
          errorCode: 'INVALID_SESSION_ID',
        }),
        'session',
        'INVALID_SESSION_ID',
        false,
      ],
      [
        Object.assign(new Error('TotalRequests Limit exceeded.'), {
          errorCode: 'REQUEST_LIMIT_EXCEEDED',
          status: 403,
        }),
        'limit',
        'REQUEST_LIMIT_EXCEEDED',
        false,
      ],
      [
        Object.assign(new Error('unable to obtain exclusive access'), {
          errorCode: 'UNABLE_TO_LOCK_ROW',
        }),
        'retryable',
        'UNABLE_TO_LOCK_ROW',
        false,
      ],
      [
        Object.assign(new Error('bad'), { errorCode: 'MALFORMED_QUERY', status: 400 }),
        'permanent',
        'MALFORMED_QUERY',
        false,
      ],
      [new Error('something odd'), 'permanent', 'UNKNOWN_ERROR', false],
    ];
    for (const [error, kind, code, ambiguous] of cases) {
      expect(classifySalesforceFailure(error), String(error)).toEqual({
        kind,
        errorCode: code,
        message: (error as Error).message,
        ambiguous,
      });
    }
    expect(isRetryableRecordError('UNABLE_TO_LOCK_ROW')).toBe(true);
    expect(isRetryableRecordError('SERVER_UNAVAILABLE')).toBe(true);
    expect(isRetryableRecordError('REQUIRED_FIELD_MISSING')).toBe(false);
    expect(isLimitRecordError('REQUEST_LIMIT_EXCEEDED')).toBe(true);
    expect(isLimitRecordError('UNABLE_TO_LOCK_ROW')).toBe(false);
  });

  it('backs off exponentially with jitter, capped', () => {
    expect(backoffDelay(1, 100, 1000, () => 0)).toBe(50);
    expect(backoffDelay(1, 100, 1000, () => 1)).toBe(100);
    expect(backoffDelay(3, 100, 1000, () => 1)).toBe(400);
    expect(backoffDelay(10, 100, 1000, () => 1)).toBe(1000);
    expect(backoffDelay(10, 100, 1000, () => 0)).toBe(500);
  });
});

describe('Bulk 2.0 query', () => {
  it('pages 3,500 records by 1,000 and resumes from a saved locator', async () => {
    const store = local().org.store;
    store.atomically(() => {
      for (let n = 0; n < 3_500; n++) {
        store.insert('Contact', { LastName: `Bulk ${pad(n)}`, Email: `b${n}@example.com` });
      }
    });
    const api = createSalesforceApi(conn, FAST);
    const soql =
      "SELECT Id, LastName, Email FROM Contact WHERE LastName LIKE 'Bulk %' ORDER BY LastName";
    const job = await api.bulkQuery(soql);
    expect(job.records).toBe(3_500);
    // create + one status GET: the local org completes jobs at the first look.
    expect(api.callsMade).toBe(2);

    const sizes: number[] = [];
    const names: string[] = [];
    const locators: Array<string | null> = [];
    let locator: string | null = null;
    do {
      const page = await api.bulkQueryPage(job.jobId, locator, 1_000);
      expect(page.columns).toEqual(['Id', 'LastName', 'Email']);
      sizes.push(page.rows.length);
      names.push(...page.rows.map((row) => row.LastName ?? ''));
      locator = page.nextLocator;
      locators.push(locator);
    } while (locator !== null);
    expect(sizes).toEqual([1000, 1000, 1000, 500]);
    expect(names[0]).toBe('Bulk 00000');
    expect(names[3_499]).toBe('Bulk 03499');
    expect(new Set(names).size).toBe(3_500);
    expect(api.callsMade).toBe(6);

    // A new client (a restarted engine) resumes from the second page's locator.
    const resumed = createSalesforceApi(conn, FAST);
    const page = await resumed.bulkQueryPage(job.jobId, locators[1] ?? null, 1_000);
    expect(page.rows[0]?.LastName).toBe('Bulk 02000');
    expect(page.nextLocator).toBe(locators[2]);
  });

  it('reads commas, quotes, line breaks and empty values from the CSV', async () => {
    const api = createSalesforceApi(conn, FAST);
    const tricky = [
      { Name: 'Csv 1', Description: 'one, two' },
      { Name: 'Csv 2', Description: 'say "hi"' },
      { Name: 'Csv 3', Description: 'line one\nline two\r\nline three' },
      { Name: 'Csv 4', Description: null },
      { Name: 'Csv 5', Description: '"",\n,"' },
    ];
    const created = await api.collection('create', 'Account', tricky);
    expect(created.every((r) => r.ok)).toBe(true);
    const job = await api.bulkQuery(
      "SELECT Name, Description FROM Account WHERE Name LIKE 'Csv %' ORDER BY Name",
    );
    const page = await api.bulkQueryPage(job.jobId, null, 100);
    expect(page.nextLocator).toBeNull();
    expect(page.rows).toEqual(
      tricky.map((t) => ({ Name: t.Name, Description: t.Description ?? '' })),
    );
  });

  it('sees deleted records with queryAll and reports a failed query as permanent', async () => {
    const api = createSalesforceApi(conn, FAST);
    const [made] = await api.collection('create', 'Account', [{ Name: 'Bulk gone' }]);
    await api.collection('delete', 'Account', [{ Id: made?.ok ? made.id : '' }]);
    const soql = "SELECT Id, IsDeleted FROM Account WHERE Name = 'Bulk gone'";
    expect((await api.bulkQuery(soql)).records).toBe(0);
    const all = await api.bulkQuery(soql, { all: true });
    expect(all.records).toBe(1);
    const page = await api.bulkQueryPage(all.jobId, null, 10);
    expect(page.rows[0]?.IsDeleted).toBe('true');
    const error = await expectCallError(api.bulkQuery('SELECT Nope FROM Account'));
    expect(error.kind).toBe('permanent');
  });
});

describe('Bulk 2.0 ingest', () => {
  it('upserts, updates and deletes, matching every result to its row', async () => {
    const api = createSalesforceApi(conn, FAST);
    const existing = await api.collection(
      'create',
      'Account',
      [1, 2].map((n) => ({ Name: `Ingest ${n}`, External_ID__c: `ING-${n}` })),
    );
    const rows = [
      { External_ID__c: 'ing-3', Name: 'Ingest 3', Description: 'new, "quoted"' },
      { External_ID__c: 'ING-1', Name: 'Ingest 1b', Description: null },
      { External_ID__c: 'ING-4', Name: null, Description: 'no name' },
      { External_ID__c: 'ing-2', Name: 'Ingest 2b', Description: 'line\nbreak' },
    ];
    const upsert = await api.ingest('upsert', 'Account', rows, {
      externalIdField: 'External_ID__c',
    });
    expect(api.callsMade).toBe(1 + 5 + 1); // the create above, 5 for the job, failedResults
    expect(upsert.jobId).toMatch(/^750/);
    const [r3, r1, r4, r2] = upsert.results;
    expect(r3).toMatchObject({ ok: true, created: true });
    expect(r1).toEqual({ ok: true, id: existing[0]?.ok ? existing[0].id : '', created: false });
    expect(r2).toEqual({ ok: true, id: existing[1]?.ok ? existing[1].id : '', created: false });
    expect(r4?.ok).toBe(false);
    expect(r4?.ok === false && r4.errors[0]?.statusCode).toBe('REQUIRED_FIELD_MISSING');
    expect(r4?.ok === false && r4.errors[0]?.fields).toEqual(['Name']);

    const read = await conn.query<{ Name: string; Description: string | null }>(
      "SELECT Name, Description FROM Account WHERE Name LIKE 'Ingest %' ORDER BY Name",
    );
    expect(read.records.map((r) => [r.Name, r.Description])).toEqual([
      ['Ingest 1b', null],
      ['Ingest 2b', 'line\nbreak'],
      ['Ingest 3', 'new, "quoted"'],
    ]);

    const ids = [r1, r2, r3].map((r) => (r?.ok ? r.id : ''));
    const before = api.callsMade;
    const update = await api.ingest('update', 'Account', [
      { Id: ids[0] ?? '', Name: 'Ingest 1c' },
      { Id: '001000000000000AAA', Name: 'Nobody' },
      { Id: ids[1] ?? '', Name: 'Ingest 2c' },
    ]);
    expect(update.results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(update.results[0]).toEqual({ ok: true, id: ids[0] });
    expect(api.callsMade - before).toBe(6);

    const onlySuccess = api.callsMade;
    const quiet = await api.ingest('update', 'Account', [{ Id: ids[2] ?? '', Name: 'Ingest 3b' }]);
    expect(quiet.results).toEqual([{ ok: true, id: ids[2] }]);
    // create, upload, close, one status GET, successfulResults.
    expect(api.callsMade - onlySuccess).toBe(5);

    const deleted = await api.ingest('delete', 'Account', [
      { Id: ids[2] ?? '' },
      { Id: ids[0] ?? '' },
    ]);
    expect(deleted.results).toEqual([
      { ok: true, id: ids[2] },
      { ok: true, id: ids[0] },
    ]);
    expect(await api.count("SELECT COUNT() FROM Account WHERE Name LIKE 'Ingest %'")).toBe(1);
  });

  it('refuses an insert (its results cannot be matched to rows) without calling Salesforce', async () => {
    const api = createSalesforceApi(conn, FAST);
    const error = await expectCallError(api.ingest('insert', 'Account', [{ Name: 'x' }]));
    expect(error.errorCode).toBe('INSERT_NOT_SUPPORTED');
    expect(api.callsMade).toBe(0);
  });
});

describe('waiting for a Bulk job', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('gives up after the longest wait with a retryable BULK_JOB_TIMEOUT', async () => {
    const api = createSalesforceApi(conn, FAST);
    // Every status look takes 400 ms: longer than the 150 ms the call may wait for its job.
    local().org.faults.set({ latencyMs: 400 });
    const started = Date.now();
    const error = await expectCallError(
      api.bulkQuery("SELECT Id FROM Account WHERE Name LIKE 'Paged 0000%'", { maxWaitMs: 150 }),
    );
    expect(error).toMatchObject({ kind: 'retryable', errorCode: 'BULK_JOB_TIMEOUT' });
    expect(error.message).toMatch(/did not finish within/);
    // The job's creation (400 ms) and at most the 150 ms wait, not a finished status look.
    expect(Date.now() - started).toBeLessThan(750);
  });

  it('an ingest stops when its signal is aborted, and sends nothing after', async () => {
    const api = createSalesforceApi(conn, FAST);
    local().org.faults.set({ latencyMs: 300 });
    const controller = new AbortController();
    const started = Date.now();
    const call = api.ingest(
      'upsert',
      'Account',
      [{ External_ID__c: 'ABORTED-1', Name: 'Aborted ingest' }],
      { externalIdField: 'External_ID__c', signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 450); // during the upload, the second request
    const error = await expectCallError(call);
    expect(error).toMatchObject({ kind: 'retryable', errorCode: 'ABORTED' });
    expect(Date.now() - started).toBeLessThan(700);
    const calls = api.callsMade;
    expect(calls).toBe(2);
    await sleep(400);
    expect(api.callsMade).toBe(calls);
  });

  it('a Bulk query stops waiting for its job when its signal is aborted', async () => {
    const api = createSalesforceApi(conn, FAST);
    local().org.faults.set({ latencyMs: 300 });
    const controller = new AbortController();
    const started = Date.now();
    const call = api.bulkQuery("SELECT Id FROM Account WHERE Name LIKE 'Paged 0000%'", {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 400); // during the first status look
    const error = await expectCallError(call);
    expect(error.errorCode).toBe('ABORTED');
    expect(Date.now() - started).toBeLessThan(550);
  });
});

describe('faults', () => {
  it('retries 503 answers until the request goes through', async () => {
    const api = createSalesforceApi(conn, FAST);
    local().org.faults.set({ unavailable: { count: 2 } });
    expect(await api.count("SELECT COUNT() FROM Account WHERE Name LIKE 'Paged 01%'")).toBe(1000);
    expect(api.callsMade).toBe(3);
    // A 503 is a refusal, so even a create is sent again.
    local().org.faults.set({ unavailable: { count: 1 } });
    const [made] = await api.collection('create', 'Account', [{ Name: 'After 503' }]);
    expect(made?.ok).toBe(true);
    expect(api.callsMade).toBe(5);
  });

  it('survives a share of 503s over a paged query', async () => {
    const api = createSalesforceApi(conn, { ...FAST, maxAttempts: 10 });
    local().org.faults.set({ unavailable: { share: 0.4 }, seed: 7 });
    const result = await collect(api, "SELECT Id, Name FROM Account WHERE Name LIKE 'Paged %'", {
      batchSize: 500,
    });
    expect(result.names).toHaveLength(ACCOUNTS);
    const fired = local().org.faults.state().fired.unavailable;
    expect(fired).toBeGreaterThan(0);
    expect(api.callsMade).toBe(11 + fired);
  });

  it('gives up after maxAttempts with a retryable error', async () => {
    const api = createSalesforceApi(conn, { ...FAST, maxAttempts: 3 });
    local().org.faults.set({ unavailable: { count: 10 } });
    const error = await expectCallError(api.count('SELECT COUNT() FROM Account'));
    expect(error).toMatchObject({
      kind: 'retryable',
      errorCode: 'SERVER_UNAVAILABLE',
      attempts: 3,
    });
    expect(error.ambiguous).toBe(false);
    expect(api.callsMade).toBe(3);
  });

  it('retries a dropped upsert but not a dropped create', async () => {
    const api = createSalesforceApi(conn, FAST);
    local().org.faults.set({ drop: { count: 2 } });
    const upserted = await api.collection(
      'upsert',
      'Account',
      [{ External_ID__c: 'DROP-1', Name: 'Dropped upsert' }],
      { externalIdField: 'External_ID__c' },
    );
    expect(upserted[0]?.ok).toBe(true);
    expect(api.callsMade).toBe(3);

    local().org.faults.set({ drop: { count: 1 } });
    const error = await expectCallError(
      api.collection('create', 'Account', [{ Name: 'Dropped create' }]),
    );
    expect(error).toMatchObject({ kind: 'retryable', ambiguous: true, attempts: 1 });
    expect(['ECONNRESET', 'UND_ERR_SOCKET']).toContain(error.errorCode);
    expect(api.callsMade).toBe(4);
  });

  it('times out a slow answer: retryable and ambiguous', async () => {
    const api = createSalesforceApi(conn, { ...FAST, requestTimeoutMs: 100, maxAttempts: 2 });
    local().org.faults.set({ latencyMs: 400 });
    const started = performance.now();
    const error = await expectCallError(api.count('SELECT COUNT() FROM Account'));
    expect(error).toMatchObject({
      kind: 'retryable',
      errorCode: 'REQUEST_TIMEOUT',
      ambiguous: true,
      attempts: 2,
    });
    expect(performance.now() - started).toBeLessThan(400);
    const create = await expectCallError(
      api.collection('create', 'Account', [{ Name: 'Slow create' }]),
    );
    expect(create).toMatchObject({ kind: 'retryable', ambiguous: true, attempts: 1 });
  });

  it('signs in again when the session of a password target expires', async () => {
    const org = local().org;
    const { api, conn: own } = await openSalesforceApi(
      {
        method: 'password',
        loginUrl: org.loginUrl,
        username: org.username,
        password: org.password,
        apiVersion: '62.0',
      },
      FAST,
    );
    const before = own.accessToken;
    expect(await api.count("SELECT COUNT() FROM Account WHERE Name = 'Paged 00001'")).toBe(1);
    await adminCall(org, 'POST', 'expire-sessions');
    expect(await api.count("SELECT COUNT() FROM Account WHERE Name = 'Paged 00001'")).toBe(1);
    expect(own.accessToken).not.toBe(before);
    expect(api.callsMade).toBe(3);
    conn = await local().connect();
  });

  it('reports an expired token as kind session, and a spent daily limit as kind limit', async () => {
    const org = local().org;
    const fresh = await local().connect();
    const { api: tokenApi } = await openSalesforceApi(
      {
        method: 'token',
        instanceUrl: org.instanceUrl,
        accessToken: fresh.accessToken ?? '',
        apiVersion: '62.0',
      },
      FAST,
    );
    expect(await tokenApi.count('SELECT COUNT() FROM Account LIMIT 1')).toBeGreaterThan(0);
    await adminCall(org, 'POST', 'expire-sessions');
    const expired = await expectCallError(tokenApi.count('SELECT COUNT() FROM Account'));
    expect(expired).toMatchObject({
      kind: 'session',
      errorCode: 'INVALID_SESSION_ID',
      attempts: 1,
    });
    expect(expired.message).toMatch(/sign in/i);

    conn = await local().connect();
    const api = createSalesforceApi(conn, FAST);
    await adminCall(org, 'POST', 'exhaust-daily-limit');
    try {
      const limited = await expectCallError(api.count('SELECT COUNT() FROM Account'));
      expect(limited).toMatchObject({ kind: 'limit', errorCode: 'REQUEST_LIMIT_EXCEEDED' });
      expect(api.callsMade).toBe(1);
    } finally {
      await adminCall(org, 'POST', 'reset-daily-limit');
    }
    expect(await api.count("SELECT COUNT() FROM Account WHERE Name = 'Paged 00002'")).toBe(1);
  });
});

describe('lock errors and sign-in failures', () => {
  it('returns injected lock errors per record, as retryable record errors', async () => {
    const api = createSalesforceApi(conn, FAST);
    local().org.faults.set({ writes: { count: 1, errorCode: 'UNABLE_TO_LOCK_ROW' } });
    const results = await api.collection('create', 'Account', [
      { Name: 'Locked 1' },
      { Name: 'Locked 2' },
    ]);
    expect(results[0]?.ok).toBe(false);
    const code = results[0]?.ok === false ? (results[0].errors[0]?.statusCode ?? '') : '';
    expect(code).toBe('UNABLE_TO_LOCK_ROW');
    expect(isRetryableRecordError(code)).toBe(true);
    expect(results[1]?.ok).toBe(true);
    expect(api.callsMade).toBe(1);

    local().org.faults.set({ writes: { count: 1, errorCode: 'UNABLE_TO_LOCK_ROW' } });
    const id = results[1]?.ok ? results[1].id : '';
    const bulk = await api.ingest('update', 'Account', [{ Id: id, Name: 'Locked 2b' }]);
    expect(bulk.results[0]?.ok === false && bulk.results[0].errors[0]?.statusCode).toBe(
      'UNABLE_TO_LOCK_ROW',
    );
  });

  it('reports a refused sign-in as kind session', async () => {
    const org = local().org;
    const error = await expectCallError(
      openSalesforceApi({
        method: 'password',
        loginUrl: org.loginUrl,
        username: org.username,
        password: 'wrong',
        apiVersion: '62.0',
      }),
    );
    expect(error.kind).toBe('session');
    expect(error.message).toContain('Could not sign in');
  });
});

describe('CSV and Bulk error texts', () => {
  it('reads CRLF, a byte-order mark, quoted empties and short rows; writes what it reads', () => {
    const parsed = parseCsv('\ufeffA,B,C\r\n1,"x ""y""",\r\n"",2\r\n"a\r\nb",,"c,d"');
    expect(parsed.columns).toEqual(['A', 'B', 'C']);
    expect(parsed.rows).toEqual([
      { A: '1', B: 'x "y"', C: '' },
      { A: '', B: '2', C: '' },
      { A: 'a\r\nb', B: '', C: 'c,d' },
    ]);
    const values = [['plain', ' lead', 'q"uote', 'com,ma', 'new\nline', '']];
    const columns = ['a', 'b', 'c', 'd', 'e', 'f'];
    expect(parseCsv(writeCsv(columns, values)).rows).toEqual([
      Object.fromEntries(columns.map((c, i) => [c, values[0]?.[i]])),
    ]);
    expect(() => parseCsv('A\n"open')).toThrow(/never closed/);
    expect(() => parseCsv('A\n1,2')).toThrow(/more than the header/);
    expect(parseCsv('')).toEqual({ columns: [], rows: [] });
  });

  it('splits sf__Error into code, message and fields', () => {
    expect(
      parseBulkError('REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --'),
    ).toEqual({
      statusCode: 'REQUIRED_FIELD_MISSING',
      message: 'Required fields are missing: [Name]',
      fields: ['Name'],
    });
    expect(parseBulkError('UNABLE_TO_LOCK_ROW:unable to obtain exclusive access:--')).toEqual({
      statusCode: 'UNABLE_TO_LOCK_ROW',
      message: 'unable to obtain exclusive access',
      fields: [],
    });
    expect(parseBulkError('INVALID_FIELD:bad: A,B --').fields).toEqual(['A', 'B']);
  });
});
