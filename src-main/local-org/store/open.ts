// Opens (or creates) a local org's database and puts the store together: layout, writer,
// queries, the org's identity and its one user.

import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { SalesforceError, notFound } from '../errors';
import { makeId, normalizeId } from '../ids';
import { buildOrgSchema, DEMO_SCHEMA, STANDARD_SCHEMA } from '../schema/build';
import type { SchemaDefinition } from '../schema/definition';
import { RecordWriter } from './dml';
import { applyLayout, dataTable, q } from './layout';
import { QueryRunner } from './query';
import type { LocalOrgStore, OpenStoreOptions, OrgIdentity } from './types';
import { salesforceDateTime } from './values';

const ORG_NAME = 'Connect Studio Local Org';
const USER = { username: 'admin@local-org.connect-studio', first: 'Local', last: 'Admin' };
/** Profile and role Ids of the org's one user; the org lists Profile without storing it. */
const PROFILE_ID = makeId('00e', 1);

export function openStore(options: OpenStoreOptions): LocalOrgStore {
  const db = new Database(options.file);
  try {
    return buildStore(db, options);
  } catch (error) {
    db.close();
    throw error;
  }
}

function buildStore(db: Database.Database, options: OpenStoreOptions): LocalOrgStore {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE IF NOT EXISTS _meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  const meta = (key: string) =>
    (db.prepare('SELECT value FROM _meta WHERE key = ?').get(key) as { value: string } | undefined)
      ?.value;
  const setMeta = (key: string, value: string) =>
    db.prepare('INSERT OR REPLACE INTO _meta (key, value) VALUES (?, ?)').run(key, value);

  const created = meta('org_id') === undefined;
  // A reopened org keeps the schema it was made with unless new definitions are given.
  const stored = meta('extra_schema');
  const extra: readonly SchemaDefinition[] =
    options.extraSchema ?? (stored ? (JSON.parse(stored) as SchemaDefinition[]) : []);
  const schema = buildOrgSchema([STANDARD_SCHEMA, DEMO_SCHEMA, ...extra]);
  const now = options.now ?? (() => new Date());

  const identity: OrgIdentity = {
    orgId: makeId('00D', 1),
    organizationName: ORG_NAME,
    userId: makeId('005', 1),
    username: USER.username,
    userFullName: `${USER.first} ${USER.last}`,
    userEmail: USER.username,
  };

  db.transaction(() => {
    applyLayout(db, schema);
    // The built-in definitions count too: a newer studio may ship a changed standard set.
    const fingerprint = createHash('sha256')
      .update(JSON.stringify([STANDARD_SCHEMA, DEMO_SCHEMA, ...extra]))
      .digest('hex');
    if (fingerprint !== meta('schema_fingerprint')) {
      setMeta('schema_fingerprint', fingerprint);
      setMeta('schema_modified', now().toISOString());
    }
    setMeta('extra_schema', JSON.stringify(extra));
  })();
  const schemaModifiedAt = new Date(meta('schema_modified') ?? now().toISOString());
  const writer = new RecordWriter(db, schema, identity, options.faults, now);
  const queries = new QueryRunner(db, schema, now);
  const atomically = <T>(fn: () => T): T => db.transaction(fn)();

  if (created) {
    atomically(() => {
      const userId = writer.insert(
        'User',
        {
          Username: USER.username,
          FirstName: USER.first,
          LastName: USER.last,
          Email: USER.username,
          Alias: 'ladmin',
          IsActive: true,
          ProfileId: PROFILE_ID,
          TimeZoneSidKey: 'Europe/London',
          LocaleSidKey: 'en_GB',
          EmailEncodingKey: 'UTF-8',
          LanguageLocaleKey: 'en_US',
        },
        { userId: identity.userId },
      );
      if (userId !== identity.userId) throw new Error(`the org's user got ${userId}`);
      // Every org comes with its standard price book; IsStandard is read-only to the API.
      const book = writer.insert('Pricebook2', { Name: 'Standard Price Book', IsActive: true });
      db.prepare(
        `UPDATE ${q(dataTable('Pricebook2'))} SET ${q('IsStandard')} = 1 WHERE ${q('Id')} = ?`,
      ).run(book);
      setMeta('org_id', identity.orgId);
      setMeta('created_at', now().toISOString());
    });
  }

  const objectFor = (name: string) => writer.objectFor(name);

  return {
    schema,
    identity,
    db,
    created,
    schemaModifiedAt,
    insert: (o, values, opts) => atomically(() => writer.insert(o, values, opts)),
    update: (o, id, values, opts) => atomically(() => writer.update(o, id, values, opts)),
    upsert: (o, field, value, values, opts) =>
      atomically(() => writer.upsert(o, field, value, values, opts)),
    delete: (o, id, opts) => atomically(() => writer.delete(o, id, opts)),
    hardDelete: (o, id) => atomically(() => writer.hardDelete(o, id)),
    atomically,
    retrieve(objectName, rawId, fields, apiVersion) {
      const object = objectFor(objectName);
      const id = normalizeId(rawId);
      if (!id) throw notFound();
      const row = writer.rowById(object, id);
      if (!row) throw notFound();
      if (row.IsDeleted === 1)
        throw new SalesforceError('ENTITY_IS_DELETED', 'entity is deleted', [], 404);
      // The list becomes SOQL text, so it may hold field names only (no paths or subqueries).
      const odd = fields?.find((name) => !/^[A-Za-z][A-Za-z0-9_]*$/.test(name));
      if (odd !== undefined) {
        throw new SalesforceError(
          'INVALID_FIELD',
          `No such column '${odd}' on entity '${object.name}'. The fields parameter takes field names of ${object.name}, separated by commas.`,
          [],
          400,
        );
      }
      // A field list gets the Id appended, as the REST guide's example shows it (last).
      const names =
        fields && fields.length > 0
          ? [...fields, ...(fields.some((f) => f.toLowerCase() === 'id') ? [] : ['Id'])]
          : object.fields
              .filter((f) => f.type !== 'address' && f.type !== 'location')
              .map((f) => f.name);
      const soql = `SELECT ${names.join(', ')} FROM ${object.name} WHERE Id = '${id}'`;
      const [record] = queries.run(soql, { includeDeleted: false, apiVersion }).records;
      if (!record) throw notFound();
      return record;
    },
    findIds: (o, field, value) => writer.findIds(o, field, value),
    query: (soql, opts) => queries.query(soql, opts),
    queryMore: (locator, apiVersion) => queries.queryMore(locator, apiVersion),
    queryAll: (soql, opts) => ({ records: queries.run(soql, opts).records }),
    updated(objectName, start, end) {
      const object = objectFor(objectName);
      checkWindow(start, end);
      const live = object.field('IsDeleted') ? ` AND ${q('IsDeleted')} = 0` : '';
      const rows = db
        .prepare(
          `SELECT ${q('Id')} AS id FROM ${q(dataTable(object.name))} WHERE ${q('SystemModstamp')} >= ? AND ${q('SystemModstamp')} < ?${live} ORDER BY ${q('SystemModstamp')}, ${q('Id')}`,
        )
        .all(floorMinute(start), floorMinute(end)) as Array<{ id: string }>;
      return { ids: rows.map((r) => r.id), latestDateCovered: covered(end, now()) };
    },
    deleted(objectName, start, end) {
      const object = objectFor(objectName);
      checkWindow(start, end);
      const rows = db
        .prepare(
          'SELECT id, deleted_date FROM _deleted_log WHERE object = ? AND deleted_date >= ? AND deleted_date < ? ORDER BY deleted_date, id',
        )
        .all(object.name, floorMinute(start), floorMinute(end)) as Array<{
        id: string;
        deleted_date: string;
      }>;
      const earliest = db
        .prepare('SELECT MIN(deleted_date) AS d FROM _deleted_log WHERE object = ?')
        .get(object.name) as { d: string | null };
      return {
        deletedRecords: rows.map((r) => ({
          id: r.id,
          deletedDate: salesforceDateTime(r.deleted_date),
        })),
        earliestDateAvailable: earliest.d
          ? salesforceDateTime(floorMinute(new Date(earliest.d)))
          : null,
        latestDateCovered: covered(end, now()),
      };
    },
    close: () => db.close(),
  };
}

/** An org reads replication windows at minute precision (§2.12). */
function floorMinute(date: Date): string {
  return new Date(Math.floor(date.getTime() / 60_000) * 60_000).toISOString();
}

function covered(end: Date, now: Date): string {
  const limit = end.getTime() < now.getTime() ? end : now;
  return salesforceDateTime(floorMinute(limit));
}

function checkWindow(start: Date, end: Date): void {
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) {
    throw new SalesforceError(
      'INVALID_REPLICATION_DATE',
      'start and end must be dates such as 2024-01-01T00:00:00Z',
      [],
      400,
    );
  }
  if (end.getTime() - start.getTime() < 60_000) {
    // Text UNCONFIRMED (§2.12).
    throw new SalesforceError(
      'INVALID_REPLICATION_DATE',
      'startDate must chronologically precede endDate by more than one minute',
      [],
      400,
    );
  }
}
