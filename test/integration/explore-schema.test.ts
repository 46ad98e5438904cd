// schema.* and query.* through the studio's router against the local org over HTTP (jsforce,
// the describe cache in SQLite and the org are all real). Requests are counted on the org itself
// (its DailyApiRequests counter), so "answered from the cache" and "cost one call" are proven
// by the org, not by our own bookkeeping.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResult } from '../../src-shared/api';
import { useLocalOrg } from '../support/local-org';
import { openExploreStudio, orgCalls, useOrg, type ExploreStudio } from './explore-studio';

const local = useLocalOrg({ seed: 'demo' });
/** Contacts added to the demo's 1,200, so a query pages past 2,000 rows. */
const EXTRA_CONTACTS = 1_000;
const CONTACTS = 1_200 + EXTRA_CONTACTS;

let explore: ExploreStudio;
let orgKey: string;

beforeAll(async () => {
  const store = local().org.store;
  store.atomically(() => {
    for (let i = 0; i < EXTRA_CONTACTS; i++) {
      store.insert('Contact', { LastName: `Paging ${String(i).padStart(4, '0')}` });
    }
  });
  explore = openExploreStudio();
});

afterAll(async () => {
  await explore?.close();
});

describe('without an active org', () => {
  it('answers NO_ACTIVE_ORG with what to do', async () => {
    const error = await explore.fail('schema.objects', {});
    expect(error.code).toBe('NO_ACTIVE_ORG');
    expect(error.message).toMatch(/Connections/);
    expect((await explore.fail('query.run', { soql: 'SELECT Id FROM Account' })).code).toBe(
      'NO_ACTIVE_ORG',
    );
  });
});

describe('schema.objects', () => {
  beforeAll(async () => {
    await useOrg(explore, local().org);
  });

  it('fetches the list once when nothing is cached, then answers from the cache', async () => {
    const before = await orgCalls(local().org);
    const first = await explore.call('schema.objects', {});
    expect(await orgCalls(local().org)).toBe(before + 1);
    expect(first.fetchedAt).not.toBeNull();
    expect(first.refreshing).toBe(false);
    // The cache is keyed by the org's id (15 characters), not by the profile.
    expect(first.orgKey).toBe(local().org.store.identity.orgId.slice(0, 15));
    orgKey = first.orgKey!;
    const account = first.objects.find((o) => o.name === 'Account');
    expect(account).toEqual({
      name: 'Account',
      label: 'Account',
      custom: false,
      keyPrefix: '001',
      queryable: true,
      mapped: null,
    });
    const second = await explore.call('schema.objects', {});
    expect(await orgCalls(local().org)).toBe(before + 1);
    expect(second).toEqual(first);

    const global = (await (await local().connect()).describeGlobal()).sobjects;
    expect(first.objects.map((o) => o.name)).toEqual(global.map((o) => o.name));
  });

  it('refreshes in the background when asked, then announces the list', async () => {
    const cachedAt = (await explore.call('schema.objects', {})).fetchedAt!;
    const before = await orgCalls(local().org);
    const updated = explore.nextEvent('schema.objectsUpdated');
    const answer = await explore.call('schema.objects', { refresh: true });
    expect(answer.refreshing).toBe(true);
    expect(answer.fetchedAt).toBe(cachedAt);
    expect(answer.objects.length).toBeGreaterThan(10);
    expect(await updated).toEqual({ count: answer.objects.length });
    expect(await orgCalls(local().org)).toBe(before + 1);
    const after = await explore.call('schema.objects', {});
    expect(after.refreshing).toBe(false);
    expect(Date.parse(after.fetchedAt!)).toBeGreaterThan(Date.parse(cachedAt));
    expect(after.objects).toEqual(answer.objects);
  });

  it('refreshes a list older than 10 minutes by itself', async () => {
    const cached = explore.studio.cache.objectLists.get(orgKey)!;
    const old = new Date(Date.now() - 11 * 60_000).toISOString();
    explore.studio.cache.objectLists.put({ ...cached, fetchedAt: old });
    const updated = explore.nextEvent('schema.objectsUpdated');
    const answer = await explore.call('schema.objects', {});
    expect(answer.fetchedAt).toBe(old);
    expect(answer.refreshing).toBe(true);
    await updated;
    const fresh = await explore.call('schema.objects', {});
    expect(Date.now() - Date.parse(fresh.fetchedAt!)).toBeLessThan(60_000);
  });
});

