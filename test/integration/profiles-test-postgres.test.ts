import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/commands';
import { createStudio, type Studio } from '../../src-main/studio';
import { ConnectionTestResult, type ProfileInputDraft } from '../../src-shared/api';
import { memoryIo } from '../support/cli';
import { useEmbeddedPostgres } from '../support/embedded-postgres';
import { closedPort } from '../support/net';
import { tempDir } from '../support/temp';

const postgres = useEmbeddedPostgres();
let studio: Studio;

beforeAll(() => {
  studio = createStudio({
    userDataDir: tempDir('connect-studio-pg-studio-'),
    host: 'cli',
    log: () => {},
  });
});
afterAll(() => studio?.close());

/** A URL to the embedded server with some parts replaced. */
function urlWith(change: (url: URL) => void): string {
  const url = new URL(postgres().url);
  change(url);
  return url.toString();
}

async function save(draft: ProfileInputDraft): Promise<string> {
  const outcome = await studio.router.call('profiles.save', draft);
  if (!outcome.ok) throw new Error(outcome.error.message);
  return (outcome.result as { id: string }).id;
}

async function testProfile(params: unknown): Promise<ConnectionTestResult> {
  const outcome = await studio.router.call('profiles.test', params);
  if (!outcome.ok) throw new Error(`${outcome.error.code}: ${outcome.error.message}`);
  return ConnectionTestResult.parse(outcome.result);
}

describe('profiles.test against a real PostgreSQL', () => {
  it('connects with the right password and reports the server', async () => {
    const id = await save({
      kind: 'postgres',
      name: 'Embedded by URL',
      connection: { method: 'url', url: postgres().url },
    });
    const result = await testProfile({ id });
    expect(result).toMatchObject({
      ok: true,
      message: expect.stringMatching(
        /^Connected to PostgreSQL \d+\.\d+.* as postgres, database postgres\.$/,
      ),
      details: { user: 'postgres', database: 'postgres', schema: 'salesforce (not created yet)' },
    });
    expect(result.details.serverVersion).toMatch(/^17\.\d+/);
    expect(result.hint).toBeUndefined();
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('says whether the sync schema exists', async () => {
    const client = new pg.Client({ connectionString: postgres().url });
    await client.connect();
    try {
      await client.query('CREATE SCHEMA IF NOT EXISTS sync_test');
    } finally {
      await client.end();
    }
    const result = await testProfile({
      profile: {
        kind: 'postgres',
        name: 'Schema check',
        schema: 'sync_test',
        connection: { method: 'url', url: postgres().url },
      },
    });
    expect(result).toMatchObject({ ok: true, details: { schema: 'sync_test (exists)' } });
  });

  it('tests an edited form with the saved password when the URL leaves it out', async () => {
    const id = await save({
      kind: 'postgres',
      name: 'Saved password',
      connection: { method: 'url', url: postgres().url },
    });
    const withoutPassword = urlWith((u) => (u.password = ''));
    expect(withoutPassword).not.toContain(':postgres@');
    const result = await testProfile({
      id,
      profile: {
        kind: 'postgres',
        id,
        name: 'Saved password',
        connection: { method: 'url', url: withoutPassword },
      },
    });
    expect(result.ok).toBe(true);
  });

  it('reports a wrong password as the password, not as a crash', async () => {
    const id = await save({
      kind: 'postgres',
      name: 'Wrong password',
      connection: { method: 'url', url: urlWith((u) => (u.password = 'not-the-password')) },
    });
    const result = await testProfile({ id });
    expect(result).toMatchObject({
      ok: false,
      message: 'The database refused the password for postgres.',
      hint: expect.stringContaining('password in the URL'),
      details: {},
    });
    expect(JSON.stringify(result)).not.toContain('not-the-password');
  });

  it('reports a database that does not exist', async () => {
    const result = await testProfile({
      profile: {
        kind: 'postgres',
        name: 'No db',
        connection: { method: 'url', url: urlWith((u) => (u.pathname = '/no_such_db')) },
      },
    });
    expect(result).toMatchObject({
      ok: false,
      message: `Database "no_such_db" does not exist on 127.0.0.1:${postgres().port}.`,
      hint: expect.stringContaining('createdb no_such_db'),
    });
  });

  it('reports a closed port as nothing listening', async () => {
    const port = await closedPort();
    const result = await testProfile({
      profile: {
        kind: 'postgres',
        name: 'Closed',
        connection: { method: 'url', url: urlWith((u) => (u.port = String(port))) },
      },
    });
    expect(result).toMatchObject({
      ok: false,
      message: `Nothing is listening at 127.0.0.1:${port} (connection refused).`,
      hint: 'Is the server running, and are the host and port in the URL right?',
    });
  });

  it('finds the embedded server binaries for an embedded profile', async () => {
    const id = await save({
      kind: 'postgres',
      name: 'Embedded',
      connection: { method: 'embedded' },
    });
    const result = await testProfile({ id });
    expect(result).toMatchObject({
      ok: true,
      message: expect.stringMatching(/^Embedded PostgreSQL 17\.[\d.]+ is installed/),
      details: {
        version: expect.stringMatching(/^17\.\d+(\.\d+)?$/),
        binaries: expect.stringContaining('@embedded-postgres'),
      },
    });
  });

  it('db test on the command line connects too (exit 0, JSON)', async () => {
    const io = memoryIo({});
    expect(await runCli(['db', 'test', '--db', postgres().url, '--schema', 'sync_test'], io)).toBe(
      0,
    );
    expect(JSON.parse(io.out())).toMatchObject({
      ok: true,
      details: { schema: 'sync_test (exists)' },
    });

    const wrong = memoryIo({ DATABASE_URL: urlWith((u) => (u.password = 'nope')) });
    expect(await runCli(['db', 'test'], wrong)).toBe(1);
    expect(JSON.parse(wrong.out())).toMatchObject({
      ok: false,
      message: 'The database refused the password for postgres.',
    });
  });
});
