import { describe, expect, it } from 'vitest';
import { adminCall, useLocalOrg } from '../support/local-org';

// POST /_admin/generate: records on demand through the store (ids, SystemModstamp, defaults,
// uniqueness and validation stay the store's), read back through jsforce.

const local = useLocalOrg({ seed: 'demo' });
const DEMO_ACCOUNTS = 300;

interface Generated {
  object: string;
  created: number;
  durationMs: number;
}

async function generate(body: unknown): Promise<{ status: number; json: unknown }> {
  return adminCall(local().org, 'POST', 'generate', body);
}

describe('POST /_admin/generate', () => {
  it('creates 50,000 Accounts in one go, with names and unique external ids', async () => {
    const conn = await local().connect();
    const before = await conn.query('SELECT COUNT() FROM Account');
    expect(before.totalSize).toBe(DEMO_ACCOUNTS);

    const answer = await generate({ object: 'Account', count: 50_000 });
    expect(answer.status).toBe(200);
    const result = answer.json as Generated;
    expect(result).toMatchObject({ object: 'Account', created: 50_000 });
    console.log(`generate: 50,000 Accounts in ${result.durationMs} ms`);
    // "A few seconds" on a developer machine; the bound leaves room for a busy 2-core box.
    expect(result.durationMs).toBeLessThan(15_000);

    const after = await conn.query('SELECT COUNT() FROM Account');
    expect(after.totalSize).toBe(DEMO_ACCOUNTS + 50_000);
    const named = await conn.query("SELECT COUNT() FROM Account WHERE Name LIKE 'Generated %'");
    expect(named.totalSize).toBe(50_000);

    // Every generated External_ID__c is set and none repeats (the seed's are UUIDs).
    const distinct = await conn.query<{ expr0: number }>(
      "SELECT COUNT_DISTINCT(External_ID__c) FROM Account WHERE External_ID__c LIKE 'GEN-%'",
    );
    expect(distinct.records[0]?.expr0).toBe(50_000);

    // The store's own fields: ids of the Account prefix, audit fields, the owner.
    const sample = await conn.query<{
      Id: string;
      Name: string;
      External_ID__c: string;
      OwnerId: string;
      SystemModstamp: string;
      CreatedDate: string;
    }>(
      "SELECT Id, Name, External_ID__c, OwnerId, SystemModstamp, CreatedDate FROM Account WHERE Name LIKE 'Generated %' ORDER BY SystemModstamp LIMIT 2",
    );
    const [first, second] = sample.records;
    expect(first?.Id).toMatch(/^001[A-Za-z0-9]{15}$/);
    expect(first?.OwnerId).toMatch(/^005/);
    expect(first?.CreatedDate).toBeTruthy();
    // Strictly increasing SystemModstamp: a poller never misses one of them.
    expect(Date.parse(second!.SystemModstamp)).toBeGreaterThan(Date.parse(first!.SystemModstamp));
  }, 120_000);

  it('fills the required fields of other objects, and a second run does not collide', async () => {
    const conn = await local().connect();
    const opportunities = await generate({ object: 'opportunity', count: 25 });
    expect(opportunities.status).toBe(200);
    expect(opportunities.json).toMatchObject({ object: 'Opportunity', created: 25 });
    const rows = await conn.query<{ Name: string; StageName: string; CloseDate: string }>(
      "SELECT Name, StageName, CloseDate FROM Opportunity WHERE Name LIKE 'Generated %'",
    );
    expect(rows.totalSize).toBe(25);
    for (const row of rows.records) {
      expect(row.StageName).toBeTruthy();
      expect(row.CloseDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }

    const contacts = await generate({ object: 'Contact', count: 10 });
    expect(contacts.status).toBe(200);
    const contactRows = await conn.query<{ LastName: string; External_ID__c: string | null }>(
      "SELECT LastName, External_ID__c FROM Contact WHERE LastName LIKE 'Generated %'",
    );
    expect(contactRows.totalSize).toBe(10);

    // A required lookup points at an existing parent.
    const members = await generate({ object: 'CampaignMember', count: 3 });
    expect(members.status, JSON.stringify(members.json)).toBe(200);

    // External ids of a second Account run are new values, not duplicates of the first run's.
    const again = await generate({ object: 'Account', count: 100 });
    expect(again.status, JSON.stringify(again.json)).toBe(200);
    const total = await conn.query('SELECT COUNT() FROM Account');
    expect(total.totalSize).toBe(DEMO_ACCOUNTS + 50_000 + 100);
  }, 60_000);

  it('answers 400 with a sentence for a bad object, count or body', async () => {
    const cases: Array<[unknown, string]> = [
      [{ object: 'Nothing__c', count: 5 }, "There is no object 'Nothing__c'"],
      [{ object: 'Account', count: 0 }, 'count must be a whole number from 1 to 100,000'],
      [{ object: 'Account', count: -3 }, 'count must be a whole number'],
      [{ object: 'Account', count: 2.5 }, 'count must be a whole number'],
      [{ object: 'Account', count: 1_000_001 }, 'count must be a whole number'],
      // One synchronous transaction in the process hosting the org: capped per request.
      [{ object: 'Account', count: 100_001 }, 'at most 100,000 records per request'],
      [{ object: 'Account', count: '10' }, 'count is required'],
      [{ count: 10 }, 'object is required'],
      [{ object: 'Account', count: 1, name: 'x' }, "Unknown key 'name'"],
      [[1, 2], 'must be a JSON object'],
    ];
    for (const [body, message] of cases) {
      const answer = await generate(body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect((answer.json as { error: string }).error).toContain(message);
    }
    const notJson = await fetch(`${local().org.instanceUrl}/_admin/generate`, {
      method: 'POST',
      body: '{object',
    });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: string }).error).toContain('not JSON');
  });

  it('refuses a required lookup with no parent, and creates nothing of a refused run', async () => {
    const conn = await local().connect();
    // Profile is listed but has no records here: the User's ProfileId has nothing to point to.
    const users = await generate({ object: 'User', count: 2 });
    expect(users.status).toBe(400);
    expect((users.json as { error: string }).error).toMatch(
      /User\.ProfileId is required and points to Profile/,
    );

    // A run refused part-way creates nothing: a write fault on its first Lead rolls it back.
    await adminCall(local().org, 'PUT', 'faults', {
      writes: { count: 1, errorCode: 'UNABLE_TO_LOCK_ROW', object: 'Lead' },
    });
    const before = await conn.query('SELECT COUNT() FROM Lead');
    const leads = await generate({ object: 'Lead', count: 50 });
    await adminCall(local().org, 'DELETE', 'faults');
    expect(leads.status).toBe(400);
    expect((leads.json as { error: string }).error).toContain(
      'Record 1 of 50 was refused (UNABLE_TO_LOCK_ROW',
    );
    expect((leads.json as { error: string }).error).toContain('nothing was created');
    const after = await conn.query('SELECT COUNT() FROM Lead');
    expect(after.totalSize).toBe(before.totalSize);
  });

  it('lists generate among the admin actions', async () => {
    const unknown = await adminCall(local().org, 'POST', 'reboot');
    expect(unknown.status).toBe(404);
    expect((unknown.json as { error: string }).error).toContain('POST /_admin/generate');
    expect((unknown.json as { error: string }).error).toContain('count up to 100,000 per request');
  });
});
