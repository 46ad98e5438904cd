// Salesforce record Ids (salesforce-rest.md §4): 15 case-sensitive base-62 characters plus a
// 3-character suffix that encodes the capitalisation, so the 18-character form survives
// case-insensitive comparison. The org stores and sends only the 18-character form.

import { idChecksumSuffix } from '../../src-shared/salesforce';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ID_SHAPE = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** Our pod and reserved character (chars 4–6), per the reference's recommendation. */
const POD = '5g0';

/** The 18-character form of a 15- or 18-character Id; undefined when it is not an Id. */
export function normalizeId(value: string): string | undefined {
  if (!ID_SHAPE.test(value)) return undefined;
  const id15 = value.slice(0, 15);
  const id18 = id15 + idChecksumSuffix(id15);
  // An 18-character Id whose suffix does not match its first 15 is not an Id at all.
  if (value.length === 18 && value.toUpperCase() !== id18.toUpperCase()) return undefined;
  return id18;
}

/** The Id of the `counter`-th record with this key prefix (counter from 1). */
export function makeId(keyPrefix: string, counter: number): string {
  let digits = '';
  let n = counter;
  while (n > 0) {
    digits = BASE62[n % 62] + digits;
    n = Math.floor(n / 62);
  }
  const id15 = keyPrefix + POD + digits.padStart(9, '0');
  return id15 + idChecksumSuffix(id15);
}

export const keyPrefixOf = (id: string): string => id.slice(0, 3);
