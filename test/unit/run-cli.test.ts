import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, runCli } from '../../src-main/commands';
import { createStudio } from '../../src-main/studio';
import { memoryIo, repoRoot } from '../support/cli';
import { closedPort } from '../support/net';
import { tempDir } from '../support/temp';

const version = (
  JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }
).version;

/** The one line a failed command writes to stderr. */
function oneLine(text: string): string {
  expect(text.endsWith('\n')).toBe(true);
  const lines = text.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

describe('runCli', () => {
  it.each([[[]], [['--help']], [['-h']], [['help']]])('prints the usage for %j', async (argv) => {
    const io = memoryIo();
    expect(await runCli(argv, io)).toBe(EXIT_OK);
    expect(io.out()).toContain(`Connect Studio ${version}`);
    expect(io.out()).toContain('Usage: connect-studio <command> [options]');
    for (const command of ['start', 'org test', 'db test', 'profiles list'])
      expect(io.out()).toContain(`  ${command}`);
    expect(io.out()).toContain('Exit codes: 0 success, 1 the command found problems, 2 bad usage.');
    expect(io.err()).toBe('');
  });

  it('prints the version', async () => {
    for (const flag of ['--version', '-v']) {
      const io = memoryIo();
      expect(await runCli([flag], io)).toBe(EXIT_OK);
      expect(io.out()).toBe(`${version}\n`);
    }
  });

  it('prints the help of one command', async () => {
    const io = memoryIo();
    expect(await runCli(['db', 'test', '--help'], io)).toBe(EXIT_OK);
    expect(io.out()).toContain('Usage: connect-studio db test [--db URL] [--schema NAME]');
    const org = memoryIo();
    expect(await runCli(['org', 'test', '-h'], org)).toBe(EXIT_OK);
    expect(org.out()).toContain('Fallbacks: SF_INSTANCE_URL');
  });

  it('exits 2 with one line on stderr for an unknown command', async () => {
    const io = memoryIo();
    expect(await runCli(['frobnicate', '--now'], io)).toBe(EXIT_USAGE);
    expect(oneLine(io.err())).toBe(
      'connect-studio: Unknown command "frobnicate"; run connect-studio --help for the list',
    );
    expect(io.out()).toBe('');
  });

  it('suggests the commands of a known group', async () => {
    const io = memoryIo();
    expect(await runCli(['org', 'login'], io)).toBe(EXIT_USAGE);
    expect(oneLine(io.err())).toBe('connect-studio: "org login" is not a command; try org test');
  });

  it('exits 2 when org test is given no org', async () => {
    const io = memoryIo({});
    expect(await runCli(['org', 'test'], io)).toBe(EXIT_USAGE);
    expect(oneLine(io.err())).toBe(
      'connect-studio: Name an org: --instance-url and --access-token, --login-url/--username/--password, or --org NAME',
    );
    expect(io.out()).toBe('');
  });

  it('exits 2 on bad options, naming them', async () => {
    const cases: [string[], RegExp][] = [
      [['db', 'test'], /Name a database: --db postgres:\/\/… or set DATABASE_URL/],
      [['db', 'test', '--db', 'mysql://x/y'], /--db must be a postgres:\/\/ URL/],
      [
        ['db', 'test', '--bogus'],
        /Unknown option '--bogus' \(see: connect-studio db test --help\)/,
      ],
      [['start', '--web', '--port', 'eighty'], /--port eighty is not a port/],
      [['org', 'test', '--org', 'a', '--username', 'b'], /Name the org one way only/],
    ];
    for (const [argv, message] of cases) {
      const io = memoryIo({});
      expect(await runCli(argv, io), argv.join(' ')).toBe(EXIT_USAGE);
      expect(oneLine(io.err())).toMatch(message);
    }
  });

  it('db test against a closed port exits 1 and prints the result as JSON', async () => {
    const port = await closedPort();
    const io = memoryIo({});
    expect(
      await runCli(['db', 'test', '--db', `postgres://app:secret@127.0.0.1:${port}/app`], io),
    ).toBe(EXIT_PROBLEMS);
    expect(io.err()).toBe('');
    const result = JSON.parse(oneLine(io.out())) as Record<string, unknown>;
    expect(result).toMatchObject({
      ok: false,
      message: `Nothing is listening at 127.0.0.1:${port} (connection refused).`,
      hint: expect.stringContaining('Is the server running'),
      details: {},
    });
    expect(typeof result.durationMs).toBe('number');
    expect(io.out()).not.toContain('secret');
  });

  it('db test falls back to DATABASE_URL', async () => {
    const port = await closedPort();
    const io = memoryIo({ DATABASE_URL: `postgres://u@127.0.0.1:${port}/d` });
    expect(await runCli(['db', 'test'], io)).toBe(EXIT_PROBLEMS);
    expect(JSON.parse(io.out())).toMatchObject({
      ok: false,
      message: expect.stringContaining(`127.0.0.1:${port}`),
    });
  });

  it('org test against a closed port exits 1 with the connection-refused message', async () => {
    const port = await closedPort();
    const io = memoryIo({});
    const url = `http://127.0.0.1:${port}`;
    expect(await runCli(['org', 'test', '--instance-url', url, '--access-token', 'tok'], io)).toBe(
      EXIT_PROBLEMS,
    );
    expect(JSON.parse(io.out())).toMatchObject({
      ok: false,
      message: `Nothing answered at ${url} (connection refused).`,
    });
  });

  it('org test --describe checks a folder of describe files', async () => {
    const dir = tempDir();
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    writeFileSync(join(dir, 'Account.json'), '{"name":"Account"}');
    writeFileSync(join(dir, 'Contact.json'), '{"name":"Contact"}');
    writeFileSync(join(dir, 'notes.txt'), 'ignored');

    const ok = memoryIo();
    expect(await runCli(['org', 'test', '--describe', dir], ok)).toBe(EXIT_OK);
    expect(JSON.parse(ok.out())).toMatchObject({
      ok: true,
      details: { objects: 'Account, Contact' },
    });

    const none = memoryIo();
    expect(await runCli(['org', 'test', '--describe', empty], none)).toBe(EXIT_PROBLEMS);
    expect(JSON.parse(none.out())).toMatchObject({
      ok: false,
      message: `${empty} holds no <Object>.json describe files.`,
    });

    const missing = memoryIo();
    expect(await runCli(['org', 'test', '--describe', join(dir, 'nope')], missing)).toBe(
      EXIT_USAGE,
    );
    expect(oneLine(missing.err())).toContain('is not a folder of <Object>.json describe files');
  });

  it('profiles list prints the saved profiles of --user-data, without secrets', async () => {
    const userData = tempDir();
    const empty = memoryIo();
    expect(await runCli(['profiles', 'list', '--user-data', userData], empty)).toBe(EXIT_OK);
    expect(JSON.parse(empty.out())).toEqual([]);

    const studio = createStudio({ userDataDir: userData, host: 'cli' });
    const outcome = await studio.router.call('profiles.save', {
      kind: 'salesforce',
      name: 'Dev org',
      auth: { method: 'password', username: 'dev@example.com', password: 'cli-secret-pw' },
    });
    studio.close();
    expect(outcome.ok).toBe(true);

    const io = memoryIo();
    expect(await runCli(['profiles', 'list', '--user-data', userData], io)).toBe(EXIT_OK);
    expect(JSON.parse(io.out())).toMatchObject([{ name: 'Dev org', savedSecrets: ['password'] }]);
    expect(io.out()).not.toContain('cli-secret-pw');

    const unknown = memoryIo({});
    expect(await runCli(['org', 'test', '--org', 'Prod', '--user-data', userData], unknown)).toBe(
      EXIT_USAGE,
    );
    expect(oneLine(unknown.err())).toBe(
      'connect-studio: No Salesforce profile named "Prod"; saved: Dev org',
    );
  });
});
