// What a database holds now, as introspection reports it (src-main/postgres introspectSchema)
// and the planner compares against. Plain data, so it can travel over the api contract.

export interface SnapshotColumn {
  name: string;
  /** format_type() output: `character varying(18)`, `timestamp without time zone`, ... */
  type: string;
  nullable: boolean;
  default: string | null;
}

export interface SnapshotIndex {
  name: string;
  unique: boolean;
  primary: boolean;
  /** Key columns in order (expressions show as their text). */
  columns: string[];
  /** The WHERE of a partial index, as pg_get_expr prints it; null otherwise. */
  predicate: string | null;
  /** pg_get_indexdef(): the full CREATE INDEX statement. */
  definition: string;
}

export interface SnapshotTrigger {
  name: string;
  /** Schema-less name of the function it runs. */
  functionName: string;
  /** pg_get_triggerdef(): the full CREATE TRIGGER statement. */
  definition: string;
}

export interface SnapshotTable {
  name: string;
  columns: SnapshotColumn[];
  indexes: SnapshotIndex[];
  triggers: SnapshotTrigger[];
  /** Has the Heroku Connect system columns (sfid, _hc_lastop, _hc_err): a mapped table. */
  mapped: boolean;
  /** Estimated rows (pg_class.reltuples; -1 when never analysed). */
  estimatedRows: number;
}

export interface SnapshotFunction {
  name: string;
  /** pg_get_function_identity_arguments(): `source_row hstore, table_name character varying, ...`. */
  arguments: string;
  /** prosrc: the body exactly as it was created. */
  source: string;
}

export interface HcmetaRow {
  id: number;
  hcver: number | null;
  orgId: string | null;
  details: string | null;
}

export interface DatabaseSnapshot {
  schemaName: string;
  schemaExists: boolean;
  serverVersion: string;
  /** Schema holding the hstore extension; null when it is not installed. */
  hstoreSchema: string | null;
  /** public.get_xmlbinary() exists. */
  getXmlbinaryExists: boolean;
  /** Every ordinary table in the schema, system tables included, sorted by name. */
  tables: SnapshotTable[];
  /** Functions defined in the schema, sorted by name. */
  functions: SnapshotFunction[];
  systemTables: {
    hcmeta: boolean;
    triggerLog: boolean;
    triggerLogArchive: boolean;
    sfEventLog: boolean;
  };
  /** _hcmeta rows in id order; empty when the table does not exist. */
  hcmeta: HcmetaRow[];
}

/** An empty snapshot: a database where nothing of ours exists yet. */
export function emptySnapshot(schemaName: string): DatabaseSnapshot {
  return {
    schemaName,
    schemaExists: false,
    serverVersion: '',
    hstoreSchema: null,
    getXmlbinaryExists: false,
    tables: [],
    functions: [],
    systemTables: { hcmeta: false, triggerLog: false, triggerLogArchive: false, sfEventLog: false },
    hcmeta: [],
  };
}

const TYPE_SPELLINGS: ReadonlyArray<[RegExp, string]> = [
  [/^varchar\((\d+)\)$/, 'character varying($1)'],
  [/^timestamp$/, 'timestamp without time zone'],
  [/^timestamptz$/, 'timestamp with time zone'],
  [/^time$/, 'time without time zone'],
  [/^serial$/, 'integer'],
  [/^int$|^int4$/, 'integer'],
  [/^int8$/, 'bigint'],
  [/^bool$/, 'boolean'],
  [/^float8$/, 'double precision'],
];

/** A planner type in format_type() spelling, so it compares with SnapshotColumn.type. */
export function canonicalColumnType(sqlType: string): string {
  const lower = sqlType.trim().toLowerCase();
  for (const [pattern, replacement] of TYPE_SPELLINGS) {
    if (pattern.test(lower)) return lower.replace(pattern, replacement);
  }
  return lower;
}

/** The latest _hcmeta row: what the last apply recorded. */
export function latestHcmeta(snapshot: DatabaseSnapshot): HcmetaRow | undefined {
  return snapshot.hcmeta.at(-1);
}
