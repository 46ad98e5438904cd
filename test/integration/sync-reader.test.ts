// The reader against a real org over HTTP (the local org, demo seed plus a few thousand
// Accounts) and real Postgres: initial loads by REST and by Bulk 2.0, resumed loads, polls with
// deletes, matching by the unique identifier, and unsent changes that a poll must not overwrite.
import type { Connection } from 'jsforce';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPool, withEngineSession } from '../../src-main/postgres';
// Straight from the files, not the sync door: the engine beside them is being written.
import { buildMappingContexts, type MappingContext } from '../../src-main/sync/context';
import type {
  EngineSettings,
  SalesforceApi,
  SyncEvent,
  SyncPartContext,
} from '../../src-main/sync/types';
import { readMappingBookkeeping, updateBookkeeping } from '../../src-main/sync/bookkeeping';
import { createMappingReader } from '../../src-main/sync/reader';
import { prefetch } from '../../src-main/sync/reader/pages';
import { createSalesforceApi } from '../../src-main/sync/salesforce-api';
import { qualifiedName, type Mapping } from '../../src-shared/mapping';
import { useEmbeddedPostgres } from '../support/embedded-postgres';
import { engineSettings } from '../support/engine-settings';
import { useLocalOrg } from '../support/local-org';
import { accountContactMappings, createSyncWorld, type SyncWorld } from '../support/sync-world';

const postgres = useEmbeddedPostgres();
const local = useLocalOrg({ seed: 'demo' });

/** Accounts added to the demo's 300, so loads take several pages. */
const EXTRA_ACCOUNTS = 4_500;

/** The relationship guide's Account and Contact, with a value of every type besides. */
function mappings(): Mapping[] {
  return accountContactMappings({
    Account: ['Type', 'AnnualRevenue', 'Description', 'Phone', 'Website'],
    Contact: ['Title', 'Birthdate', 'DoNotCall', 'LeadSource'],
  });
}

interface Harness {
  world: SyncWorld;
  account: MappingContext;
  contact: MappingContext;
  events: SyncEvent[];
  /** Event arrival times (ms), parallel to `events`. */
  times: number[];
  part: (over?: Partial<EngineSettings>, api?: SalesforceApi, pool?: pg.Pool) => SyncPartContext;
}

const worlds: SyncWorld[] = [];
let conn: Connection;
let api: SalesforceApi;

async function harness(): Promise<Harness> {
  const world = await createSyncWorld({
    org: local().org,
    databaseUrl: postgres().url,
    mappings: mappings(),
  });
  worlds.push(world);
  const { contexts, problems } = buildMappingContexts(
    world.document.mappings,
    world.catalog,
    world.schemaName,
  );
  expect(problems).toEqual([]);
  const events: SyncEvent[] = [];
  const times: number[] = [];
  return {
    world,
    account: contexts.find((c) => c.objectName === 'Account')!,
    contact: contexts.find((c) => c.objectName === 'Contact')!,
    events,
    times,
    part: (over = {}, salesforce = api, pool = world.pool) => ({
      pool,
      salesforce,
      settings: engineSettings(world.schemaName, over),
      emit: (event) => {
        events.push(event);
        times.push(performance.now());
      },
    }),
  };
}

type Watched = ReturnType<typeof watched>;

/** Hooks into a real client: sees every query and Bulk call, may act before a page is given. */
function watched(
  inner: SalesforceApi,
  hooks: {
    onPage?: (pageNumber: number) => void | Promise<void>;
  } = {},
): SalesforceApi & { soql: string[]; bulkJobs: string[]; pages: number } {
  const watch = {
    soql: [] as string[],
    bulkJobs: [] as string[],
    pages: 0,
    get apiVersion() {
      return inner.apiVersion;
    },
    get callsMade() {
      return inner.callsMade;
    },
    get dailyUsage() {
      return inner.dailyUsage;
    },
    organizationId: () => inner.organizationId(),
    count: (soql: string, options?: { all?: boolean }) => inner.count(soql, options),
    async *queryPages(soql: string, options?: { all?: boolean; batchSize?: number }) {
      watch.soql.push(soql);
      for await (const page of inner.queryPages(soql, options)) {
        watch.pages++;
        await hooks.onPage?.(watch.pages);
        yield page;
      }
    },
    bulkQuery: async (soql: string, options?: { all?: boolean }) => {
      watch.soql.push(soql);
      const job = await inner.bulkQuery(soql, options);
      watch.bulkJobs.push(job.jobId);
      return job;
    },
    bulkQueryPage: async (jobId: string, locator: string | null, maxRecords: number) => {
      const page = await inner.bulkQueryPage(jobId, locator, maxRecords);
      watch.pages++;
      await hooks.onPage?.(watch.pages);
      return page;
    },
    collection: inner.collection.bind(inner),
    ingest: inner.ingest.bind(inner),
  };
  return watch;
}

