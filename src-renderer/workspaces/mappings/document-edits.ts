// Edits of the mapping document the editor holds, as pure functions: each answers a new
// document (or mapping) and leaves its input alone, so the undo history can keep every step.
// Names follow the describe's spelling; comparisons are case-insensitive, as Salesforce's are.
import {
  createMapping,
  findMapping,
  mappedTable,
  mergeMappingDocuments,
  type Mapping,
  type MappingAccess,
  type MappingDocument,
  type MappingIndex,
  type WriteAlgorithm,
} from '../../../src-shared/mapping';
import type { DescribeCatalog } from '../../../src-shared/salesforce';

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export function emptyDocument(): MappingDocument {
  return { version: 1, mappings: [] };
}

/**
 * Fields a mapping of `objectName` always carries: the ones the shared table rules give a
 * system column whatever the mapping lists (Id, SystemModstamp, IsDeleted where the object has
 * them). An object without SystemModstamp is polled on LastModifiedDate, so that one is kept
 * too (reference §1.2). Empty while the object is not described.
 */
export function lockedFields(catalog: DescribeCatalog, objectName: string): string[] {
  const table = mappedTable(createMapping(objectName, { fields: [] }), catalog);
  if (!table) return [];
  const locked = table.columns.flatMap((c) => (c.role === 'system' && c.field ? [c.field] : []));
  if (!locked.some((f) => same(f, 'SystemModstamp'))) {
    const lastModified = catalog.field(objectName, 'LastModifiedDate');
    if (lastModified) locked.push(lastModified.name);
  }
  // The describe's spelling (mappedTable names system fields in their canonical form).
  return locked.map((f) => catalog.field(objectName, f)?.name ?? f);
}

/**
 * A new mapping with Heroku Connect's defaults: read-only, polled every 600 seconds, the system
 * fields every real mapping has (Id, IsDeleted, SystemModstamp, CreatedDate, where the object
 * has them) and the indexes Connect gives them (Id unique, the polling timestamp not).
 */
export function newMapping(objectName: string, catalog: DescribeCatalog): Mapping {
  const describe = catalog.describe(objectName);
  const name = describe?.name ?? objectName;
  const defaults = createMapping(name).fields;
  if (!describe) return createMapping(name);
  const fields: string[] = [];
  for (const field of [...defaults, ...lockedFields(catalog, name)]) {
    const found = catalog.field(name, field);
    if (found && !fields.some((f) => same(f, found.name))) fields.push(found.name);
  }
  const indexes: MappingIndex[] = [];
  for (const field of fields) {
    if (same(field, 'Id')) indexes.push({ field, unique: true });
    else if (same(field, 'SystemModstamp')) indexes.push({ field, unique: false });
  }
  if (!fields.some((f) => same(f, 'SystemModstamp'))) {
    const lastModified = fields.find((f) => same(f, 'LastModifiedDate'));
    if (lastModified) indexes.push({ field: lastModified, unique: false });
  }
  return createMapping(name, { fields, indexes });
}

/** The document with `mapping` added at the end; unchanged when the object is mapped already. */
export function addMapping(document: MappingDocument, mapping: Mapping): MappingDocument {
  if (findMapping(document.mappings, mapping.objectName)) return document;
  return { ...document, mappings: [...document.mappings, mapping] };
}

/**
 * `mapping` put back where it stood (`at`, clamped to the list), as a removal's undo does;
 * unchanged when the object is mapped already.
 */
export function restoreMapping(
  document: MappingDocument,
  mapping: Mapping,
  at: number,
): MappingDocument {
  if (findMapping(document.mappings, mapping.objectName)) return document;
  const mappings = [...document.mappings];
  mappings.splice(Math.max(0, Math.min(at, mappings.length)), 0, mapping);
  return { ...document, mappings };
}

export function removeMapping(document: MappingDocument, objectName: string): MappingDocument {
  const mappings = document.mappings.filter((m) => !same(m.objectName, objectName));
  return mappings.length === document.mappings.length ? document : { ...document, mappings };
}

/** One mapping replaced by `edit(mapping)`; the document itself when nothing changed. */
export function updateMapping(
  document: MappingDocument,
  objectName: string,
  edit: (mapping: Mapping) => Mapping,
): MappingDocument {
  let changed = false;
  const mappings = document.mappings.map((m) => {
    if (!same(m.objectName, objectName)) return m;
    const next = edit(m);
    if (next !== m) changed = true;
    return next;
  });
  return changed ? { ...document, mappings } : document;
}

