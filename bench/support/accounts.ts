// The Accounts the benchmarks fill an org with and write: made up from their number, so every
// run (and every figure within one) works on the same values.
import type { LocalOrg } from '../../src-main/local-org';

export interface BenchAccount {
  Name: string;
  Type: string;
  Industry: string;
  Phone: string;
  Website: string;
  AnnualRevenue: number;
  NumberOfEmployees: number;
  Description: string | null;
  BillingCity: string;
  External_ID__c: string;
}

export type AccountField = keyof BenchAccount;

/** Ten fields (besides Id, IsDeleted and SystemModstamp), in the order the loads map them. */
export const ACCOUNT_FIELDS = [
  'Name',
  'Type',
  'Industry',
  'Phone',
  'Website',
  'AnnualRevenue',
  'NumberOfEmployees',
  'Description',
  'BillingCity',
  'External_ID__c',
] as const satisfies readonly AccountField[];

/** The eight fields the write figures send: the ten without NumberOfEmployees and Description. */
export const WRITE_ACCOUNT_FIELDS = ACCOUNT_FIELDS.filter(
  (field): field is Exclude<AccountField, 'NumberOfEmployees' | 'Description'> =>
    field !== 'NumberOfEmployees' && field !== 'Description',
);

const INDUSTRIES = ['Energy', 'Banking', 'Retail', 'Technology', 'Healthcare', 'Media'];
const TYPES = ['Prospect', 'Customer - Direct', 'Customer - Channel', 'Other'];
const CITIES = ['Austin', 'Berlin', 'Lyon', 'Osaka', 'Porto', 'Toronto'];

/**
 * Account number `i` with only `fields`: named `<name> Account <i>`, its External_ID__c
 * `<key>-<i, 12 digits>` padded to 36 characters (unique per row, as the demo's).
 */
export function benchAccount<F extends AccountField>(
  i: number,
  fields: readonly F[],
  name: string,
  key = name,
): Pick<BenchAccount, F> {
  const account: BenchAccount = {
    Name: `${name} Account ${i}`,
    Type: TYPES[i % TYPES.length]!,
    Industry: INDUSTRIES[i % INDUSTRIES.length]!,
    Phone: `+1 555 01${String(i % 10_000).padStart(4, '0')}`,
    Website: `https://www.account${i}.example.com`,
    AnnualRevenue: 10_000 + (i % 997) * 1_000,
    NumberOfEmployees: i % 5_000,
    Description: i % 3 === 0 ? null : `Account ${i}: a customer since ${2000 + (i % 25)}.`,
    BillingCity: CITIES[i % CITIES.length]!,
    External_ID__c: `${key}-${String(i).padStart(12, '0')}`.padEnd(36, 'x'),
  };
  const picked: Record<string, unknown> = {};
  for (const field of fields) picked[field] = account[field];
  return picked as Pick<BenchAccount, F>;
}

/**
 * Inserts Accounts 0 to count-1 through the org's store (validation and ids included, no HTTP),
 * in one transaction; the milliseconds it took.
 */
export function fillAccounts<F extends AccountField>(
  store: LocalOrg['store'],
  count: number,
  fields: readonly F[],
  name: string,
  key = name,
): number {
  const started = performance.now();
  store.atomically(() => {
    for (let i = 0; i < count; i++) store.insert('Account', benchAccount(i, fields, name, key));
  });
  return performance.now() - started;
}