async function orgIds(objectName: string): Promise<string[]> {
  const result = await conn.query<{ Id: string }>(`SELECT Id FROM ${objectName}`, {
    autoFetch: true,
    maxFetch: 1_000_000,
  });
  return result.records.map((r) => r.Id).sort();
}

async function tableSfids(world: SyncWorld, table: string): Promise<string[]> {
  const result = await world.pool.query<{ sfid: string }>(
    `SELECT sfid FROM ${qualifiedName(world.schemaName, table)} WHERE sfid IS NOT NULL`,
  );
  return result.rows.map((r) => r.sfid).sort();
}

/** Whole rows as JSON (timestamps as Postgres prints them), in sfid order. */
async function tableRows(world: SyncWorld, table: string): Promise<unknown[]> {
  const result = await world.pool.query<{ row: unknown }>(
    `SELECT to_jsonb(t) AS row FROM ${qualifiedName(world.schemaName, table)} t ORDER BY sfid`,
  );
  return result.rows.map((r) => r.row);
}

async function triggerLogCount(world: SyncWorld): Promise<number> {
  const result = await world.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${qualifiedName(world.schemaName, '_trigger_log')}`,
  );
  return result.rows[0]!.n;
}

const never = new AbortController().signal;

beforeAll(async () => {
  conn = await local().connect();
  api = createSalesforceApi(conn);
  const { store } = local().org;
  store.atomically(() => {
    for (let i = 0; i < EXTRA_ACCOUNTS; i++) {
      store.insert('Account', {
        Name: `Volume Account ${i}`,
        Industry: ['Energy', 'Banking', 'Retail'][i % 3],
        NumberOfEmployees: i,
        AnnualRevenue: 1000 + i / 4,
        External_ID__c: `volume-${String(i).padStart(6, '0')}`,
      });
    }
  });
});

afterAll(async () => {
  for (const world of worlds) await world.close();
});

describe('initial load', () => {
  let rest: Harness;
  let bulk: Harness;
  let special: { accountId: string; contactId: string };
  let restLoaded: { account: number; contact: number };
  let bulkLoaded: { account: number; contact: number };

  beforeAll(async () => {
    const parent = await conn.sobject('Account').create({
      Name: 'Values Parent',
      External_ID__c: 'values-parent-ext',
      Industry: 'Media',
      NumberOfEmployees: 0,
      AnnualRevenue: 1234.5,
      Description: 'line one\nline two\twith a tab and a backslash \\ and "quotes"',
      Website: 'https://values.example.com',
    });
    const child = await conn.sobject('Contact').create({
      FirstName: 'Tab\tNew\nLine\\Back',
      LastName: 'Values',
      Email: 'values@example.com',
      Birthdate: '1987-06-05',
      DoNotCall: true,
      LeadSource: 'Web',
      External_ID__c: 'values-contact-ext',
      AccountId: parent.id,
    });
    if (!parent.success || !child.success) throw new Error('fixture records not created');
    special = { accountId: parent.id, contactId: child.id };

    rest = await harness();
    const restReader = createMappingReader(rest.part({ bulkReadThreshold: 1_000_000 }));
    restLoaded = {
      account: (await restReader.ensureLoaded(rest.account, never)).loaded,
      contact: (await restReader.ensureLoaded(rest.contact, never)).loaded,
    };
    bulk = await harness();
    const bulkReader = createMappingReader(
      bulk.part({ bulkReadThreshold: 100, bulkPageSize: 700 }),
    );
    bulkLoaded = {
      account: (await bulkReader.ensureLoaded(bulk.account, never)).loaded,
      contact: (await bulkReader.ensureLoaded(bulk.contact, never)).loaded,
    };
  });

  it('loads every record once by REST and by Bulk, and both give the same tables', async () => {
    const accountIds = await orgIds('Account');
    const contactIds = await orgIds('Contact');
    expect(accountIds.length).toBeGreaterThan(EXTRA_ACCOUNTS);
    expect(restLoaded).toEqual({ account: accountIds.length, contact: contactIds.length });
    expect(bulkLoaded).toEqual(restLoaded);
    for (const h of [rest, bulk]) {
      expect(await tableSfids(h.world, 'account')).toEqual(accountIds);
      expect(await tableSfids(h.world, 'contact')).toEqual(contactIds);
    }
    expect(await tableRows(bulk.world, 'account')).toEqual(await tableRows(rest.world, 'account'));
    expect(await tableRows(bulk.world, 'contact')).toEqual(await tableRows(rest.world, 'contact'));
    // The APIs really differed.
    const apis = (h: Harness) =>
      new Set(h.events.flatMap((e) => (e.type === 'load.progress' ? [e.progress.api] : [])));
    expect(apis(rest)).toEqual(new Set(['rest']));
    expect(apis(bulk)).toEqual(new Set(['bulk']));
  });

  it('writes in the engine session: nothing in the trigger log, every row SYNCED', async () => {
    for (const h of [rest, bulk]) {
      expect(await triggerLogCount(h.world)).toBe(0);
      const lastops = await h.world.pool.query<{ lastop: string | null; n: number }>(
        `SELECT _hc_lastop AS lastop, count(*)::int AS n FROM ${h.account.qualifiedTable} GROUP BY 1`,
      );
      expect(lastops.rows).toEqual([{ lastop: 'SYNCED', n: restLoaded.account }]);
    }
  });

  it("fires the application's own triggers on the table, as Heroku Connect's writes do", async () => {
    const h = await harness();
    const seen = qualifiedName(h.world.schemaName, 'seen_by_custom_trigger');
    await h.world.pool.query(`CREATE TABLE ${seen} (sfid text, lastop text)`);
    await h.world.pool.query(
      `CREATE FUNCTION ${qualifiedName(h.world.schemaName, 'remember_account')}() RETURNS trigger
         LANGUAGE plpgsql AS $$ BEGIN
           INSERT INTO ${seen} VALUES (NEW.sfid, NEW._hc_lastop); RETURN NULL; END $$`,
    );
    await h.world.pool.query(
      `CREATE TRIGGER remember_account AFTER INSERT ON ${h.account.qualifiedTable}
         FOR EACH ROW EXECUTE FUNCTION ${qualifiedName(h.world.schemaName, 'remember_account')}()`,
    );
    const { loaded } = await createMappingReader(h.part()).ensureLoaded(h.account, never);
    const remembered = await h.world.pool.query<{ n: number; synced: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE lastop = 'SYNCED')::int AS synced FROM ${seen}`,
    );
    expect(remembered.rows[0]).toEqual({ n: loaded, synced: loaded });
    expect(await triggerLogCount(h.world)).toBe(0);
  });

  it('converts every type of value, the same way on both paths', async () => {
    const [sfAccount] = (
      await conn.query<Record<string, unknown>>(
        `SELECT SystemModstamp, CreatedDate, AnnualRevenue FROM Account WHERE Id = '${special.accountId}'`,
      )
    ).records;
    for (const h of [rest, bulk]) {
      const account = await h.world.pool.query(
        `SELECT name, external_id__c, industry, numberofemployees, annualrevenue, description,
                website, phone, isdeleted,
                to_char(systemmodstamp, 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS stamp,
                to_char(createddate, 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS created
           FROM ${h.account.qualifiedTable} WHERE sfid = $1`,
        [special.accountId],
      );
      expect(account.rows).toEqual([
        {
          name: 'Values Parent',
          external_id__c: 'values-parent-ext',
          industry: 'Media',
          numberofemployees: 0,
          // The org keeps AnnualRevenue at its scale; the column holds what it returns.
          annualrevenue: sfAccount!.AnnualRevenue,
          description: 'line one\nline two\twith a tab and a backslash \\ and "quotes"',
          website: 'https://values.example.com',
          phone: null,
          isdeleted: false,
          // `2024-01-02T03:04:05.678+0000` is held as the UTC time 2024-01-02 03:04:05.678.
          stamp: (sfAccount!.SystemModstamp as string).replace(/\+0000$/, ''),
          created: (sfAccount!.CreatedDate as string).replace(/\+0000$/, ''),
        },
      ]);
      const contact = await h.world.pool.query(
        `SELECT firstname, lastname, email, title, birthdate::text AS birthdate, donotcall,
                leadsource, accountid, account__external_id__c
           FROM ${h.contact.qualifiedTable} WHERE sfid = $1`,
        [special.contactId],
      );
      expect(contact.rows).toEqual([
        {
          firstname: 'Tab\tNew\nLine\\Back',
          lastname: 'Values',
          email: 'values@example.com',
          title: null,
          birthdate: '1987-06-05',
          donotcall: true,
          leadsource: 'Web',
          accountid: special.accountId,
          account__external_id__c: 'values-parent-ext',
        },
      ]);
    }
  });

  it("fills relationship external-ID columns from the parent's external ID", async () => {
    for (const h of [rest, bulk]) {
      const checked = await h.world.pool.query<{ filled: number; wrong: number; orphans: number }>(
        `SELECT count(*) FILTER (WHERE c.account__external_id__c IS NOT NULL)::int AS filled,
                count(*) FILTER (WHERE c.account__external_id__c IS DISTINCT FROM a.external_id__c)::int AS wrong,
                count(*) FILTER (WHERE c.accountid IS NULL AND c.account__external_id__c IS NOT NULL)::int AS orphans
           FROM ${h.contact.qualifiedTable} c
           LEFT JOIN ${h.account.qualifiedTable} a ON a.sfid = c.accountid`,
      );
      expect(checked.rows[0]!.filled).toBeGreaterThan(100);
      expect(checked.rows[0]!.wrong).toBe(0);
      expect(checked.rows[0]!.orphans).toBe(0);
      // Accounts point at their primary contact (the demo's circular case) and their parent.
      const accounts = await h.world.pool.query<{ primary: number; parent: number; wrong: number }>(
        `SELECT count(*) FILTER (WHERE a.primary_contact__r__external_id__c IS NOT NULL)::int AS primary,
                count(*) FILTER (WHERE a.parent__external_id__c IS NOT NULL)::int AS parent,
                count(*) FILTER (WHERE a.primary_contact__c IS NOT NULL
                  AND a.primary_contact__r__external_id__c IS DISTINCT FROM c.external_id__c)::int AS wrong
           FROM ${h.account.qualifiedTable} a
           LEFT JOIN ${h.contact.qualifiedTable} c ON c.sfid = a.primary_contact__c`,
      );
      expect(accounts.rows[0]!.primary).toBeGreaterThan(0);
      expect(accounts.rows[0]!.parent).toBeGreaterThan(0);
      expect(accounts.rows[0]!.wrong).toBe(0);
    }
  });

  it('reports progress at most every 250 ms and once at the end', () => {
    for (const h of [rest, bulk]) {
      const indexes = h.events.flatMap((e, i) =>
        e.type === 'load.progress' && e.objectName === 'Account' ? [i] : [],
      );
      const progress = indexes.map(
        (i) =>
          (
            h.events[i] as {
              progress: {
                done: number;
                total: number;
                etaSeconds: number | null;
                ratePerSecond: number;
              };
            }
          ).progress,
      );
      expect(progress.length).toBeGreaterThanOrEqual(2);
      const last = progress[progress.length - 1]!;
      expect(last).toMatchObject({
        done: restLoaded.account,
        total: restLoaded.account,
        etaSeconds: 0,
      });
      expect(last.ratePerSecond).toBeGreaterThan(0);
      for (let k = 1; k < progress.length; k++) {
        expect(progress[k]!.done).toBeGreaterThanOrEqual(progress[k - 1]!.done);
      }
      // Between reports other than the last: at least 250 ms (a little slack for the timer).
      for (let k = 1; k < indexes.length - 1; k++) {
        expect(h.times[indexes[k]!]! - h.times[indexes[k - 1]!]!).toBeGreaterThanOrEqual(245);
      }
      const statuses = h.events.filter(
        (e) => e.type === 'mapping.status' && e.status.objectName === 'Account',
      );
      expect(statuses.length).toBe(progress.length);
      for (const s of statuses) {
        if (s.type === 'mapping.status') expect(s.status.phase).toBe('initial_load');
      }
    }
  });

  it('ends with the load done and the high-water mark no later than its start', async () => {
    const kept = await readMappingBookkeeping(rest.world.pool, rest.world.schemaName, 'account');
    expect(kept?.loadedAt).toBeInstanceOf(Date);
    expect(kept?.load).toBeNull();
    expect(kept?.phase).toBe('synced');
    expect(kept!.highWaterMark!.getTime()).toBeLessThanOrEqual(kept!.loadedAt!.getTime());
    // A second call does nothing.
    const again = await createMappingReader(rest.part()).ensureLoaded(rest.account, never);
    expect(again.loaded).toBe(0);
  });
});

