// Filter-as-you-type over an org's objects (the Schema list and the Ctrl/Cmd+K palette). Names
// and labels are lower-cased once, when the list arrives; a keystroke is one pass of indexOf
// over that array, bucketed by rank, so 1,500 objects filter in well under a frame.

export interface NamedObject {
  name: string;
  label: string;
}

export interface IndexedObject<T extends NamedObject> {
  entry: T;
  nameLower: string;
  labelLower: string;
}

export function indexObjects<T extends NamedObject>(objects: readonly T[]): IndexedObject<T>[] {
  return objects.map((entry) => ({
    entry,
    nameLower: entry.name.toLowerCase(),
    labelLower: entry.label.toLowerCase(),
  }));
}

/**
 * The objects matching `query` (case-insensitive, on name and label), best matches first and in
 * list order within a rank. Ranks: exact name or label, name prefix, label prefix, name
 * contains, label contains. An empty query keeps every object, in list order.
 */
export function filterObjects<T extends NamedObject>(
  index: readonly IndexedObject<T>[],
  query: string,
): T[] {
  const needle = query.trim().toLowerCase();
  if (needle === '') return index.map((o) => o.entry);
  const buckets: T[][] = [[], [], [], [], []];
  for (const o of index) {
    const inName = o.nameLower.indexOf(needle);
    const inLabel = o.labelLower.indexOf(needle);
    if (inName < 0 && inLabel < 0) continue;
    let rank: number;
    if (o.nameLower === needle || o.labelLower === needle) rank = 0;
    else if (inName === 0) rank = 1;
    else if (inLabel === 0) rank = 2;
    else if (inName > 0) rank = 3;
    else rank = 4;
    buckets[rank]!.push(o.entry);
  }
  return buckets.flat();
}

/** Where `query` occurs in `text` (case-insensitive): [start, end), or null. For highlighting. */
export function matchRange(text: string, query: string): [number, number] | null {
  const needle = query.trim().toLowerCase();
  if (needle === '') return null;
  const at = text.toLowerCase().indexOf(needle);
  return at < 0 ? null : [at, at + needle.length];
}
