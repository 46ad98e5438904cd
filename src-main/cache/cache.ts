import Database from 'better-sqlite3';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrate } from './migrations';
import type { SecretBox } from './secret-box';
import { SecretUnreadableError } from './secret-box';

export interface StoredProfile {
  id: string;
  kind: 'salesforce' | 'postgres';
  name: string;
  /** Everything but the secrets, as the profiles service wrote it. */
  config: unknown;
  secretNames: string[];
  createdAt: string;
  updatedAt: string;
}

export interface DescribeEntry {
  orgKey: string;
  objectName: string;
  describe: unknown;
  fetchedAt: string;
  lastModified: string | null;
}

/** An org's object list (the describeGlobal `sobjects`), as the org sent it. */
export interface ObjectListEntry {
  orgKey: string;
  objects: unknown[];
  fetchedAt: string;
  lastModified: string | null;
}

export interface QueryHistoryEntry {
  id: number;
  orgKey: string;
  soql: string;
  ranAt: string;
  rowCount: number | null;
  durationMs: number | null;
  error: string | null;
}

export interface SavedQuery {
  id: string;
  name: string;
  soql: string;
  createdAt: string;
  updatedAt: string;
}

/** The unapplied edit of a database's mappings (Heroku Connect export JSON, as the user left it). */
export interface MappingDraftEntry {
  profileId: string;
  schemaName: string;
  document: string;
  savedAt: string;
}

export interface OpenCacheOptions {
  file: string;
  secretBox: SecretBox;
  now?: () => Date;
}

export interface OpenedCache {
  cache: Cache;
  /** A sentence for the user when the file had to be recovered; null otherwise. */
  notice: string | null;
}

/**
 * Opens (or creates) the studio's cache. A file that is not a database, or fails SQLite's
 * quick check, is moved aside with its name in the notice, and a fresh cache takes its place:
 * the cache holds nothing that cannot be fetched or entered again.
 */
export function openCache(options: OpenCacheOptions): OpenedCache {
  const { file } = options;
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  try {
    return { cache: new Cache(openDatabase(file), options), notice: null };
  } catch (error) {
    if (!isCorruption(error) || file === ':memory:') throw error;
    const movedTo = `${file}.corrupt-${stamp(options.now?.() ?? new Date())}`;
    moveAside(file, movedTo);
    const cache = new Cache(openDatabase(file), options);
    return {
      cache,
      notice:
        `The cache file ${file} was damaged and has been moved to ${movedTo}. ` +
        'A fresh cache was created: saved connection profiles and query history must be added again.',
    };
  }
}

