// The org's SQLite layout. Records: `data_<Object>` holds one column per stored field, named
// like the field; `<Object>` is a view that adds formula and roll-up columns, computed when read
// (so a parent's change never touches the child's SystemModstamp, heroku-connect.md §4.7). The
// SOQL compiler reads the views. Bookkeeping tables start with `_`.

import type Database from 'better-sqlite3';
import { quoteIdentifier, sqliteColumnType } from '../../../src-shared/soql';
import { compileFormula } from '../formula/compile-sqlite';
import type { OrgField, OrgObject, OrgSchema } from '../schema/model';

export const q = quoteIdentifier;
export const dataTable = (objectName: string): string => `data_${objectName}`;

const BOOKKEEPING = `
CREATE TABLE IF NOT EXISTS _meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS _id_counters (prefix TEXT PRIMARY KEY, next INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS _deleted_log (
  id TEXT PRIMARY KEY, object TEXT NOT NULL, deleted_date TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS _deleted_log_object_date ON _deleted_log (object, deleted_date);
`;

/** Creates what is missing (tables, columns, indexes) and rebuilds every view. */
export function applyLayout(db: Database.Database, schema: OrgSchema): void {
  db.exec(BOOKKEEPING);
  for (const object of schema.objects) ensureTable(db, object);
  const views = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'view'`).all() as Array<{
    name: string;
  }>;
  for (const view of views) db.exec(`DROP VIEW ${q(view.name)}`);
  for (const object of schema.objects) db.exec(viewSql(schema, object));
}

const storedFields = (object: OrgObject) => object.fields.filter((f) => f.stored);

function ensureTable(db: Database.Database, object: OrgObject): void {
  const table = dataTable(object.name);
  const existing = db.prepare(`PRAGMA table_info(${q(table)})`).all() as Array<{ name: string }>;
  const fields = storedFields(object);
  if (existing.length === 0) {
    const columns = fields.map(
      (f) => `${q(f.name)} ${sqliteColumnType(f.type)}${f.name === 'Id' ? ' PRIMARY KEY' : ''}`,
    );
    db.exec(`CREATE TABLE ${q(table)} (${columns.join(', ')})`);
  } else {
    // A schema file that gained fields since the last run: add their columns, keep the data.
    const have = new Set(existing.map((c) => c.name.toLowerCase()));
    for (const f of fields) {
      if (!have.has(f.name.toLowerCase())) {
        db.exec(`ALTER TABLE ${q(table)} ADD COLUMN ${q(f.name)} ${sqliteColumnType(f.type)}`);
      }
    }
  }
  // Lookups are followed by joins and integrity checks; unique and external-id fields are
  // searched by value (case-insensitively); SystemModstamp drives polling.
  for (const f of fields) {
    const d = f.describe;
    const indexed =
      f.type === 'reference' || d.externalId || d.unique || f.name === 'SystemModstamp';
    if (!indexed) continue;
    const collate = f.type === 'reference' ? '' : ' COLLATE NOCASE';
    db.exec(
      `CREATE INDEX IF NOT EXISTS ${q(`${table}_${f.name}`)} ON ${q(table)} (${q(f.name)}${collate})`,
    );
  }
}

function viewSql(schema: OrgSchema, object: OrgObject): string {
  const computed: string[] = [];
  for (const f of object.fields) {
    if (f.formula !== null) {
      const compiled = compileFormula(f.formula, {
        object,
        schema,
        rowAlias: 't',
        tableOf: (name) => q(dataTable(name)),
      });
      computed.push(`(${formulaValue(compiled.sql, compiled.type, f)}) AS ${q(f.name)}`);
    } else if (f.rollup) {
      computed.push(`(${rollupSql(schema, f)}) AS ${q(f.name)}`);
    }
  }
  const select = ['t.*', ...computed].join(', ');
  return `CREATE VIEW ${q(object.name)} AS SELECT ${select} FROM ${q(dataTable(object.name))} t`;
}

/** A formula's SQL value in the field's own storage form (a text formula of a number …). */
function formulaValue(sql: string, type: string, field: OrgField): string {
  // Formulas read a percent as a fraction (15% is 0.15); the API shows percent units.
  if (field.type === 'percent' && type === 'number') return `(${sql}) * 100`;
  const textual = sqliteColumnType(field.type) === 'TEXT';
  if (textual && type === 'number') return `CAST(${sql} AS TEXT)`;
  if (textual && type === 'boolean') return `CASE WHEN ${sql} THEN 'true' ELSE 'false' END`;
  return sql;
}

function rollupSql(schema: OrgSchema, field: OrgField): string {
  const rollup = field.rollup;
  if (!rollup) throw new Error(`${field.name} is not a roll-up`);
  const child = schema.object(rollup.childObject);
  const via = child?.field(rollup.relationshipField);
  if (!child || !via) {
    throw new Error(
      `Roll-up ${field.name}: ${rollup.childObject}.${rollup.relationshipField} is unknown`,
    );
  }
  const live = child.field('IsDeleted') ? ` AND c.${q('IsDeleted')} = 0` : '';
  const from = `FROM ${q(dataTable(child.name))} c WHERE c.${q(via.name)} = t.${q('Id')}${live}`;
  if (rollup.operation === 'COUNT') return `SELECT COUNT(*) ${from}`;
  const target = rollup.field ? child.field(rollup.field) : undefined;
  if (!target)
    throw new Error(`Roll-up ${field.name}: ${rollup.childObject}.${rollup.field} is unknown`);
  // SUM of no detail records is 0 in an org; MIN and MAX of none are blank.
  const aggregate = `${rollup.operation}(c.${q(target.name)})`;
  return rollup.operation === 'SUM'
    ? `SELECT COALESCE(${aggregate}, 0) ${from}`
    : `SELECT ${aggregate} ${from}`;
}
