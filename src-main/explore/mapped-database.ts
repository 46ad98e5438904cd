// The active database's applied mappings: which objects (and fields) have tables. Read by
// introspection and kept a few seconds, so a burst of schema.* calls costs one round trip.
import type pg from 'pg';
import {
  appliedMappings,
  mappingsFromSnapshot,
  type Mapping,
  type MappingAccess,
} from '../../src-shared/mapping';
import type { DatabaseConnection, OrgConnection } from '../connections';
import { introspectSchema } from '../postgres';
import { databaseFailure } from './errors';

/** What the explore services need of the connections service. */
export interface ExploreConnections {
  activeOrg(): Promise<OrgConnection>;
  activeDatabase(): Promise<DatabaseConnection>;
}

export interface MappedDatabase {
  profileId: string;
  schemaName: string;
  pool: pg.Pool;
  mappings: readonly Mapping[];
  /** Lower-cased object name -> its mapping's access. */
  access: ReadonlyMap<string, MappingAccess>;
}

/** How long a reading of the mappings (or a failure to read them) is reused. */
const KEEP_MS = 5_000;
/** schema.* answers without mapped markers rather than wait longer than this for the database. */
const MARKER_WAIT_MS = 1_500;

interface Held {
  profileId: string;
  schemaName: string;
  at: number;
  value: Promise<MappedDatabase>;
}

export class MappedDatabases {
  private held: Held | undefined;
  private failedAt = -Infinity;

  constructor(
    private readonly connections: ExploreConnections,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** The active database and its mappings; throws NO_ACTIVE_DATABASE / CONNECT_FAILED. */
  async current(): Promise<MappedDatabase> {
    const database = await this.connections.activeDatabase();
    const held = this.held;
    if (
      held &&
      held.profileId === database.profileId &&
      held.schemaName === database.schemaName &&
      this.now() - held.at < KEEP_MS
    ) {
      return held.value;
    }
    const value = readMappings(database);
    this.held = {
      profileId: database.profileId,
      schemaName: database.schemaName,
      at: this.now(),
      value,
    };
    value.catch(() => {
      if (this.held?.value === value) this.held = undefined;
    });
    return value;
  }

  /**
   * Mapping access by object for the schema browser's markers; null when there is no active
   * database, it is down, or it is slow to answer. Never throws: browsing must not depend on it.
   */
  async accessOrNull(): Promise<ReadonlyMap<string, MappingAccess> | null> {
    if (this.now() - this.failedAt < KEEP_MS) return null;
    let timer: NodeJS.Timeout | undefined;
    const slow = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), MARKER_WAIT_MS);
      timer.unref();
    });
    const reading = this.current().then(
      (db) => db.access,
      () => {
        this.failedAt = this.now();
        return null;
      },
    );
    try {
      return await Promise.race([reading, slow]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Forget what was read (after the mappings changed, or in tests). */
  forget(): void {
    this.held = undefined;
    this.failedAt = -Infinity;
  }
}

async function readMappings(database: DatabaseConnection): Promise<MappedDatabase> {
  let mappings: readonly Mapping[];
  try {
    const snapshot = await introspectSchema(database.pool, database.schemaName);
    // A database Heroku Connect itself laid out keeps no export in _hcmeta: read the tables.
    mappings = (appliedMappings(snapshot) ?? mappingsFromSnapshot(snapshot)).mappings;
  } catch (error) {
    throw databaseFailure(error);
  }
  const access = new Map<string, MappingAccess>();
  for (const mapping of mappings) access.set(mapping.objectName.toLowerCase(), mapping.access);
  return {
    profileId: database.profileId,
    schemaName: database.schemaName,
    pool: database.pool,
    mappings,
    access,
  };
}