describe('schema.describe', () => {
  it('fetches an uncached describe and waits for it, with the Postgres type of each field', async () => {
    const before = await orgCalls(local().org);
    const answer = await explore.call('schema.describe', { object: 'contact' });
    expect(await orgCalls(local().org)).toBe(before + 1);
    expect(answer.describe.name).toBe('Contact');
    expect(answer.refreshing).toBe(false);
    expect(answer.mapped).toBeNull();
    expect(answer.columnTypes.Id).toEqual({ ok: true, sqlType: 'varchar(18)' });
    expect(answer.columnTypes.Email).toEqual({ ok: true, sqlType: 'varchar(80)' });
    expect(answer.columnTypes.Birthdate).toEqual({ ok: true, sqlType: 'date' });
    expect(answer.columnTypes.SystemModstamp).toEqual({ ok: true, sqlType: 'timestamp' });
    expect(answer.columnTypes.MailingAddress).toMatchObject({ ok: false });
    expect(Object.keys(answer.columnTypes).sort()).toEqual(
      answer.describe.fields.map((f) => f.name).sort(),
    );

    const again = await explore.call('schema.describe', { object: 'Contact' });
    expect(await orgCalls(local().org)).toBe(before + 1);
    expect(again.fetchedAt).toBe(answer.fetchedAt);

    const direct = await (await local().connect()).describe('Contact');
    expect(answer.describe).toEqual(JSON.parse(JSON.stringify(direct)));
  });

  it('revalidates with If-Modified-Since: a 304 keeps the cached describe', async () => {
    // A cached Lead describe that differs from the org's (one field less) but carries a
    // Last-Modified after the org's schema change: only a 304 can leave it as it is.
    const real = JSON.parse(JSON.stringify(await (await local().connect()).describe('Lead')));
    const doctored = {
      ...real,
      fields: real.fields.filter((f: { name: string }) => f.name !== 'Company'),
    };
    const cachedAt = new Date().toISOString();
    explore.studio.cache.describes.put({
      orgKey,
      objectName: 'Lead',
      describe: doctored,
      fetchedAt: cachedAt,
      lastModified: new Date().toUTCString(),
    });
    const before = await orgCalls(local().org);
    // The answer said "refreshing", so an event follows even when nothing changed: the
    // renderer reloads on it and sees the refresh finished.
    const finished = explore.nextEvent('schema.describeUpdated', (p) => p.object === 'Lead');
    const answer = await explore.call('schema.describe', { object: 'Lead', refresh: true });
    expect(answer.describe).toEqual(doctored);
    expect(answer.refreshing).toBe(true);
    await finished;
    const revalidated = await explore.call('schema.describe', { object: 'Lead' });
    expect(revalidated.refreshing).toBe(false);
    expect(Date.parse(revalidated.fetchedAt!)).toBeGreaterThan(Date.parse(cachedAt));
    expect(revalidated.describe).toEqual(doctored);
    expect(await orgCalls(local().org)).toBe(before + 1);
  });

  it('keeps the cached describe when revalidation fails, without retrying for seconds', async () => {
    const before = (await explore.call('schema.describe', { object: 'Lead' })).describe;
    const org = local().org;
    org.faults.set({ unavailable: { count: 10 } });
    try {
      const started = performance.now();
      const finished = explore.nextEvent('schema.describeUpdated', (p) => p.object === 'Lead');
      await explore.call('schema.describe', { object: 'Lead', refresh: true });
      await finished;
      // jsforce would retry a 503 five times over about 15 s; one request, at once.
      expect(org.faults.state().fired.unavailable).toBe(1);
      expect(performance.now() - started).toBeLessThan(2_000);
      const after = await explore.call('schema.describe', { object: 'Lead' });
      expect(after.describe).toEqual(before);
      expect(after.refreshing).toBe(false);

      const error = await explore.fail('query.run', { soql: 'SELECT Id FROM Lead' });
      expect(error.code).toBe('REMOTE_ERROR');
      expect(error.message).toContain('Server unavailable');
      expect(org.faults.state().fired.unavailable).toBe(2);
    } finally {
      org.faults.set({});
    }
  });

  it('replaces a describe the org changed since, and announces it', async () => {
    const real = JSON.parse(JSON.stringify(await (await local().connect()).describe('Case')));
    const doctored = { ...real, fields: real.fields.slice(0, 3) };
    explore.studio.cache.describes.put({
      orgKey,
      objectName: 'Case',
      describe: doctored,
      fetchedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
      lastModified: 'Thu, 01 Jan 1998 00:00:00 GMT',
    });
    const updated = explore.nextEvent('schema.describeUpdated', (p) => p.object === 'Case');
    const stale = await explore.call('schema.describe', { object: 'Case' });
    expect(stale.describe.fields).toHaveLength(3);
    expect(stale.refreshing).toBe(true);
    await updated;
    const fresh = await explore.call('schema.describe', { object: 'Case' });
    expect(fresh.describe).toEqual(real);
    expect(fresh.refreshing).toBe(false);
  });

  it('says which name is wrong', async () => {
    const unknown = await explore.fail('schema.describe', { object: 'Nothing__c' });
    expect(unknown.code).toBe('NOT_FOUND');
    expect(unknown.message).toContain('Nothing__c');
    const bad = await explore.fail('schema.describe', { object: 'Account/../x' });
    expect(bad.code).toBe('BAD_PARAMS');
    expect(bad.message).toContain('Account/../x');
  });
});

