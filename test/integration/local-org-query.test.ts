import type { Connection } from 'jsforce';
import { beforeAll, describe, expect, it } from 'vitest';
import { useLocalOrg } from '../support/local-org';

// Paging through large results the ways jsforce does: autoFetch over 5,000 records, queryMore
// by hand, the batchSize header, and queryAll seeing deleted rows (salesforce-rest.md §2.6).

const local = useLocalOrg();
const TOTAL = 5000;
const DELETED = 300;
let conn: Connection;
let ids: string[] = [];

type Row = Record<string, unknown>;

beforeAll(async () => {
  conn = await local().connect();
  const parent = await conn.sobject('Account').create({ Name: 'Paging Parent' });
  const records = Array.from({ length: TOTAL }, (_, i) => ({
    LastName: `Page ${String(i).padStart(5, '0')}`,
    AccountId: parent.id,
  }));
  // Collections take 200 records a request, as on a real org.
  for (let start = 0; start < TOTAL; start += 200) {
    const results = await conn.sobject('Contact').create(records.slice(start, start + 200));
    for (const result of results) {
      if (!result.success) throw new Error(JSON.stringify(result.errors));
      ids.push(result.id as string);
    }
  }
  const removed = ids.slice(0, DELETED);
  for (let start = 0; start < removed.length; start += 200) {
    await conn.sobject('Contact').destroy(removed.slice(start, start + 200));
  }
  ids = ids.slice(DELETED);
}, 120_000);

describe('paging', () => {
  it('autoFetch walks every page of a large result in order', async () => {
    const result = await conn.query<Row>(
      "SELECT Id, LastName, Account.Name FROM Contact WHERE LastName LIKE 'Page %' ORDER BY LastName",
      { autoFetch: true, maxFetch: 10_000 },
    );
    expect(result.totalSize).toBe(TOTAL - DELETED);
    expect(result.done).toBe(true);
    expect(result.records).toHaveLength(TOTAL - DELETED);
    expect(result.records.map((r) => r.Id)).toEqual(ids);
    expect(result.records[0]).toMatchObject({
      LastName: `Page ${String(DELETED).padStart(5, '0')}`,
      Account: { Name: 'Paging Parent' },
    });
  });

  it('pages 2,000 at a time by default; queryMore follows nextRecordsUrl', async () => {
    const soql = "SELECT Id FROM Contact WHERE LastName LIKE 'Page %' ORDER BY LastName";
    const first = await conn.query<Row>(soql);
    expect(first).toMatchObject({ totalSize: TOTAL - DELETED, done: false });
    expect(first.records).toHaveLength(2000);
    expect(first.nextRecordsUrl).toMatch(/\/services\/data\/v62\.0\/query\/[^/]+$/);
    const second = await conn.queryMore<Row>(first.nextRecordsUrl as string);
    expect(second.records).toHaveLength(2000);
    expect(second.totalSize).toBe(TOTAL - DELETED);
    const third = await conn.queryMore<Row>(second.nextRecordsUrl as string);
    expect(third.done).toBe(true);
    expect(third.nextRecordsUrl).toBeUndefined();
    expect(third.records).toHaveLength(TOTAL - DELETED - 4000);
    expect([...first.records, ...second.records, ...third.records].map((r) => r.Id)).toEqual(ids);
  });

  it('honours Sforce-Query-Options batchSize', async () => {
    const result = await conn.query<Row>("SELECT Id FROM Contact WHERE LastName LIKE 'Page %'", {
      headers: { 'Sforce-Query-Options': 'batchSize=500' },
    });
    expect(result.records).toHaveLength(500);
    const next = await conn.queryMore<Row>(result.nextRecordsUrl as string);
    expect(next.records).toHaveLength(500);
    const all = await conn.query<Row>("SELECT Id FROM Contact WHERE LastName LIKE 'Page %'", {
      headers: { 'Sforce-Query-Options': 'batchSize=500' },
      autoFetch: true,
      maxFetch: 10_000,
    });
    expect(all.records).toHaveLength(TOTAL - DELETED);
  });

  it('queryAll sees deleted rows, also on later pages', async () => {
    const all = await conn.query<Row>(
      "SELECT Id, IsDeleted FROM Contact WHERE LastName LIKE 'Page %' ORDER BY LastName",
      { scanAll: true, autoFetch: true, maxFetch: 10_000 },
    );
    expect(all.totalSize).toBe(TOTAL);
    expect(all.records.filter((r) => r.IsDeleted === true)).toHaveLength(DELETED);
    expect(all.records.slice(0, DELETED).every((r) => r.IsDeleted === true)).toBe(true);

    const viaQueryAll = await conn.request<{ totalSize: number; nextRecordsUrl?: string }>(
      `/queryAll?q=${encodeURIComponent("SELECT Id FROM Contact WHERE IsDeleted = true AND LastName LIKE 'Page %'")}`,
    );
    expect(viaQueryAll.totalSize).toBe(DELETED);
  });

  it('serves a queryAll locator from both /query and /queryAll', async () => {
    const soql = "SELECT Id FROM Contact WHERE LastName LIKE 'Page %' ORDER BY LastName";
    const first = await conn.request<{ nextRecordsUrl: string; records: Row[] }>(
      `/queryAll?q=${encodeURIComponent(soql)}`,
    );
    const locator = first.nextRecordsUrl.split('/').pop() as string;
    const viaQuery = await conn.request<{ records: Row[] }>(`/query/${locator}`);
    const viaQueryAll = await conn.request<{ records: Row[] }>(`/queryAll/${locator}`);
    expect(viaQuery.records).toHaveLength(2000);
    expect(viaQueryAll.records.map((r) => r.Id)).toEqual(viaQuery.records.map((r) => r.Id));
  });

  it('pages child subqueries that autoFetch follows', async () => {
    const result = await conn.query<Row>(
      "SELECT Name, (SELECT Id FROM Contacts) FROM Account WHERE Name = 'Paging Parent'",
      { autoFetch: true },
    );
    const contacts = result.records[0]?.Contacts as { totalSize: number; records: Row[] };
    expect(contacts.records).toHaveLength(TOTAL - DELETED);
    expect(local().unexpectedErrors).toEqual([]);
  });
});
