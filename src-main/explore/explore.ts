// Wires the explore services to one set of connections, cache and events.
import type { Cache } from '../cache';
import { CompareService } from './compare';
import { MappedDatabases, type ExploreConnections } from './mapped-database';
import { QueryService } from './query-service';
import { SchemaService, type ExploreEvents } from './schema-service';
import { SqlService } from './sql-service';

export interface ExploreOptions {
  connections: ExploreConnections;
  cache: Cache;
  events: ExploreEvents;
  log: (line: string) => void;
}

export interface Explore {
  schema: SchemaService;
  query: QueryService;
  sql: SqlService;
  compare: CompareService;
  mapped: MappedDatabases;
  /** Resolves when no background refresh is running. */
  whenIdle(): Promise<void>;
}

export function createExplore(options: ExploreOptions): Explore {
  const mapped = new MappedDatabases(options.connections);
  // Another database (or an edited profile) must not be answered from the last reading, nor
  // may mappings just applied (Schema's mapped markers follow an apply at once).
  options.events.subscribe((envelope) => {
    if (
      envelope.event === 'settings.changed' ||
      envelope.event === 'profiles.changed' ||
      envelope.event === 'mappings.changed'
    ) {
      mapped.forget();
    }
  });
  const schema = new SchemaService({ ...options, mapped });
  const query = new QueryService(options);
  const sql = new SqlService({ connections: options.connections, schema, mapped });
  const compare = new CompareService({ connections: options.connections, query, sql });
  return { schema, query, sql, compare, mapped, whenIdle: () => schema.whenIdle() };
}
