import Database from 'better-sqlite3';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Cache,
  CacheTooNewError,
  KeyFileSecretBox,
  SecretUnreadableError,
  cacheMigrations,
  latestCacheVersion,
  openCache,
  type OpenedCache,
} from '../../src-main/cache';
import { tempDir } from '../support/temp';

const opened: Cache[] = [];
afterEach(() => {
  for (const cache of opened.splice(0)) cache.close();
});

function open(dir: string, options: { file?: string; now?: () => Date } = {}): OpenedCache {
  const result = openCache({
    file: options.file ?? join(dir, 'cache.sqlite'),
    secretBox: new KeyFileSecretBox(join(dir, 'secrets.key')),
    ...(options.now ? { now: options.now } : {}),
  });
  opened.push(result.cache);
  return result;
}

/** Every byte SQLite keeps for the cache: the file and, in WAL mode, its log. */
function cacheBytes(file: string): Buffer {
  return Buffer.concat(
    [file, `${file}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)),
  );
}

describe('openCache: schema and file handling', () => {
  it('creates a missing file, parent folders included, at the latest schema in WAL mode', () => {
    const dir = tempDir();
    const file = join(dir, 'nested', 'deeper', 'cache.sqlite');
    const { cache, notice } = open(dir, { file });
    expect(notice).toBeNull();
    expect(existsSync(file)).toBe(true);
    expect(cache.schemaVersion).toBe(latestCacheVersion);
    expect(latestCacheVersion).toBe(cacheMigrations.at(-1)!.version);
    expect(cache.journalMode).toBe('wal');

    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('user_version', { simple: true })).toBe(latestCacheVersion);
      const tables = (
        raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
          name: string;
        }[]
      ).map((t) => t.name);
      expect(tables).toEqual(
        expect.arrayContaining([
          'settings',
          'profiles',
          'describes',
          'query_history',
          'saved_queries',
          'mapping_drafts',
        ]),
      );
    } finally {
      raw.close();
    }
  });

  it('keeps its data when opened again, without re-running migrations', () => {
    const dir = tempDir();
    const first = open(dir).cache;
    first.settings.setMany({ theme: 'dark', activeOrgProfileId: null });
    first.savedQueries.save({ id: 'q1', name: 'Accounts', soql: 'SELECT Id FROM Account' });
    first.close();

    const { cache, notice } = open(dir);
    expect(notice).toBeNull();
    expect(cache.schemaVersion).toBe(latestCacheVersion);
    expect(cache.settings.all()).toEqual({ theme: 'dark', activeOrgProfileId: null });
    expect(cache.savedQueries.list().map((q) => q.name)).toEqual(['Accounts']);
  });

  it('refuses a file written by a newer build, with a message that says what to do', () => {
    const dir = tempDir();
    const file = join(dir, 'cache.sqlite');
    const newer = new Database(file);
    newer.exec('CREATE TABLE from_the_future (x)');
    newer.pragma(`user_version = ${latestCacheVersion + 1}`);
    newer.close();

    let error: unknown;
    try {
      open(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CacheTooNewError);
    const message = (error as Error).message;
    expect(message).toContain(file);
    expect(message).toContain(`schema v${latestCacheVersion + 1}`);
    expect(message).toContain(`this build knows v${latestCacheVersion}`);
    expect(message).toMatch(/Update Connect Studio/);
    // Not damaged: it must stay where it is, untouched.
    expect(readdirSync(dir).filter((f) => f.includes('.corrupt-'))).toEqual([]);
    const check = new Database(file, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(latestCacheVersion + 1);
    // Not even switched to WAL: a newer build may rely on its own journal mode.
    expect(check.pragma('journal_mode', { simple: true })).toBe('delete');
    check.close();
  });

  it.each([
    ['text', () => Buffer.from('this is not a database, it is a shopping list\n'.repeat(50))],
    [
      'random bytes',
      () => Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919 + 13) % 256)),
    ],
  ])('moves a file of %s aside, says so, and starts a fresh cache', (_kind, content) => {
    const dir = tempDir();
    const file = join(dir, 'cache.sqlite');
    const damaged = content();
    writeFileSync(file, damaged);

    const now = new Date('2025-03-04T05:06:07.890Z');
    const { cache, notice } = open(dir, { now: () => now });
    const movedTo = `${file}.corrupt-2025-03-04T05-06-07-890Z`;
    expect(existsSync(movedTo)).toBe(true);
    expect(readFileSync(movedTo).equals(damaged)).toBe(true);
    expect(notice).toContain(file);
    expect(notice).toContain(movedTo);
    expect(notice).toMatch(/damaged/);

    expect(cache.schemaVersion).toBe(latestCacheVersion);
    cache.settings.setMany({ theme: 'light' });
    expect(cache.settings.all()).toEqual({ theme: 'light' });
  });

  it('moves aside a database whose pages are damaged', () => {
    const dir = tempDir();
    const file = join(dir, 'cache.sqlite');
    const first = open(dir).cache;
    for (let i = 0; i < 200; i++) {
      first.history.add({
        orgKey: 'org',
        soql: `SELECT Id FROM Account -- ${'x'.repeat(200)} ${i}`,
        rowCount: i,
        durationMs: 1,
        error: null,
      });
    }
    first.close();
    const bytes = readFileSync(file);
    expect(bytes.length).toBeGreaterThan(8192);
    // Keep the header (page 1) and overwrite the pages after it.
    bytes.fill(0xa5, 4096 + 100, bytes.length - 100);
    writeFileSync(file, bytes);

    const { cache, notice } = open(dir);
    expect(notice).toMatch(/moved to .*\.corrupt-/);
    expect(readdirSync(dir).some((f) => f.startsWith('cache.sqlite.corrupt-'))).toBe(true);
    expect(cache.history.list('org')).toEqual([]);
  });
});

describe('KeyFileSecretBox', () => {
  it('round-trips text, and never writes the plain text', () => {
    const box = new KeyFileSecretBox(join(tempDir(), 'secrets.key'));
    for (const plain of [
      'hunter2',
      '',
      'pässwörd ✓ with spaces and "quotes"',
      'x'.repeat(10_000),
    ]) {
      const sealed = box.encrypt(plain);
      expect(box.decrypt(sealed)).toBe(plain);
      if (plain.length > 0) expect(sealed.includes(Buffer.from(plain))).toBe(false);
    }
    // A fresh IV every time: the same secret never looks the same twice.
    expect(box.encrypt('same').equals(box.encrypt('same'))).toBe(false);
  });

  it('creates its key file (and folder) readable by its owner only', () => {
    const keyFile = join(tempDir(), 'made', 'for', 'me', 'secrets.key');
    new KeyFileSecretBox(keyFile);
    expect(existsSync(keyFile)).toBe(true);
    if (process.platform !== 'win32') {
      expect(statMode(keyFile)).toBe(0o600);
    }
    expect(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64')).toHaveLength(32);
  });

  it('reuses the key file: a second box reads what the first sealed', () => {
    const keyFile = join(tempDir(), 'secrets.key');
    const sealed = new KeyFileSecretBox(keyFile).encrypt('kept across runs');
    expect(new KeyFileSecretBox(keyFile).decrypt(sealed)).toBe('kept across runs');
  });

  it.skipIf(process.platform === 'win32')('tightens a key file that others may read', () => {
    const keyFile = join(tempDir(), 'secrets.key');
    new KeyFileSecretBox(keyFile);
    chmodSync(keyFile, 0o644);
    new KeyFileSecretBox(keyFile);
    expect(statMode(keyFile)).toBe(0o600);
  });

  it('cannot open what another key sealed: SecretUnreadableError naming the key file', () => {
    const sealed = new KeyFileSecretBox(join(tempDir(), 'a.key')).encrypt('hunter2');
    const otherKey = join(tempDir(), 'b.key');
    const other = new KeyFileSecretBox(otherKey);
    expect(() => other.decrypt(sealed)).toThrow(SecretUnreadableError);
    expect(() => other.decrypt(sealed)).toThrow(otherKey);
  });

  it('says clearly when the sealed bytes are not its format, or were tampered with', () => {
    const box = new KeyFileSecretBox(join(tempDir(), 'secrets.key'));
    expect(() => box.decrypt(Buffer.from('plain text pretending'))).toThrow(
      /not in a format this studio wrote/,
    );
    const sealed = box.encrypt('hunter2');
    sealed[sealed.length - 1]! ^= 0xff;
    expect(() => box.decrypt(sealed)).toThrow(SecretUnreadableError);
  });

  it('refuses a damaged key file with a message that names it and the fix', () => {
    const keyFile = join(tempDir(), 'secrets.key');
    writeFileSync(keyFile, 'c2hvcnQ=\n', { mode: 0o600 });
    expect(() => new KeyFileSecretBox(keyFile)).toThrow(
      new RegExp(`secrets key file ${keyFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is damaged`),
    );
    expect(() => new KeyFileSecretBox(keyFile)).toThrow(/Move it away/);
  });
});

describe('cache contents', () => {
  it('stores profile secrets encrypted: the secret is nowhere in the file bytes', () => {
    const dir = tempDir();
    const file = join(dir, 'cache.sqlite');
    const { cache } = open(dir);
    const secret = 'S3cret-Pa55word-that-must-not-leak';
    const token = '00Dxx0000000001!AQ4AQFakeTokenThatMustNotLeak';
    const stored = cache.profiles.put({
      id: 'p1',
      kind: 'salesforce',
      name: 'Dev org',
      config: {
        apiVersion: '62.0',
        auth: {
          method: 'password',
          loginUrl: 'https://login.salesforce.com',
          username: 'me@example.com',
        },
      },
      secrets: { password: secret, securityToken: token },
    });
    expect(stored.secretNames).toEqual(['password', 'securityToken']);
    expect(cache.profiles.readSecrets('p1')).toEqual({ password: secret, securityToken: token });
    expect(cache.profiles.secretsReadable('p1')).toBe(true);

    const whileOpen = cacheBytes(file);
    expect(whileOpen.includes(Buffer.from('me@example.com'))).toBe(true); // the config is there…
    expect(whileOpen.includes(Buffer.from(secret))).toBe(false); // …the secrets are not
    expect(whileOpen.includes(Buffer.from(token))).toBe(false);
    cache.close();
    const afterClose = cacheBytes(file);
    expect(afterClose.includes(Buffer.from(secret))).toBe(false);
    expect(afterClose.includes(Buffer.from(token))).toBe(false);

    const raw = new Database(file, { readonly: true });
    const row = raw
      .prepare('SELECT secrets, secret_names FROM profiles WHERE id = ?')
      .get('p1') as {
      secrets: Buffer;
      secret_names: string;
    };
    raw.close();
    expect(Buffer.isBuffer(row.secrets)).toBe(true);
    expect(row.secrets.includes(Buffer.from(secret))).toBe(false);
    expect(JSON.parse(row.secret_names)).toEqual(['password', 'securityToken']);
  });

  it('stores no secret blob for a profile without secrets', () => {
    const { cache } = open(tempDir());
    cache.profiles.put({ id: 'e', kind: 'postgres', name: 'Embedded', config: {}, secrets: {} });
    expect(cache.profiles.readSecrets('e')).toEqual({});
    expect(cache.profiles.get('e')?.secretNames).toEqual([]);
  });

  it('reports secrets sealed with another key as unreadable instead of failing', () => {
    const dir = tempDir();
    const { cache } = open(dir);
    cache.profiles.put({
      id: 'p',
      kind: 'postgres',
      name: 'Db',
      config: {},
      secrets: { password: 'pw' },
    });
    cache.close();
    const reopened = openCache({
      file: join(dir, 'cache.sqlite'),
      secretBox: new KeyFileSecretBox(join(tempDir(), 'another.key')),
    }).cache;
    opened.push(reopened);
    expect(reopened.profiles.secretsReadable('p')).toBe(false);
    expect(() => reopened.profiles.readSecrets('p')).toThrow(SecretUnreadableError);
  });

  it('lists, finds (case-insensitively), updates and removes profiles', () => {
    let clock = Date.parse('2025-01-01T00:00:00.000Z');
    const { cache } = open(tempDir(), { now: () => new Date((clock += 1000)) });
    cache.profiles.put({
      id: 'b',
      kind: 'salesforce',
      name: 'beta',
      config: { n: 1 },
      secrets: {},
    });
    cache.profiles.put({
      id: 'a',
      kind: 'salesforce',
      name: 'Alpha',
      config: { n: 2 },
      secrets: {},
    });
    cache.profiles.put({ id: 'z', kind: 'postgres', name: 'AAA db', config: {}, secrets: {} });
    expect(cache.profiles.list().map((p) => p.name)).toEqual(['AAA db', 'Alpha', 'beta']);
    expect(cache.profiles.findByName('ALPHA')?.id).toBe('a');

    const created = cache.profiles.get('b')!;
    const updated = cache.profiles.put({
      id: 'b',
      kind: 'salesforce',
      name: 'Beta',
      config: { n: 3 },
      secrets: {},
    });
    expect(updated.name).toBe('Beta');
    expect(updated.config).toEqual({ n: 3 });
    expect(updated.createdAt).toBe(created.createdAt);
    expect(updated.updatedAt > created.updatedAt).toBe(true);

    // Names are unique regardless of case.
    expect(() =>
      cache.profiles.put({ id: 'c', kind: 'salesforce', name: 'alpha', config: {}, secrets: {} }),
    ).toThrow(/UNIQUE/);

    expect(cache.profiles.remove('b')).toBe(true);
    expect(cache.profiles.remove('b')).toBe(false);
    expect(cache.profiles.get('b')).toBeNull();
  });

  it('round-trips describes per org', () => {
    const { cache } = open(tempDir(), { now: () => new Date('2025-02-02T00:00:00.000Z') });
    const describe = { name: 'Account', fields: [{ name: 'Id', type: 'id' }] };
    cache.describes.put({
      orgKey: 'org1',
      objectName: 'Account',
      describe,
      lastModified: 'Tue, 01 Apr 2025',
    });
    cache.describes.put({
      orgKey: 'org1',
      objectName: 'Contact',
      describe: { name: 'Contact' },
      lastModified: null,
      fetchedAt: '2024-12-31T00:00:00.000Z',
    });
    cache.describes.put({
      orgKey: 'org2',
      objectName: 'Account',
      describe: { name: 'Other' },
      lastModified: null,
    });

    expect(cache.describes.get('org1', 'account')).toEqual({
      orgKey: 'org1',
      objectName: 'Account',
      describe,
      fetchedAt: '2025-02-02T00:00:00.000Z',
      lastModified: 'Tue, 01 Apr 2025',
    });
    expect(cache.describes.list('org1').map((d) => d.objectName)).toEqual(['Account', 'Contact']);
    expect(cache.describes.get('org1', 'Contact')?.fetchedAt).toBe('2024-12-31T00:00:00.000Z');

    cache.describes.put({
      orgKey: 'org1',
      objectName: 'Account',
      describe: { name: 'Account', fields: [] },
      lastModified: null,
    });
    expect(cache.describes.get('org1', 'Account')?.describe).toEqual({
      name: 'Account',
      fields: [],
    });
    expect(cache.describes.forget('org1')).toBe(2);
    expect(cache.describes.list('org1')).toEqual([]);
    expect(cache.describes.list('org2')).toHaveLength(1);
    expect(cache.describes.get('org1', 'Nope')).toBeNull();
  });

  it('keeps query history newest first, per org, with a limit', () => {
    const { cache } = open(tempDir());
    const first = cache.history.add({
      orgKey: 'o',
      soql: 'SELECT Id FROM Account',
      ranAt: '2025-01-01T00:00:00.000Z',
      rowCount: 3,
      durationMs: 12,
      error: null,
    });
    cache.history.add({
      orgKey: 'o',
      soql: 'SELECT Nme FROM Account',
      ranAt: '2025-01-02T00:00:00.000Z',
      rowCount: null,
      durationMs: 5,
      error: "No such column 'Nme'",
    });
    cache.history.add({
      orgKey: 'other',
      soql: 'SELECT Id FROM Lead',
      rowCount: 0,
      durationMs: 1,
      error: null,
    });
    expect(typeof first).toBe('number');

    const list = cache.history.list('o');
    expect(list.map((h) => h.soql)).toEqual(['SELECT Nme FROM Account', 'SELECT Id FROM Account']);
    expect(list[1]).toEqual({
      id: first,
      orgKey: 'o',
      soql: 'SELECT Id FROM Account',
      ranAt: '2025-01-01T00:00:00.000Z',
      rowCount: 3,
      durationMs: 12,
      error: null,
    });
    expect(list[0]?.error).toBe("No such column 'Nme'");
    expect(cache.history.list('o', 1)).toHaveLength(1);
    expect(cache.history.list('other')).toHaveLength(1);
  });

  it('saves, renames and removes saved queries', () => {
    const { cache } = open(tempDir());
    const saved = cache.savedQueries.save({
      id: 'q1',
      name: 'open cases',
      soql: 'SELECT Id FROM Case',
    });
    expect(saved).toMatchObject({ id: 'q1', name: 'open cases', soql: 'SELECT Id FROM Case' });
    cache.savedQueries.save({ id: 'q2', name: 'Accounts', soql: 'SELECT Id FROM Account' });
    expect(cache.savedQueries.list().map((q) => q.id)).toEqual(['q2', 'q1']);
    const renamed = cache.savedQueries.save({
      id: 'q1',
      name: 'Open cases',
      soql: 'SELECT Id FROM Case WHERE IsClosed = false',
    });
    expect(renamed.createdAt).toBe(saved.createdAt);
    expect(renamed.soql).toContain('IsClosed');
    expect(cache.savedQueries.remove('q1')).toBe(true);
    expect(cache.savedQueries.list().map((q) => q.id)).toEqual(['q2']);
  });

  it('keeps one mapping draft per database profile and schema, replaced on save', () => {
    let clock = new Date('2025-05-06T07:08:09.000Z');
    const { cache } = open(tempDir(), { now: () => clock });
    for (const id of ['db1', 'db2']) {
      cache.profiles.put({ id, kind: 'postgres', name: id, config: {}, secrets: {} });
    }
    expect(cache.mappingDrafts.get('db1', 'salesforce')).toBeNull();
    const first = cache.mappingDrafts.put({
      profileId: 'db1',
      schemaName: 'salesforce',
      document: '{"mappings": []}',
    });
    expect(first.savedAt).toBe('2025-05-06T07:08:09.000Z');
    cache.mappingDrafts.put({ profileId: 'db1', schemaName: 'other', document: 'other schema' });
    cache.mappingDrafts.put({ profileId: 'db2', schemaName: 'salesforce', document: 'db2' });

    clock = new Date('2025-05-06T07:09:00.000Z');
    cache.mappingDrafts.put({ profileId: 'db1', schemaName: 'salesforce', document: 'edited' });
    expect(cache.mappingDrafts.get('db1', 'salesforce')).toEqual({
      profileId: 'db1',
      schemaName: 'salesforce',
      document: 'edited',
      savedAt: '2025-05-06T07:09:00.000Z',
    });
    expect(cache.mappingDrafts.get('db1', 'other')?.document).toBe('other schema');
    expect(cache.mappingDrafts.get('db2', 'salesforce')?.document).toBe('db2');

    expect(cache.mappingDrafts.forget('db1', 'salesforce')).toBe(true);
    expect(cache.mappingDrafts.forget('db1', 'salesforce')).toBe(false);
    expect(cache.mappingDrafts.get('db1', 'salesforce')).toBeNull();
    expect(cache.mappingDrafts.get('db1', 'other')?.document).toBe('other schema');
  });

  it("forgets a profile's mapping drafts with the profile, and refuses one for no profile", () => {
    const { cache } = open(tempDir());
    cache.profiles.put({ id: 'db1', kind: 'postgres', name: 'db1', config: {}, secrets: {} });
    cache.mappingDrafts.put({ profileId: 'db1', schemaName: 's', document: 'x' });
    // Editing the profile (an upsert, not a delete) keeps its draft.
    cache.profiles.put({ id: 'db1', kind: 'postgres', name: 'renamed', config: {}, secrets: {} });
    expect(cache.mappingDrafts.get('db1', 's')?.document).toBe('x');
    cache.profiles.remove('db1');
    expect(cache.mappingDrafts.get('db1', 's')).toBeNull();
    expect(() =>
      cache.mappingDrafts.put({ profileId: 'gone', schemaName: 's', document: 'x' }),
    ).toThrow(/FOREIGN KEY/);
  });

  it('adds the drafts table to a cache written before it, keeping what the file held', () => {
    const dir = tempDir();
    const file = join(dir, 'cache.sqlite');
    const older = new Database(file);
    for (const step of cacheMigrations.filter((m) => m.version <= 2)) older.exec(step.sql);
    older.pragma('user_version = 2');
    older.prepare("INSERT INTO settings (key, value_json) VALUES ('theme', '\"dark\"')").run();
    older.close();

    const { cache } = open(dir);
    expect(cache.schemaVersion).toBe(latestCacheVersion);
    expect(cache.settings.all()).toEqual({ theme: 'dark' });
    cache.profiles.put({ id: 'db1', kind: 'postgres', name: 'db1', config: {}, secrets: {} });
    cache.mappingDrafts.put({ profileId: 'db1', schemaName: 's', document: 'kept' });
    cache.close();
    expect(open(dir).cache.mappingDrafts.get('db1', 's')?.document).toBe('kept');
  });

  it('stores settings as JSON values', () => {
    const { cache } = open(tempDir());
    cache.settings.setMany({ theme: 'dark', activeDbProfileId: 'p1', nested: { a: [1, 2] } });
    cache.settings.setMany({ theme: 'light' });
    expect(cache.settings.all()).toEqual({
      theme: 'light',
      activeDbProfileId: 'p1',
      nested: { a: [1, 2] },
    });
  });
});

function statMode(file: string): number {
  return statSync(file).mode & 0o777;
}
