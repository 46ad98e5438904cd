import pg from 'pg';
import type { ConnectionTestResult } from '../../src-shared/api';
import { explainPostgresError } from './errors';
import { embeddedPostgresBinaries } from './embedded';

const CONNECT_TIMEOUT_MS = 10_000;

/** Connects, reads the server version and checks the sync schema: one honest round trip. */
export async function testPostgresConnection(
  url: string,
  schema: string,
): Promise<ConnectionTestResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return {
      ok: false,
      message: 'The database URL cannot be parsed.',
      hint: 'Use the form postgres://user:password@host:5432/database',
      durationMs: elapsed(),
      details: {},
    };
  }
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'connect-studio',
  });
  // A failed connection may also emit 'error'; the promise below reports it.
  client.on('error', () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{
      version: string;
      user: string;
      database: string;
      schema_exists: boolean;
    }>(
      `SELECT current_setting('server_version') AS version, current_user AS user,
              current_database() AS database,
              EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS schema_exists`,
      [schema],
    );
    const row = rows[0]!;
    return {
      ok: true,
      message: `Connected to PostgreSQL ${row.version} as ${row.user}, database ${row.database}.`,
      durationMs: elapsed(),
      details: {
        serverVersion: row.version,
        user: row.user,
        database: row.database,
        schema: row.schema_exists ? `${schema} (exists)` : `${schema} (not created yet)`,
      },
    };
  } catch (error) {
    return {
      ok: false,
      ...explainPostgresError(error, parsed),
      durationMs: elapsed(),
      details: {},
    };
  } finally {
    await client.end().catch(() => {});
  }
}

/** The embedded database runs inside the studio; its test checks that the server binaries are here. */
export async function testEmbeddedPostgres(): Promise<ConnectionTestResult> {
  const started = performance.now();
  const found = embeddedPostgresBinaries();
  const durationMs = Math.round(performance.now() - started);
  if (!found.ok) {
    return {
      ok: false,
      message: `Embedded Postgres is not available on this machine: ${found.reason}`,
      hint: 'Run npm install again, or use a Postgres profile with a URL instead.',
      durationMs,
      details: {},
    };
  }
  return {
    ok: true,
    message: `Embedded PostgreSQL ${found.version} is installed; the studio runs it in its data folder.`,
    durationMs,
    details: { version: found.version, binaries: found.binDir },
  };
}