/** The index list without a unique index on `field` (the unique identifier's, when it moves). */
function withoutUniqueIndex(indexes: MappingIndex[] | undefined, field: string) {
  return indexes?.filter((i) => !(i.unique && same(i.field, field)));
}

/**
 * Read-only or read-write. A read-only mapping never upserts, so its unique identifier (and the
 * unique index that came with it) goes; undo brings it back.
 */
export function setAccess(mapping: Mapping, access: MappingAccess): Mapping {
  if (mapping.access === access) return mapping;
  if (access === 'read_only' && mapping.upsertField !== undefined) {
    const { upsertField, ...rest } = mapping;
    const indexes = withoutUniqueIndex(mapping.indexes, upsertField);
    return { ...rest, access, ...(indexes ? { indexes } : {}) };
  }
  return { ...mapping, access };
}

export type PollingInput = { ok: true; seconds: number } | { ok: false; message: string };

/** What a user typed in the polling box: a whole number of seconds above 0. */
export function parsePollingSeconds(text: string): PollingInput {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, message: 'Give the polling interval in seconds.' };
  if (!/^\d+$/.test(trimmed)) {
    return { ok: false, message: 'The polling interval is a whole number of seconds, like 600.' };
  }
  const seconds = Number(trimmed);
  if (seconds <= 0 || !Number.isSafeInteger(seconds)) {
    return { ok: false, message: 'The polling interval must be above 0 seconds.' };
  }
  return { ok: true, seconds };
}

export function setPollingSeconds(mapping: Mapping, seconds: number): Mapping {
  return mapping.sfPollingSeconds === seconds ? mapping : { ...mapping, sfPollingSeconds: seconds };
}

/**
 * The unique identifier (upsert field), or none. The field is mapped if it was not, and the
 * unique index moves with it, as Heroku Connect's exports show it.
 */
export function setUpsertField(mapping: Mapping, field: string | undefined): Mapping {
  const current = mapping.upsertField;
  if (current === field || (current && field && same(current, field))) return mapping;
  const { upsertField: _old, ...rest } = mapping;
  let indexes = current ? withoutUniqueIndex(mapping.indexes, current) : mapping.indexes;
  if (field === undefined) return { ...rest, ...(indexes ? { indexes } : {}) };
  const fields = mapping.fields.some((f) => same(f, field))
    ? mapping.fields
    : [...mapping.fields, field];
  if (indexes) indexes = [...indexes.filter((i) => !same(i.field, field)), { field, unique: true }];
  return { ...rest, fields, upsertField: field, ...(indexes ? { indexes } : {}) };
}

/**
 * Fields ticked or unticked. Locked fields stay; an unticked field takes its index and, when it
 * was the unique identifier, that role along (the validator would refuse either left behind).
 */
export function setFieldsMapped(
  mapping: Mapping,
  fields: readonly string[],
  mapped: boolean,
  locked: readonly string[] = [],
): Mapping {
  if (mapped) {
    const added = fields.filter(
      (f, i) =>
        !mapping.fields.some((m) => same(m, f)) && fields.findIndex((g) => same(g, f)) === i,
    );
    return added.length === 0 ? mapping : { ...mapping, fields: [...mapping.fields, ...added] };
  }
  const removing = fields.filter((f) => !locked.some((l) => same(l, f)));
  const keep = (f: string) => !removing.some((r) => same(r, f));
  const kept = mapping.fields.filter(keep);
  if (kept.length === mapping.fields.length) return mapping;
  const { upsertField, ...rest } = mapping;
  const indexes = mapping.indexes?.filter((i) => keep(i.field));
  return {
    ...rest,
    fields: kept,
    ...(upsertField !== undefined && keep(upsertField) ? { upsertField } : {}),
    ...(indexes ? { indexes } : {}),
  };
}

/** The connection's write algorithm; a document without a connection block gains one. */
export function setWriteAlgorithm(
  document: MappingDocument,
  writeAlgorithm: WriteAlgorithm,
): MappingDocument {
  const connection = document.connection ?? { writeAlgorithm: 'merged', features: {} };
  if (connection.writeAlgorithm === writeAlgorithm && document.connection) return document;
  if (!document.connection && writeAlgorithm === 'merged') return document; // merged is the default
  return { ...document, connection: { ...connection, writeAlgorithm } };
}

/**
 * An imported file merged into the draft the way Heroku Connect imports one: the mappings it
 * names replace the draft's, the others stay (reference §5.3).
 */
export function importDocument(
  document: MappingDocument,
  incoming: MappingDocument,
): MappingDocument {
  return mergeMappingDocuments(document, incoming);
}
