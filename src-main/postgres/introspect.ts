import type pg from 'pg';
import {
  emptySnapshot,
  qualifiedName,
  type DatabaseSnapshot,
  type HcmetaRow,
  type SnapshotColumn,
  type SnapshotIndex,
  type SnapshotTable,
  type SnapshotTrigger,
} from '../../src-shared/mapping';

type Queryable = Pick<pg.PoolClient, 'query'>;

/**
 * Reads what a schema holds: tables, columns, indexes, triggers, functions and the _hcmeta
 * rows. Runs in a READ ONLY transaction from the catalogs only, so it is safe on a database
 * Heroku Connect itself manages (and needs no more than SELECT on _hcmeta).
 */
export async function introspectSchema(
  pool: pg.Pool,
  schemaName: string,
): Promise<DatabaseSnapshot> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN TRANSACTION READ ONLY');
    const snapshot = await readSnapshot(client, schemaName);
    await client.query('COMMIT');
    return snapshot;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

async function readSnapshot(client: Queryable, schemaName: string): Promise<DatabaseSnapshot> {
  const snapshot = emptySnapshot(schemaName);
  const head = await client.query<{
    version: string;
    schema_exists: boolean;
    hstore_schema: string | null;
    xmlbinary_exists: boolean;
  }>(
    `SELECT current_setting('server_version') AS version,
            EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS schema_exists,
            (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
              WHERE e.extname = 'hstore') AS hstore_schema,
            EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                     WHERE n.nspname = 'public' AND p.proname = 'get_xmlbinary') AS xmlbinary_exists`,
    [schemaName],
  );
  const first = head.rows[0]!;
  snapshot.serverVersion = first.version;
  snapshot.schemaExists = first.schema_exists;
  snapshot.hstoreSchema = first.hstore_schema;
  snapshot.getXmlbinaryExists = first.xmlbinary_exists;
  if (!snapshot.schemaExists) return snapshot;

  const tableRows = await client.query<{ oid: string; name: string; reltuples: number }>(
    `SELECT c.oid::text AS oid, c.relname AS name, c.reltuples::float8 AS reltuples
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
      ORDER BY c.relname`,
    [schemaName],
  );
  const oids = tableRows.rows.map((r) => r.oid);
  const columns = await client.query<{
    table_oid: string;
    name: string;
    type: string;
    nullable: boolean;
    default_value: string | null;
  }>(
    `SELECT a.attrelid::text AS table_oid, a.attname AS name,
            format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable,
            pg_get_expr(d.adbin, d.adrelid) AS default_value
       FROM pg_attribute a
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = ANY ($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attrelid, a.attnum`,
    [oids],
  );
  const indexes = await client.query<SnapshotIndex & { table_oid: string }>(
    `SELECT i.indrelid::text AS table_oid, ic.relname AS name, i.indisunique AS unique,
            i.indisprimary AS primary,
            ARRAY(SELECT a.attname::text
                    FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                   ORDER BY k.ord) AS columns,
            pg_get_expr(i.indpred, i.indrelid) AS predicate,
            pg_get_indexdef(i.indexrelid) AS definition
       FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
      WHERE i.indrelid = ANY ($1::oid[])
      ORDER BY ic.relname`,
    [oids],
  );
  const triggers = await client.query<{
    table_oid: string;
    name: string;
    function_name: string;
    definition: string;
  }>(
    `SELECT t.tgrelid::text AS table_oid, t.tgname AS name, p.proname AS function_name,
            pg_get_triggerdef(t.oid) AS definition
       FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
      WHERE t.tgrelid = ANY ($1::oid[]) AND NOT t.tgisinternal
      ORDER BY t.tgname`,
    [oids],
  );
  const functions = await client.query<{ name: string; arguments: string; source: string }>(
    `SELECT p.proname AS name, pg_get_function_identity_arguments(p.oid) AS arguments,
            p.prosrc AS source
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = $1
      ORDER BY p.proname, 2`,
    [schemaName],
  );

  const byTable = <T extends { table_oid: string }>(rows: T[]) => {
    const grouped = new Map<string, T[]>();
    for (const row of rows) {
      const group = grouped.get(row.table_oid);
      if (group) group.push(row);
      else grouped.set(row.table_oid, [row]);
    }
    return grouped;
  };
  const columnsOf = byTable(columns.rows);
  const indexesOf = byTable(indexes.rows);
  const triggersOf = byTable(triggers.rows);
  snapshot.tables = tableRows.rows.map((t): SnapshotTable => {
    const tableColumns = (columnsOf.get(t.oid) ?? []).map((c): SnapshotColumn => ({
      name: c.name,
      type: c.type,
      nullable: c.nullable,
      default: c.default_value,
    }));
    const names = new Set(tableColumns.map((c) => c.name));
    return {
      name: t.name,
      columns: tableColumns,
      indexes: (indexesOf.get(t.oid) ?? []).map(
        ({ table_oid: _key, ...index }): SnapshotIndex => index,
      ),
      triggers: (triggersOf.get(t.oid) ?? []).map((tr): SnapshotTrigger => ({
        name: tr.name,
        functionName: tr.function_name,
        definition: tr.definition,
      })),
      mapped: names.has('sfid') && names.has('_hc_lastop'),
      estimatedRows: Number(t.reltuples),
    };
  });
  snapshot.functions = functions.rows.map((f) => ({
    name: f.name,
    arguments: f.arguments,
    source: f.source,
  }));
  const has = (name: string) => snapshot.tables.some((t) => t.name === name);
  snapshot.systemTables = {
    hcmeta: has('_hcmeta'),
    triggerLog: has('_trigger_log'),
    triggerLogArchive: has('_trigger_log_archive'),
    sfEventLog: has('_sf_event_log'),
  };
  if (snapshot.systemTables.hcmeta) snapshot.hcmeta = await readHcmeta(client, snapshot);
  return snapshot;
}

async function readHcmeta(client: Queryable, snapshot: DatabaseSnapshot): Promise<HcmetaRow[]> {
  const table = snapshot.tables.find((t) => t.name === '_hcmeta')!;
  const has = (name: string) => table.columns.some((c) => c.name === name);
  const pick = (name: string) => (has(name) ? `${name}::text` : 'NULL::text');
  // Columns are cast to text so a database where they differ in type still reads.
  const sql =
    `SELECT ${pick('id')} AS id, ${pick('hcver')} AS hcver, ${pick('org_id')} AS org_id, ` +
    `${pick('details')} AS details FROM ${qualifiedName(snapshot.schemaName, '_hcmeta')} ORDER BY ${has('id') ? 'id' : '1'}`;
  await client.query('SAVEPOINT read_hcmeta');
  try {
    const rows = await client.query<{
      id: string | null;
      hcver: string | null;
      org_id: string | null;
      details: string | null;
    }>(sql);
    await client.query('RELEASE SAVEPOINT read_hcmeta');
    return rows.rows.map((r) => ({
      id: Number(r.id ?? 0),
      hcver: r.hcver === null ? null : Number(r.hcver),
      orgId: r.org_id,
      details: r.details,
    }));
  } catch (error) {
    // A read-only role without SELECT on _hcmeta still gets the rest of the snapshot.
    if ((error as { code?: string }).code !== '42501') throw error;
    await client.query('ROLLBACK TO SAVEPOINT read_hcmeta');
    return [];
  }
}
