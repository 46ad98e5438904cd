// The describe cache and the query history belong to an org, not to the profile that reached
// it: a profile edited to point at another org must never be answered from the first org's
// entries, and two profiles of one org share them. Every local org has the same org id, so the
// second org is reached through a proxy that gives it another (a session id starts with its
// org's id). Closing the studio waits for background refreshes before it closes the cache.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSchemaDefinition } from '../../src-main/local-org';
import { createStudio } from '../../src-main/studio';
import type { ApiResult } from '../../src-shared/api';
import { useLocalOrg } from '../support/local-org';
import { startOrgProxy, type OrgProxy } from '../support/org-proxy';
import { tempDir } from '../support/temp';
import { openExploreStudio, orgCalls, useOrg, type ExploreStudio } from './explore-studio';

const first = useLocalOrg({ seed: 'demo' });
const second = useLocalOrg({
  schema: [
    parseSchemaDefinition(
      {
        objects: [
          { name: 'Widget__c', keyPrefix: 'a0W', fields: [{ name: 'Size__c', type: 'string' }] },
        ],
      },
      'widgets',
    ),
  ],
});
/** The id the second org goes by behind the proxy. */
const SECOND_ORG_ID = '00D000000000ZZZ';

let explore: ExploreStudio;
let secondOrg: OrgProxy;

beforeAll(async () => {
  explore = openExploreStudio();
  secondOrg = await startOrgProxy(second().org, { sessionOrgId: SECOND_ORG_ID });
});
afterAll(async () => {
  await explore?.close();
  await secondOrg?.close();
});

const names = (answer: ApiResult<'schema.objects'>) => answer.objects.map((o) => o.name);

describe('per-org caches', () => {
  let profileId: string;
  let firstAnswer: ApiResult<'schema.objects'>;

  it('keeps each org apart when a profile is edited to point at another org', async () => {
    profileId = await useOrg(explore, first().org, 'Edited org');
    firstAnswer = await explore.call('schema.objects', {});
    expect(firstAnswer.orgKey).toBe(first().org.store.identity.orgId.slice(0, 15));
    expect(names(firstAnswer)).not.toContain('Widget__c');
    await explore.call('schema.describe', { object: 'Account' });
    await explore.call('query.run', { soql: 'SELECT Id FROM Account LIMIT 1' });

    await explore.call('profiles.save', {
      kind: 'salesforce',
      id: profileId,
      name: 'Edited org',
      auth: { method: 'token', instanceUrl: secondOrg.url, accessToken: secondOrg.accessToken },
    });
    const before = await orgCalls(second().org);
    const edited = await explore.call('schema.objects', {});
    expect(edited.orgKey).toBe(SECOND_ORG_ID);
    expect(names(edited)).toContain('Widget__c');
    expect(edited.refreshing).toBe(false);
    expect(await orgCalls(second().org)).toBe(before + 1);
    // A refresh revalidates the second org's list, not the first one's.
    const updated = explore.nextEvent('schema.objectsUpdated');
    await explore.call('schema.objects', { refresh: true });
    await updated;
    expect(names(await explore.call('schema.objects', {}))).toContain('Widget__c');
    expect((await explore.call('schema.describe', { object: 'Widget__c' })).describe.name).toBe(
      'Widget__c',
    );
    // The first org's history is not the second one's.
    expect((await explore.call('query.history', {})).entries).toEqual([]);

    // Back to the first org: its cache answers again, without asking it.
    await explore.call('profiles.save', {
      kind: 'salesforce',
      id: profileId,
      name: 'Edited org',
      auth: {
        method: 'token',
        instanceUrl: first().org.instanceUrl,
        accessToken: first().org.accessToken,
      },
    });
    const callsBefore = await orgCalls(first().org);
    const back = await explore.call('schema.objects', {});
    expect(back.orgKey).toBe(firstAnswer.orgKey);
    expect(back.objects).toEqual(firstAnswer.objects);
    await explore.call('schema.describe', { object: 'Account' });
    expect(await orgCalls(first().org)).toBe(callsBefore);
    expect((await explore.call('query.history', {})).entries.map((e) => e.soql)).toEqual([
      'SELECT Id FROM Account LIMIT 1',
    ]);
  });

  it('shares one org’s cache between its profiles, whatever they sign in with', async () => {
    const { org } = first();
    const profile = await explore.call('profiles.save', {
      kind: 'salesforce',
      name: 'Same org by password',
      auth: {
        method: 'password',
        loginUrl: org.loginUrl,
        username: org.username,
        password: org.password,
      },
    });
    await explore.call('settings.set', { activeOrgProfileId: profile.id });
    const callsBefore = await orgCalls(org);
    const answer = await explore.call('schema.objects', {});
    expect(answer.orgKey).toBe(firstAnswer.orgKey);
    expect(answer.fetchedAt).toBe(firstAnswer.fetchedAt);
    expect(await orgCalls(org)).toBe(callsBefore);
    expect((await explore.call('query.history', {})).entries).toHaveLength(1);
  });
});

describe('closing the studio', () => {
  it('waits for a background refresh before it closes the cache', async () => {
    const { org } = first();
    const log: string[] = [];
    const studio = createStudio({
      userDataDir: tempDir('connect-studio-close-'),
      host: 'cli',
      log: (line) => log.push(line),
    });
    const events: string[] = [];
    studio.events.subscribe((e) => events.push(e.event));
    const call = async (method: string, params: unknown) => {
      const outcome = await studio.router.call(method, params);
      if (!outcome.ok) throw new Error(`${method}: ${outcome.error.message}`);
      return outcome.result as Record<string, unknown>;
    };
    const profile = await call('profiles.save', {
      kind: 'salesforce',
      name: 'Org',
      auth: { method: 'token', instanceUrl: org.instanceUrl, accessToken: org.accessToken },
    });
    await call('settings.set', { activeOrgProfileId: profile.id });
    await call('schema.objects', {});
    // The org answers slowly, so the refresh is still on its way when closing starts.
    org.faults.set({ latencyMs: 300 });
    try {
      expect(await call('schema.objects', { refresh: true })).toMatchObject({ refreshing: true });
      await studio.close();
    } finally {
      org.faults.set({});
    }
    expect(events).toContain('schema.objectsUpdated');
    expect(log).toEqual([]);
  });
});