describe('schema.describeMany', () => {
  it('answers cached describes, fetches the missing ones, and lists unknown names', async () => {
    const before = await orgCalls(local().org);
    const answer = await explore.call('schema.describeMany', {
      objects: ['Contact', 'Opportunity', 'Nope__c', 'account', 'Task', 'Contact'],
    });
    expect(answer.describes.map((d) => d.name)).toEqual([
      'Contact',
      'Opportunity',
      'Account',
      'Task',
    ]);
    expect(answer.missing).toEqual(['Nope__c']);
    // Contact was cached; Nope__c is not in the org's list, so only three describes were asked.
    expect(await orgCalls(local().org)).toBe(before + 3);
    const again = await explore.call('schema.describeMany', { objects: ['Task', 'Account'] });
    expect(again.describes.map((d) => d.name)).toEqual(['Task', 'Account']);
    expect(await orgCalls(local().org)).toBe(before + 3);
  });
});

describe('schema.count', () => {
  it('counts with SELECT COUNT()', async () => {
    const answer = await explore.call('schema.count', { object: 'Contact' });
    expect(answer.count).toBe(CONTACTS);
    expect(answer.durationMs).toBeGreaterThanOrEqual(0);
    const conn = await local().connect();
    const opportunities = await explore.call('schema.count', { object: 'Opportunity' });
    expect(opportunities.count).toBe(
      (await conn.query('SELECT COUNT() FROM Opportunity')).totalSize,
    );
    expect(opportunities.count).toBe(600);
  });
});

