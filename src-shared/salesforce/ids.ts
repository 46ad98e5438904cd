// Salesforce record Ids (salesforce-rest.md §4.1): 15 case-sensitive characters, and an
// 18-character form whose 3-character suffix encodes the capitalisation of the first 15 so the
// Id survives case-insensitive comparison. The API and the trigger log carry the 18-character
// form; people paste either.

const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** The 3-character suffix of a 15-character Id: one letter per 5 characters, a bit per capital. */
export function idChecksumSuffix(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET[bits];
  }
  return suffix;
}

/** A 15-character Id with its checksum suffix; anything else passes through unchanged. */
export function toEighteenCharacterId(id: string): string {
  if (!/^[a-zA-Z0-9]{15}$/.test(id)) return id;
  return id + idChecksumSuffix(id);
}
