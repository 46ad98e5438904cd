import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The cache's schema, one step per version. `PRAGMA user_version` records the last step
 * applied; steps are only ever appended, never edited once released.
 */
export const cacheMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'settings, profiles, describes, query history, saved queries',
    sql: `
      CREATE TABLE settings (
        key        TEXT PRIMARY KEY,
        value_json TEXT NOT NULL
      );
      CREATE TABLE profiles (
        id          TEXT PRIMARY KEY,
        kind        TEXT NOT NULL CHECK (kind IN ('salesforce', 'postgres')),
        name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
        config_json TEXT NOT NULL,
        secret_names TEXT NOT NULL DEFAULT '[]',
        secrets     BLOB,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
      );
      CREATE TABLE describes (
        org_key       TEXT NOT NULL,
        object_name   TEXT NOT NULL COLLATE NOCASE,
        describe_json TEXT NOT NULL,
        fetched_at    TEXT NOT NULL,
        last_modified TEXT,
        PRIMARY KEY (org_key, object_name)
      );
      CREATE TABLE query_history (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        org_key     TEXT NOT NULL,
        soql        TEXT NOT NULL,
        ran_at      TEXT NOT NULL,
        row_count   INTEGER,
        duration_ms INTEGER,
        error       TEXT
      );
      CREATE INDEX query_history_by_org ON query_history (org_key, ran_at DESC);
      CREATE TABLE saved_queries (
        id         TEXT PRIMARY KEY,
        name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
        soql       TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'object lists (describeGlobal) per org',
    sql: `
      CREATE TABLE object_lists (
        org_key       TEXT PRIMARY KEY,
        objects_json  TEXT NOT NULL,
        fetched_at    TEXT NOT NULL,
        last_modified TEXT
      );
    `,
  },
  {
    version: 3,
    name: 'mapping drafts per database profile and sync schema',
    // A draft belongs to its database profile: removing the profile removes its drafts.
    sql: `
      CREATE TABLE mapping_drafts (
        profile_id  TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
        schema_name TEXT NOT NULL,
        document    TEXT NOT NULL,
        saved_at    TEXT NOT NULL,
        PRIMARY KEY (profile_id, schema_name)
      );
    `,
  },
];

export const latestCacheVersion = cacheMigrations[cacheMigrations.length - 1]?.version ?? 0;

export class CacheTooNewError extends Error {
  override readonly name = 'CacheTooNewError';
}

/** Applies every step newer than the file's user_version, each in its own transaction. */
export function migrate(db: Database.Database, file: string): { from: number; to: number } {
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > latestCacheVersion) {
    throw new CacheTooNewError(
      `The cache ${file} was written by a newer Connect Studio (schema v${from}; this build knows ` +
        `v${latestCacheVersion}). Update Connect Studio, or move the file away to start a fresh cache.`,
    );
  }
  for (const step of cacheMigrations) {
    if (step.version <= from) continue;
    db.transaction(() => {
      db.exec(step.sql);
      db.pragma(`user_version = ${step.version}`);
    })();
  }
  return { from, to: latestCacheVersion };
}
