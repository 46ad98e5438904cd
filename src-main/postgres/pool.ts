import pg from 'pg';
import { ENGINE_SESSION_SQL } from '../../src-shared/mapping';
import { explainPostgresError } from './errors';

export type PostgresPool = pg.Pool;

export interface OpenPoolOptions {
  /** Most connections the pool opens (default 5). */
  max?: number;
  applicationName?: string;
  connectTimeoutMs?: number;
}

/** A database URL that cannot be used, or a server that cannot be reached: message and hint. */
export class PostgresConnectError extends Error {
  override readonly name = 'PostgresConnectError';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(hint ? `${message} ${hint}` : message);
  }
}

/**
 * Opens a pool and proves it works with one round trip, so a wrong URL fails here with a
 * sentence (PostgresConnectError), not later inside some query.
 */
export async function openPool(url: string, options: OpenPoolOptions = {}): Promise<pg.Pool> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PostgresConnectError(
      'The database URL cannot be parsed.',
      'Use the form postgres://user:password@host:5432/database',
    );
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new PostgresConnectError(
      `The database URL starts with ${parsed.protocol}// instead of postgres://.`,
      'Use the form postgres://user:password@host:5432/database',
    );
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 5,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    application_name: options.applicationName ?? 'connect-studio',
  });
  // An idle client losing its server emits 'error' on the pool; without a listener Node exits.
  pool.on('error', () => {});
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => {});
    const explained = explainPostgresError(error, parsed);
    throw new PostgresConnectError(explained.message, explained.hint);
  }
  return pool;
}

/**
 * Runs `work` on one pooled connection marked as the sync engine's session (xmlbinary = hex):
 * its writes are not logged and mark rows SYNCED. The mark is removed before the connection
 * goes back to the pool, so application queries on the same pool are logged as usual.
 */
export async function withEngineSession<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // A checked-out client whose server goes away between queries emits 'error'; without a
  // listener that would end the process. The failure still reaches `work` at its next query.
  const noteError = (error: Error) => {
    broken = error;
  };
  client.on('error', noteError);
  try {
    await client.query(ENGINE_SESSION_SQL);
    return await work(client);
  } finally {
    client.removeListener('error', noteError);
    try {
      await client.query('RESET xmlbinary');
    } catch (error) {
      // A connection that cannot be reset must not be reused as an application session.
      broken = error instanceof Error ? error : new Error(String(error));
    }
    client.release(broken);
  }
}