describe('resuming an interrupted load', () => {
  async function expectEveryAccountOnce(h: Harness): Promise<void> {
    const ids = await orgIds('Account');
    const rows = await h.world.pool.query<{ n: number; distinct: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT sfid)::int AS distinct FROM ${h.account.qualifiedTable}`,
    );
    expect(rows.rows[0]).toEqual({ n: ids.length, distinct: ids.length });
    expect(await tableSfids(h.world, 'account')).toEqual(ids);
    const kept = await readMappingBookkeeping(h.world.pool, h.world.schemaName, 'Account');
    expect(kept?.loadedAt).toBeInstanceOf(Date);
  }

  /** Loads Accounts through a watched client and stops the load once page `lastPage` came. */
  async function loadUntilPage(
    h: Harness,
    settings: Partial<EngineSettings>,
    lastPage: number,
  ): Promise<{ first: Watched; stopped: { loaded: number } }> {
    const stop = new AbortController();
    const first = watched(api, { onPage: (n) => (n === lastPage ? stop.abort() : undefined) });
    const stopped = await createMappingReader(h.part(settings, first)).ensureLoaded(
      h.account,
      stop.signal,
    );
    return { first, stopped };
  }

  /** Loads the rest through a fresh watched client. */
  async function resumeLoad(
    h: Harness,
    settings: Partial<EngineSettings>,
  ): Promise<{ second: Watched; resumed: { loaded: number } }> {
    const second = watched(api);
    const resumed = await createMappingReader(h.part(settings, second)).ensureLoaded(
      h.account,
      never,
    );
    return { second, resumed };
  }

  it('a REST load stopped after two pages goes on after the last Id it committed', async () => {
    const h = await harness();
    const { stopped } = await loadUntilPage(h, {}, 2);
    const total = (await orgIds('Account')).length;
    expect(stopped.loaded).toBeGreaterThan(0);
    expect(stopped.loaded).toBeLessThan(total);
    const kept = await readMappingBookkeeping(h.world.pool, h.world.schemaName, 'Account');
    expect(kept?.loadedAt).toBeNull();
    expect(kept?.load).toMatchObject({ api: 'rest', done: stopped.loaded });
    expect((await tableSfids(h.world, 'account')).length).toBe(stopped.loaded);

    const { second, resumed } = await resumeLoad(h, {});
    expect(stopped.loaded + resumed.loaded).toBe(total);
    expect(second.soql).toEqual([expect.stringContaining(`Id > '${kept!.load!.lastId}'`)]);
    await expectEveryAccountOnce(h);
  });

  it('a Bulk load stopped between pages resumes the same job at its locator', async () => {
    const h = await harness();
    const settings = { bulkReadThreshold: 100, bulkPageSize: 600 };
    const { first, stopped } = await loadUntilPage(h, settings, 3);
    expect(first.bulkJobs).toHaveLength(1);
    const kept = await readMappingBookkeeping(h.world.pool, h.world.schemaName, 'Account');
    expect(kept?.load).toMatchObject({
      api: 'bulk',
      jobId: first.bulkJobs[0],
      done: stopped.loaded,
    });
    expect(kept?.load?.locator).not.toBeNull();

    const { second, resumed } = await resumeLoad(h, settings);
    expect(second.bulkJobs).toEqual([]); // no new job: the old one goes on
    expect(stopped.loaded + resumed.loaded).toBe((await orgIds('Account')).length);
    // The resumed run's first report starts from what was done, not from zero.
    const resumedReports = h.events.filter((e) => e.type === 'load.progress').slice(-2);
    expect(
      resumedReports.every((e) => e.type === 'load.progress' && e.progress.done >= stopped.loaded),
    ).toBe(true);
    await expectEveryAccountOnce(h);
  });

  it('a Bulk job that is gone is replaced by one that starts after the last Id loaded', async () => {
    const h = await harness();
    const settings = { bulkReadThreshold: 100, bulkPageSize: 600 };
    const { stopped } = await loadUntilPage(h, settings, 2);
    const kept = await readMappingBookkeeping(h.world.pool, h.world.schemaName, 'Account');
    // The job disappears (deleted, or expired) while the engine is down.
    await conn.request({
      method: 'DELETE',
      url: `/services/data/v${conn.version}/jobs/query/${kept!.load!.jobId}`,
    });

    const { second, resumed } = await resumeLoad(h, settings);
    expect(second.bulkJobs).toHaveLength(1);
    expect(second.soql).toEqual([expect.stringContaining(`Id > '${kept!.load!.lastId}'`)]);
    expect(stopped.loaded + resumed.loaded).toBe((await orgIds('Account')).length);
    await expectEveryAccountOnce(h);
  });

  it('a load whose database connection dies mid-page loses only that page', async () => {
    const h = await harness();
    const settings = { bulkReadThreshold: 100, bulkPageSize: 500 };
    const doomed = await openPool(postgres().url, { applicationName: 'reader-doomed', max: 2 });
    const killer = watched(api, {
      onPage: async (n) => {
        if (n !== 4) return;
        await h.world.pool.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE application_name = 'reader-doomed' AND pid <> pg_backend_pid()`,
        );
      },
    });
    await expect(
      createMappingReader(h.part(settings, killer, doomed)).ensureLoaded(h.account, never),
    ).rejects.toThrow();
    await doomed.end().catch(() => {});
    const kept = await readMappingBookkeeping(h.world.pool, h.world.schemaName, 'Account');
    expect(kept?.loadedAt).toBeNull();
    // Exactly the committed pages are in the table.
    expect((await tableSfids(h.world, 'account')).length).toBe(kept!.load!.done);
    expect(kept!.load!.done % 500).toBe(0);
    expect(kept!.load!.done).toBeGreaterThan(0);

    const resumed = await createMappingReader(h.part(settings)).ensureLoaded(h.account, never);
    expect(kept!.load!.done + resumed.loaded).toBe((await orgIds('Account')).length);
    await expectEveryAccountOnce(h);
  });

  it('a table that already holds records goes through the staging path', async () => {
    const h = await harness();
    const ids = await orgIds('Account');
    // Rows with sfids and stale values, not logged (a cut reload, a table filled by hand) ...
    await withEngineSession(h.world.pool, (client) =>
      client.query(
        `INSERT INTO ${h.account.qualifiedTable} (sfid, name)
         SELECT id, 'stale' FROM unnest($1::text[]) AS id`,
        [ids.slice(0, 50)],
      ),
    );
    // ... a row the application inserted that no record matches: left alone ...
    await h.world.pool.query(
      `INSERT INTO ${h.account.qualifiedTable} (name, external_id__c) VALUES ('App only', 'app-only-ext')`,
    );
    // ... and one whose unique identifier (in another case) is a record's: it gets the sfid.
    await h.world.pool.query(
      `INSERT INTO ${h.account.qualifiedTable} (name, external_id__c) VALUES ('App copy', 'VOLUME-000007')`,
    );
    const loaded = await createMappingReader(h.part()).ensureLoaded(h.account, never);
    expect(loaded.loaded).toBe(ids.length);
    expect(await tableSfids(h.world, 'account')).toEqual(ids);
    const stale = await h.world.pool.query(
      `SELECT count(*)::int AS n FROM ${h.account.qualifiedTable} WHERE name = 'stale'`,
    );
    expect(stale.rows[0].n).toBe(0);
    const app = await h.world.pool.query(
      `SELECT sfid IS NULL AS unsynced, name, external_id__c FROM ${h.account.qualifiedTable}
        WHERE name LIKE 'App %' ORDER BY name`,
    );
    // The matched row's unsent insert keeps its values (it reaches the org as an upsert).
    expect(app.rows).toEqual([
      { unsynced: false, name: 'App copy', external_id__c: 'VOLUME-000007' },
      { unsynced: true, name: 'App only', external_id__c: 'app-only-ext' },
    ]);
    expect(h.events.filter((e) => e.type === 'conflict')).toEqual([
      expect.objectContaining({ keptColumns: expect.arrayContaining(['name', 'external_id__c']) }),
    ]);
  });

  it('a page that collides with an application row falls back to the staging path', async () => {
    const h = await harness();
    // No sfid anywhere, so the load starts with direct COPY; this unique identifier is taken.
    await h.world.pool.query(
      `INSERT INTO ${h.account.qualifiedTable} (name, external_id__c) VALUES ('App twin', 'volume-000008')`,
    );
    const loaded = await createMappingReader(h.part()).ensureLoaded(h.account, never);
    const ids = await orgIds('Account');
    expect(loaded.loaded).toBe(ids.length);
    expect(await tableSfids(h.world, 'account')).toEqual(ids);
    const twin = await h.world.pool.query(
      `SELECT count(*)::int AS n, count(sfid)::int AS synced FROM ${h.account.qualifiedTable}
        WHERE external_id__c = 'volume-000008'`,
    );
    expect(twin.rows[0]).toEqual({ n: 1, synced: 1 });
  });
});