describe('query.run and query.more', () => {
  const soql = 'SELECT Id, LastName, Account.Name, Account.Owner.Name FROM Contact ORDER BY Id';

  it('pages past 2,000 rows with a cursor, each page costing exactly one API call', async () => {
    const before = await orgCalls(local().org);
    const first = await explore.call('query.run', { soql });
    expect(first.totalSize).toBe(CONTACTS);
    expect(first.records).toHaveLength(2_000);
    expect(first.done).toBe(false);
    expect(first.cursor).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.apiCalls).toBe(1);
    expect(await orgCalls(local().org)).toBe(before + 1);
    expect(first.durationMs).toBeGreaterThanOrEqual(0);

    const second = await explore.call('query.more', { cursor: first.cursor! });
    expect(second.records).toHaveLength(CONTACTS - 2_000);
    expect(second.done).toBe(true);
    expect(second.cursor).toBeNull();
    expect(second.apiCalls).toBe(1);
    expect(await orgCalls(local().org)).toBe(before + 2);

    // Exactly what Salesforce answered, nested parents included.
    const conn = await local().connect();
    const direct = await conn.query(soql, { autoFetch: true, maxFetch: 10_000 });
    expect([...first.records, ...second.records]).toEqual(
      JSON.parse(JSON.stringify(direct.records)),
    );
    const withParent = first.records.find((r) => r.Account !== null)!;
    expect(withParent.Account).toMatchObject({
      attributes: { type: 'Account' },
      Owner: { attributes: { type: 'User' } },
    });
  });

  it('sends the batch size to the org and keeps child subquery results as the org sent them', async () => {
    const page = await explore.call('query.run', {
      soql: 'SELECT Id, Name, (SELECT Id, LastName FROM Contacts) FROM Account ORDER BY Name',
      batchSize: 200,
    });
    expect(page.records).toHaveLength(200);
    expect(page.totalSize).toBe(300);
    const withChildren = page.records.find((r) => r.Contacts !== null)!;
    expect(withChildren.Contacts).toMatchObject({ done: true, totalSize: expect.any(Number) });
    const children = withChildren.Contacts as { records: unknown[]; totalSize: number };
    expect(children.records).toHaveLength(children.totalSize);
  });

  it('reads deleted records with all (queryAll)', async () => {
    const store = local().org.store;
    const id = store.insert('Contact', { LastName: 'Deleted for queryAll' });
    store.delete('Contact', id);
    const soqlDeleted = `SELECT Id, IsDeleted FROM Contact WHERE Id = '${id}'`;
    expect((await explore.call('query.run', { soql: soqlDeleted })).totalSize).toBe(0);
    const all = await explore.call('query.run', { soql: soqlDeleted, all: true });
    expect(all.records).toMatchObject([{ Id: id, IsDeleted: true }]);
  });

  it("answers the org's error with its row and column intact", async () => {
    const text = 'SELECT Id,\n  Nam\nFROM Contact';
    const error = await explore.fail('query.run', { soql: text });
    expect(error.code).toBe('REMOTE_ERROR');
    expect(error.message).toContain('ERROR at Row:2:Column:3');
    expect(error.message).toContain("No such column 'Nam' on entity 'Contact'");
    expect(error.details).toEqual({ errorCode: 'INVALID_FIELD', line: 2, column: 3 });
  });

  it('refuses a cursor it does not know', async () => {
    const error = await explore.fail('query.more', { cursor: 'not-a-cursor' });
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toMatch(/run the query again/);
  });
});

describe('query.history', () => {
  it('lists every run on the active org, newest first, with rows, time and errors', async () => {
    await explore.call('query.run', { soql: 'SELECT Id FROM Campaign' });
    await explore.fail('query.run', { soql: 'SELECT Id FROM Campaign WHERE' });
    const { entries } = await explore.call('query.history', { limit: 2 });
    expect(entries).toHaveLength(2);
    const [failed, ran] = entries as ApiResult<'query.history'>['entries'];
    expect(failed).toMatchObject({ soql: 'SELECT Id FROM Campaign WHERE', rowCount: null });
    expect(failed!.error).toContain('ERROR at Row:1');
    expect(ran).toMatchObject({ soql: 'SELECT Id FROM Campaign', rowCount: 12, error: null });
    expect(ran!.durationMs).toEqual(expect.any(Number));
    const everything = await explore.call('query.history', {});
    expect(everything.entries.length).toBeGreaterThanOrEqual(7);
  });
});

describe('saved queries', () => {
  it('saves, renames, refuses a second query of one name, and removes', async () => {
    const saved = await explore.call('query.save', {
      name: 'Big accounts',
      soql: 'SELECT Id FROM Account WHERE NumberOfEmployees > 1000',
    });
    expect(saved.id).toMatch(/^[0-9a-f-]{36}$/);
    const renamed = await explore.call('query.save', {
      id: saved.id,
      name: 'Large accounts',
      soql: saved.soql,
    });
    expect(renamed).toMatchObject({
      id: saved.id,
      name: 'Large accounts',
      createdAt: saved.createdAt,
    });
    const clash = await explore.fail('query.save', {
      name: 'large ACCOUNTS',
      soql: 'SELECT Id FROM Lead',
    });
    expect(clash.code).toBe('CONFLICT');
    expect(clash.message).toContain('Large accounts');
    const unknown = await explore.fail('query.save', {
      id: 'nope',
      name: 'x',
      soql: 'SELECT Id FROM Lead',
    });
    expect(unknown.code).toBe('NOT_FOUND');
    expect((await explore.call('query.saved', {})).queries).toEqual([renamed]);
    expect(await explore.call('query.removeSaved', { id: saved.id })).toEqual({ removed: true });
    expect(await explore.call('query.removeSaved', { id: saved.id })).toEqual({ removed: false });
    expect((await explore.call('query.saved', {})).queries).toEqual([]);
  });
});