function openDatabase(file: string): Database.Database {
  const db = new Database(file);
  try {
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw Object.assign(new Error(String(check)), { code: 'SQLITE_CORRUPT' });
    db.pragma('busy_timeout = 5000');
    // Migrate (and refuse a newer schema) before switching the file to WAL.
    migrate(db, file);
    if (file !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function isCorruption(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT';
}

function moveAside(file: string, movedTo: string): void {
  renameSync(file, movedTo);
  for (const suffix of ['-wal', '-shm']) {
    if (existsSync(file + suffix)) renameSync(file + suffix, movedTo + suffix);
  }
}

function stamp(date: Date): string {
  return date.toISOString().replace(/[:.]/g, '-');
}

export class Cache {
  private readonly db: Database.Database;
  private readonly secretBox: SecretBox;
  private readonly now: () => Date;

  constructor(db: Database.Database, options: OpenCacheOptions) {
    this.db = db;
    this.secretBox = options.secretBox;
    this.now = options.now ?? (() => new Date());
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  get journalMode(): string {
    return String(this.db.pragma('journal_mode', { simple: true }));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private timestamp(): string {
    return this.now().toISOString();
  }

  // ── settings ────────────────────────────────────────────────────────────────
  readonly settings = {
    all: (): Record<string, unknown> => {
      const rows = this.db.prepare('SELECT key, value_json FROM settings').all() as {
        key: string;
        value_json: string;
      }[];
      return Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value_json) as unknown]));
    },
    setMany: (values: Record<string, unknown>): void => {
      const upsert = this.db.prepare(
        'INSERT INTO settings (key, value_json) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json',
      );
      this.db.transaction(() => {
        for (const [key, value] of Object.entries(values)) upsert.run(key, JSON.stringify(value));
      })();
    },
  };

  // ── connection profiles ─────────────────────────────────────────────────────
  readonly profiles = {
    list: (): StoredProfile[] =>
      (
        this.db
          .prepare('SELECT * FROM profiles ORDER BY kind, name COLLATE NOCASE')
          .all() as ProfileRow[]
      ).map(toStoredProfile),

    get: (id: string): StoredProfile | null => {
      const row = this.db.prepare('SELECT * FROM profiles WHERE id = ?').get(id) as
        ProfileRow | undefined;
      return row ? toStoredProfile(row) : null;
    },

    findByName: (name: string): StoredProfile | null => {
      const row = this.db.prepare('SELECT * FROM profiles WHERE name = ?').get(name) as
        ProfileRow | undefined;
      return row ? toStoredProfile(row) : null;
    },

    /** Inserts or replaces a profile; `secrets` is encrypted before it is written. */
    put: (profile: {
      id: string;
      kind: StoredProfile['kind'];
      name: string;
      config: unknown;
      secrets: Record<string, string>;
    }): StoredProfile => {
      const now = this.timestamp();
      const names = Object.keys(profile.secrets).sort();
      const sealed =
        names.length > 0 ? this.secretBox.encrypt(JSON.stringify(profile.secrets)) : null;
      this.db
        .prepare(
          `INSERT INTO profiles (id, kind, name, config_json, secret_names, secrets, created_at, updated_at)
           VALUES (@id, @kind, @name, @config, @names, @sealed, @now, @now)
           ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name,
             config_json = excluded.config_json, secret_names = excluded.secret_names,
             secrets = excluded.secrets, updated_at = excluded.updated_at`,
        )
        .run({
          id: profile.id,
          kind: profile.kind,
          name: profile.name,
          config: JSON.stringify(profile.config),
          names: JSON.stringify(names),
          sealed,
          now,
        });
      const saved = this.profiles.get(profile.id);
      if (!saved) throw new Error(`profile ${profile.id} vanished while being saved`);
      return saved;
    },

    remove: (id: string): boolean =>
      this.db.prepare('DELETE FROM profiles WHERE id = ?').run(id).changes > 0,

    /** Decrypts a profile's secrets; throws SecretUnreadableError when the key changed. */
    readSecrets: (id: string): Record<string, string> => {
      const row = this.db.prepare('SELECT secrets FROM profiles WHERE id = ?').get(id) as
        { secrets: Buffer | null } | undefined;
      if (!row || row.secrets === null) return {};
      const parsed = JSON.parse(this.secretBox.decrypt(row.secrets)) as unknown;
      if (typeof parsed !== 'object' || parsed === null) {
        throw new SecretUnreadableError('the stored secrets are not an object');
      }
      return parsed as Record<string, string>;
    },

    secretsReadable: (id: string): boolean => {
      try {
        this.profiles.readSecrets(id);
        return true;
      } catch (error) {
        if (error instanceof SecretUnreadableError) return false;
        throw error;
      }
    },
  };

  // ── describe cache (used by the schema browser and the SOQL tools) ───────────
  readonly describes = {
    put: (entry: Omit<DescribeEntry, 'fetchedAt'> & { fetchedAt?: string }): void => {
      this.db
        .prepare(
          `INSERT INTO describes (org_key, object_name, describe_json, fetched_at, last_modified)
           VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (org_key, object_name) DO UPDATE SET describe_json = excluded.describe_json,
             fetched_at = excluded.fetched_at, last_modified = excluded.last_modified`,
        )
        .run(
          entry.orgKey,
          entry.objectName,
          JSON.stringify(entry.describe),
          entry.fetchedAt ?? this.timestamp(),
          entry.lastModified,
        );
    },
    get: (orgKey: string, objectName: string): DescribeEntry | null => {
      const row = this.db
        .prepare('SELECT * FROM describes WHERE org_key = ? AND object_name = ?')
        .get(orgKey, objectName) as DescribeRow | undefined;
      return row ? toDescribeEntry(row) : null;
    },
    list: (orgKey: string): DescribeEntry[] =>
      (
        this.db
          .prepare('SELECT * FROM describes WHERE org_key = ? ORDER BY object_name')
          .all(orgKey) as DescribeRow[]
      ).map(toDescribeEntry),
    forget: (orgKey: string): number =>
      this.db.prepare('DELETE FROM describes WHERE org_key = ?').run(orgKey).changes,
    /** The org confirmed a cached describe unchanged (304): only its fetch time moves. */
    touch: (orgKey: string, objectName: string, fetchedAt?: string): boolean =>
      this.db
        .prepare('UPDATE describes SET fetched_at = ? WHERE org_key = ? AND object_name = ?')
        .run(fetchedAt ?? this.timestamp(), orgKey, objectName).changes > 0,
  };

  // ── object lists (describeGlobal per org; the schema browser's list) ────────
  readonly objectLists = {
    put: (entry: Omit<ObjectListEntry, 'fetchedAt'> & { fetchedAt?: string }): void => {
      this.db
        .prepare(
          `INSERT INTO object_lists (org_key, objects_json, fetched_at, last_modified)
           VALUES (?, ?, ?, ?)
           ON CONFLICT (org_key) DO UPDATE SET objects_json = excluded.objects_json,
             fetched_at = excluded.fetched_at, last_modified = excluded.last_modified`,
        )
        .run(
          entry.orgKey,
          JSON.stringify(entry.objects),
          entry.fetchedAt ?? this.timestamp(),
          entry.lastModified,
        );
    },
    get: (orgKey: string): ObjectListEntry | null => {
      const row = this.db.prepare('SELECT * FROM object_lists WHERE org_key = ?').get(orgKey) as
        | {
            org_key: string;
            objects_json: string;
            fetched_at: string;
            last_modified: string | null;
          }
        | undefined;
      if (!row) return null;
      const objects = JSON.parse(row.objects_json) as unknown;
      return {
        orgKey: row.org_key,
        objects: Array.isArray(objects) ? (objects as unknown[]) : [],
        fetchedAt: row.fetched_at,
        lastModified: row.last_modified,
      };
    },
    /** The org confirmed the list unchanged (304): only its fetch time moves. */
    touch: (orgKey: string, fetchedAt?: string): boolean =>
      this.db
        .prepare('UPDATE object_lists SET fetched_at = ? WHERE org_key = ?')
        .run(fetchedAt ?? this.timestamp(), orgKey).changes > 0,
    forget: (orgKey: string): boolean =>
      this.db.prepare('DELETE FROM object_lists WHERE org_key = ?').run(orgKey).changes > 0,
  };

  // ── mapping drafts (the Mapping editor's unapplied edits) ───────────────────
  /** One draft per database profile and sync schema; the profile must exist. */
  readonly mappingDrafts = {
    put: (draft: Omit<MappingDraftEntry, 'savedAt'> & { savedAt?: string }): MappingDraftEntry => {
      const savedAt = draft.savedAt ?? this.timestamp();
      this.db
        .prepare(
          `INSERT INTO mapping_drafts (profile_id, schema_name, document, saved_at)
           VALUES (?, ?, ?, ?)
           ON CONFLICT (profile_id, schema_name) DO UPDATE SET document = excluded.document,
             saved_at = excluded.saved_at`,
        )
        .run(draft.profileId, draft.schemaName, draft.document, savedAt);
      return { ...draft, savedAt };
    },
    get: (profileId: string, schemaName: string): MappingDraftEntry | null => {
      const row = this.db
        .prepare(
          'SELECT document, saved_at FROM mapping_drafts WHERE profile_id = ? AND schema_name = ?',
        )
        .get(profileId, schemaName) as { document: string; saved_at: string } | undefined;
      return row ? { profileId, schemaName, document: row.document, savedAt: row.saved_at } : null;
    },
    forget: (profileId: string, schemaName: string): boolean =>
      this.db
        .prepare('DELETE FROM mapping_drafts WHERE profile_id = ? AND schema_name = ?')
        .run(profileId, schemaName).changes > 0,
  };

  // ── query history and saved queries (used by the Query workspace) ───────────
  readonly history = {
    add: (entry: Omit<QueryHistoryEntry, 'id' | 'ranAt'> & { ranAt?: string }): number =>
      Number(
        this.db
          .prepare(
            `INSERT INTO query_history (org_key, soql, ran_at, row_count, duration_ms, error)
             VALUES (?, ?, ?, ?, ?, ?)`,
          )
          .run(
            entry.orgKey,
            entry.soql,
            entry.ranAt ?? this.timestamp(),
            entry.rowCount,
            entry.durationMs,
            entry.error,
          ).lastInsertRowid,
      ),
    list: (orgKey: string, limit = 100): QueryHistoryEntry[] =>
      (
        this.db
          .prepare(
            'SELECT * FROM query_history WHERE org_key = ? ORDER BY ran_at DESC, id DESC LIMIT ?',
          )
          .all(orgKey, limit) as HistoryRow[]
      ).map((r) => ({
        id: r.id,
        orgKey: r.org_key,
        soql: r.soql,
        ranAt: r.ran_at,
        rowCount: r.row_count,
        durationMs: r.duration_ms,
        error: r.error,
      })),
  };

  readonly savedQueries = {
    save: (query: { id: string; name: string; soql: string }): SavedQuery => {
      const now = this.timestamp();
      this.db
        .prepare(
          `INSERT INTO saved_queries (id, name, soql, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET name = excluded.name, soql = excluded.soql,
             updated_at = excluded.updated_at`,
        )
        .run(query.id, query.name, query.soql, now, now);
      return this.savedQueries.list().find((q) => q.id === query.id)!;
    },
    list: (): SavedQuery[] =>
      (
        this.db.prepare('SELECT * FROM saved_queries ORDER BY name COLLATE NOCASE').all() as {
          id: string;
          name: string;
          soql: string;
          created_at: string;
          updated_at: string;
        }[]
      ).map((r) => ({
        id: r.id,
        name: r.name,
        soql: r.soql,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      })),
    remove: (id: string): boolean =>
      this.db.prepare('DELETE FROM saved_queries WHERE id = ?').run(id).changes > 0,
  };
}

interface ProfileRow {
  id: string;
  kind: StoredProfile['kind'];
  name: string;
  config_json: string;
  secret_names: string;
  created_at: string;
  updated_at: string;
}

interface DescribeRow {
  org_key: string;
  object_name: string;
  describe_json: string;
  fetched_at: string;
  last_modified: string | null;
}

interface HistoryRow {
  id: number;
  org_key: string;
  soql: string;
  ran_at: string;
  row_count: number | null;
  duration_ms: number | null;
  error: string | null;
}

function toStoredProfile(row: ProfileRow): StoredProfile {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    config: JSON.parse(row.config_json) as unknown,
    secretNames: JSON.parse(row.secret_names) as string[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toDescribeEntry(row: DescribeRow): DescribeEntry {
  return {
    orgKey: row.org_key,
    objectName: row.object_name,
    describe: JSON.parse(row.describe_json) as unknown,
    fetchedAt: row.fetched_at,
    lastModified: row.last_modified,
  };
}