describe('polling', () => {
  async function loaded(
    over: Partial<EngineSettings> = {},
  ): Promise<Harness & { reader: ReturnType<typeof createMappingReader> }> {
    const h = await harness();
    const reader = createMappingReader(h.part(over));
    await reader.ensureLoaded(h.account, never);
    // The first poll after a load re-reads the overlap; nothing in it is new.
    await reader.poll(h.account, never);
    return { ...h, reader };
  }

  it('brings exactly the records changed, created and deleted, and nothing twice', async () => {
    const h = await loaded();
    const [a, b, c] = (
      await conn.query<{ Id: string }>(
        `SELECT Id FROM Account WHERE Name LIKE 'Volume Account 1%' ORDER BY Id LIMIT 3`,
      )
    ).records;
    await conn.sobject('Account').update([
      { Id: a!.Id, Name: 'Changed A', NumberOfEmployees: 777 },
      { Id: b!.Id, Industry: 'Retail', Description: 'new\ttext' },
    ]);
    const created = await conn
      .sobject('Account')
      .create({ Name: 'Created in the org', External_ID__c: 'poll-created' });
    await conn.sobject('Account').destroy(c!.Id);

    const polled = await h.reader.poll(h.account, never);
    expect(polled).toEqual({ upserted: 3, deleted: 1, conflicts: 0 });
    const rows = await h.world.pool.query(
      `SELECT sfid, name, numberofemployees, industry, description, _hc_lastop
         FROM ${h.account.qualifiedTable} WHERE sfid = ANY($1) ORDER BY name`,
      [[a!.Id, b!.Id, c!.Id, created.id]],
    );
    expect(rows.rows).toEqual([
      expect.objectContaining({
        sfid: a!.Id,
        name: 'Changed A',
        numberofemployees: 777,
        _hc_lastop: 'SYNCED',
      }),
      expect.objectContaining({
        sfid: created.id,
        name: 'Created in the org',
        _hc_lastop: 'SYNCED',
      }),
      expect.objectContaining({ sfid: b!.Id, industry: 'Retail', description: 'new\ttext' }),
    ]);
    expect(await tableSfids(h.world, 'account')).toEqual(await orgIds('Account'));
    expect(h.events.filter((e) => e.type === 'poll.done').at(-1)).toEqual({
      type: 'poll.done',
      objectName: 'Account',
      upserted: 3,
      deleted: 1,
      conflicts: 0,
      api: 'rest',
    });

    // Within the overlap window the same records come again: nothing is applied twice.
    const again = await h.reader.poll(h.account, never);
    expect(again).toEqual({ upserted: 0, deleted: 0, conflicts: 0 });
    expect(await tableSfids(h.world, 'account')).toEqual(await orgIds('Account'));
    expect(await triggerLogCount(h.world)).toBe(0);
    const kept = await readMappingBookkeeping(h.world.pool, h.world.schemaName, 'Account');
    expect(kept?.lastPollAt).toBeInstanceOf(Date);
  });

  it('takes the Bulk path (queryAll job) above the threshold, deletes included', async () => {
    const h = await loaded({ bulkReadThreshold: 2, bulkPageSize: 1_000 });
    const [a, b, c] = (
      await conn.query<{ Id: string }>(
        `SELECT Id FROM Account WHERE Name LIKE 'Volume Account 2%' ORDER BY Id LIMIT 3`,
      )
    ).records;
    await conn.sobject('Account').update([
      { Id: a!.Id, Name: 'Bulk changed A' },
      { Id: b!.Id, Name: 'Bulk changed B' },
    ]);
    await conn.sobject('Account').destroy(c!.Id);
    // Above the threshold of 2 (the 3 changes, and what the overlap window brings again, which
    // is skipped as unchanged).
    const polled = await h.reader.poll(h.account, never);
    expect(polled).toEqual({ upserted: 2, deleted: 1, conflicts: 0 });
    expect(h.events.filter((e) => e.type === 'poll.done').at(-1)).toMatchObject({ api: 'bulk' });
    expect(await tableSfids(h.world, 'account')).toEqual(await orgIds('Account'));
    const names = await h.world.pool.query(
      `SELECT name FROM ${h.account.qualifiedTable} WHERE sfid = ANY($1) ORDER BY name`,
      [[a!.Id, b!.Id]],
    );
    expect(names.rows.map((r) => r.name)).toEqual(['Bulk changed A', 'Bulk changed B']);
  });

  it('gives an application row without sfid its record by the unique identifier', async () => {
    const h = await loaded();
    await h.world.pool.query(
      `INSERT INTO ${h.account.qualifiedTable} (name, external_id__c) VALUES ('Inserted by the app', 'MATCH-ME-1')`,
    );
    const before = await h.world.pool.query(
      `SELECT count(*)::int AS n FROM ${h.account.qualifiedTable}`,
    );
    // The same record arrives in Salesforce by another route (the race of reference §3.5).
    const created = await conn
      .sobject('Account')
      .create({ Name: 'Inserted by the app', External_ID__c: 'match-me-1' });
    const polled = await h.reader.poll(h.account, never);
    expect(polled.upserted).toBe(1);
    const rows = await h.world.pool.query(
      `SELECT sfid, name FROM ${h.account.qualifiedTable} WHERE lower(external_id__c) = 'match-me-1'`,
    );
    expect(rows.rows).toEqual([{ sfid: created.id, name: 'Inserted by the app' }]);
    const after = await h.world.pool.query(
      `SELECT count(*)::int AS n FROM ${h.account.qualifiedTable}`,
    );
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('keeps the columns of unsent changes, takes the rest from Salesforce, and says so', async () => {
    const h = await loaded();
    const [target] = (
      await conn.query<{ Id: string }>(
        `SELECT Id FROM Account WHERE Name LIKE 'Volume Account 3%' ORDER BY Id LIMIT 1`,
      )
    ).records;
    // The application changes Industry; the writer has not sent it yet (trigger log NEW).
    await h.world.pool.query(
      `UPDATE ${h.account.qualifiedTable} SET industry = 'Healthcare' WHERE sfid = $1`,
      [target!.Id],
    );
    const {
      rows: [row],
    } = await h.world.pool.query<{ id: number }>(
      `SELECT id FROM ${h.account.qualifiedTable} WHERE sfid = $1`,
      [target!.Id],
    );
    // Meanwhile someone changes the record in Salesforce.
    await conn
      .sobject('Account')
      .update({ Id: target!.Id, Name: 'Renamed in the org', Industry: 'Energy' });

    const polled = await h.reader.poll(h.account, never);
    expect(polled).toEqual({ upserted: 1, deleted: 0, conflicts: 1 });
    const after = await h.world.pool.query(
      `SELECT name, industry FROM ${h.account.qualifiedTable} WHERE sfid = $1`,
      [target!.Id],
    );
    expect(after.rows).toEqual([{ name: 'Renamed in the org', industry: 'Healthcare' }]);
    expect(h.events.filter((e) => e.type === 'conflict')).toEqual([
      {
        type: 'conflict',
        objectName: 'Account',
        sfid: target!.Id,
        recordId: row!.id,
        keptColumns: ['industry'],
      },
    ]);
    // The poll's own write is not logged: the app's change is still the only log row.
    const log = await h.world.pool.query(
      `SELECT action, state, "values" FROM ${qualifiedName(h.world.schemaName, '_trigger_log')}`,
    );
    expect(log.rows).toEqual([
      { action: 'UPDATE', state: 'NEW', values: '"industry"=>"Healthcare"' },
    ]);

    // Once the change is sent, Salesforce's values win again.
    await h.world.pool.query(
      `UPDATE ${qualifiedName(h.world.schemaName, '_trigger_log')} SET state = 'SUCCESS'`,
    );
    await conn.sobject('Account').update({ Id: target!.Id, Industry: 'Banking' });
    const next = await h.reader.poll(h.account, never);
    expect(next).toEqual({ upserted: 1, deleted: 0, conflicts: 0 });
    const last = await h.world.pool.query(
      `SELECT industry FROM ${h.account.qualifiedTable} WHERE sfid = $1`,
      [target!.Id],
    );
    expect(last.rows).toEqual([{ industry: 'Banking' }]);
  });

  it('does not bring back a row whose delete has not been sent yet', async () => {
    const h = await loaded();
    const [target] = (
      await conn.query<{ Id: string }>(
        `SELECT Id FROM Account WHERE Name LIKE 'Volume Account 4%' ORDER BY Id LIMIT 1`,
      )
    ).records;
    await h.world.pool.query(`DELETE FROM ${h.account.qualifiedTable} WHERE sfid = $1`, [
      target!.Id,
    ]);
    await conn
      .sobject('Account')
      .update({ Id: target!.Id, Name: 'Changed before the delete arrived' });
    const polled = await h.reader.poll(h.account, never);
    expect(polled.upserted).toBe(0);
    const rows = await h.world.pool.query(
      `SELECT count(*)::int AS n FROM ${h.account.qualifiedTable} WHERE sfid = $1`,
      [target!.Id],
    );
    expect(rows.rows[0].n).toBe(0);
  });

  it('refuses to poll a mapping that was never loaded', async () => {
    const h = await harness();
    await expect(createMappingReader(h.part()).poll(h.account, never)).rejects.toThrow(
      /cannot be polled before its initial load/,
    );
  });
});

describe('reload', () => {
  it('empties the table and forgets the load; the next ensureLoaded loads it again', async () => {
    const h = await harness();
    const reader = createMappingReader(h.part());
    const first = await reader.ensureLoaded(h.contact, never);
    await updateBookkeeping(h.world.pool, h.world.schemaName, 'Contact', { paused: true });
    await reader.reload(h.contact);
    expect(await tableSfids(h.world, 'contact')).toEqual([]);
    const kept = await readMappingBookkeeping(h.world.pool, h.world.schemaName, 'contact');
    expect(kept).toMatchObject({
      loadedAt: null,
      load: null,
      highWaterMark: null,
      phase: 'waiting',
      // A pause is the engine's business: a reload does not lift it.
      paused: true,
    });
    expect(await triggerLogCount(h.world)).toBe(0); // the DELETE ran in the engine session
    const again = await reader.ensureLoaded(h.contact, never);
    expect(again.loaded).toBe(first.loaded);
    expect(await tableSfids(h.world, 'contact')).toEqual(await orgIds('Contact'));
    // The id sequence went on (DELETE, not TRUNCATE).
    const ids = await h.world.pool.query(
      `SELECT min(id)::int AS low FROM ${h.contact.qualifiedTable}`,
    );
    expect(ids.rows[0].low).toBeGreaterThan(first.loaded);
  });
});

describe('prefetch', () => {
  it('closes its source when the consumer stops early, after the page already asked for', async () => {
    const steps: string[] = [];
    async function* source() {
      try {
        for (let page = 1; ; page++) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          steps.push(`fetched ${page}`);
          yield page;
        }
      } finally {
        steps.push('closed');
      }
    }
    for await (const page of prefetch(source())) {
      if (page === 2) break;
    }
    // Page 3 was on its way when the consumer stopped: it lands, then the source closes.
    expect(steps).toEqual(['fetched 1', 'fetched 2', 'fetched 3', 'closed']);
  });

  it('closes its source when the consumer fails', async () => {
    let closed = false;
    async function* source() {
      try {
        yield* [1, 2, 3];
      } finally {
        closed = true;
      }
    }
    await expect(
      (async () => {
        for await (const page of prefetch(source())) {
          if (page === 1) throw new Error('the consumer failed');
        }
      })(),
    ).rejects.toThrow('the consumer failed');
    expect(closed).toBe(true);
  });
});
