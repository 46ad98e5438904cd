import { describe, expect, it } from 'vitest';
import { DescribeCatalogStore, objectsReached } from '../../src-renderer/state/describe-catalog';
import { createDescribeCatalog, type SObjectDescribe } from '../../src-shared/salesforce';
import { completeSoql, parseSoql } from '../../src-shared/soql';
import { loadFixtureDescribes, loadFixtureGlobal } from '../support/describes';

const describes = loadFixtureDescribes();
const byName = new Map(describes.map((d) => [d.name.toLowerCase(), d]));

/** A describe source over the fixture org that records every describeMany call. */
function fixtureSource() {
  const calls: string[][] = [];
  return {
    calls,
    source: {
      listObjects: () => Promise.resolve(loadFixtureGlobal()),
      describeMany: (objects: string[]) => {
        calls.push([...objects]);
        const found: SObjectDescribe[] = [];
        const missing: string[] = [];
        for (const o of objects) {
          const d = byName.get(o.toLowerCase());
          if (d) found.push(d);
          else missing.push(o);
        }
        return Promise.resolve({ describes: found, missing });
      },
    },
  };
}

describe('objectsReached', () => {
  it('lists FROM alone while nothing is described, then each parent hop as it becomes known', () => {
    const query = parseSoql('SELECT Account.Owner.Name FROM Contact').query;
    expect(objectsReached(query, createDescribeCatalog([]))).toEqual(['Contact']);
    const withContact = createDescribeCatalog([byName.get('contact')!]);
    expect(objectsReached(query, withContact)).toEqual(['Contact', 'Account']);
    const withAccount = createDescribeCatalog([byName.get('contact')!, byName.get('account')!]);
    expect(objectsReached(query, withAccount)).toEqual(['Contact', 'Account', 'User']);
  });

  it('follows child subqueries to the child object, and semi-joins to theirs', () => {
    const catalog = createDescribeCatalog(describes);
    const query = parseSoql(
      'SELECT Name, (SELECT LastName, ReportsTo.Name FROM Contacts) FROM Account ' +
        'WHERE Id IN (SELECT AccountId FROM Opportunity)',
    ).query;
    expect(objectsReached(query, catalog)).toEqual(['Account', 'Contact', 'Opportunity']);
  });

  it('strips the FROM alias and follows a path being typed (its last segment still empty)', () => {
    const catalog = createDescribeCatalog(describes);
    const query = parseSoql('SELECT c.Account. FROM Contact c').query;
    expect(objectsReached(query, catalog)).toEqual(['Contact', 'Account']);
  });
});

describe('DescribeCatalogStore', () => {
  it('loads what a query reaches hop by hop, once, and completion then knows the parent path', async () => {
    const { source, calls } = fixtureSource();
    const store = new DescribeCatalogStore(source);
    const text = 'SELECT Account. FROM Contact';
    await Promise.all([store.ensureObjectList(), store.ensureReached(text)]);
    expect(calls).toEqual([['Contact'], ['Account']]);
    const labels = completeSoql(text, 'SELECT Account.'.length, store.catalog()).map(
      (i) => i.label,
    );
    expect(labels).toContain('Name');
    expect(labels).toContain('Owner');
    await store.ensureReached(text);
    expect(calls).toHaveLength(2); // nothing asked twice
  });

  it('remembers objects the org does not know and tells subscribers when describes arrive', async () => {
    const { source, calls } = fixtureSource();
    const store = new DescribeCatalogStore(source);
    let notified = 0;
    store.subscribe(() => notified++);
    await store.ensureReached('SELECT Id FROM NoSuchThing__c');
    await store.ensureReached('SELECT Id FROM NoSuchThing__c');
    expect(calls).toEqual([['NoSuchThing__c']]);
    expect(notified).toBe(1);
    await store.ensure(['Account', 'account', 'Contact']);
    expect(calls[1]).toEqual(['Account', 'Contact']);
    expect(store.isLoaded('ACCOUNT')).toBe(true);
    store.invalidate('Account');
    expect(store.isLoaded('Account')).toBe(false);
  });

  it('shares one request between callers asking for the same describe at once', async () => {
    const { source, calls } = fixtureSource();
    const store = new DescribeCatalogStore(source);
    await Promise.all([store.ensure(['Account']), store.ensure(['Account'])]);
    expect(calls).toEqual([['Account']]);
  });

  it('drops answers that arrive after a reset (the org changed)', async () => {
    const { source } = fixtureSource();
    const store = new DescribeCatalogStore(source);
    const pending = store.ensure(['Account']);
    store.reset();
    await pending;
    expect(store.isLoaded('Account')).toBe(false);
    expect(store.catalog().objects()).toEqual([]);
  });
});
