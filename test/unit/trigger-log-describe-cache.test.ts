// The trigger-log detail's describes (the object of a row's mapping, fetched to read the
// Salesforce record beside it) live a few minutes, so a field added in the org shows up without
// restarting the studio.
import { describe, expect, it } from 'vitest';
import {
  DESCRIBE_MAX_AGE_MS,
  createDescribeCache,
} from '../../src-main/sync-control/trigger-log-detail';
import type { SObjectDescribe } from '../../src-shared/salesforce';

const describeOf = (name: string, fields: string[]) =>
  ({ name, fields: fields.map((f) => ({ name: f })) }) as unknown as SObjectDescribe;

describe('the detail describe cache', () => {
  it('answers a describe until it is a few minutes old, then asks for it again', () => {
    let now = 1_000_000;
    const cache = createDescribeCache(undefined, () => now);
    expect(DESCRIBE_MAX_AGE_MS).toBeGreaterThanOrEqual(60_000);
    expect(DESCRIBE_MAX_AGE_MS).toBeLessThanOrEqual(15 * 60_000);

    const before = describeOf('Contact', ['Id', 'LastName']);
    cache.set('org\u0000contact', before);
    expect(cache.get('org\u0000contact')).toBe(before);
    now += DESCRIBE_MAX_AGE_MS - 1;
    expect(cache.get('org\u0000contact')).toBe(before);
    now += 1;
    expect(cache.get('org\u0000contact')).toBeUndefined();

    // Fetched again: the new describe (with the field added since) is what is kept.
    const after = describeOf('Contact', ['Id', 'LastName', 'Loyalty__c']);
    cache.set('org\u0000contact', after);
    expect(cache.get('org\u0000contact')).toBe(after);
    expect(cache.get('org\u0000account')).toBeUndefined();
  });
});
