import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createStudio, type Studio } from '../../src-main/studio';
import { AppInfo, type ApiEventEnvelope } from '../../src-shared/api';
import { tempDir } from '../support/temp';

const studios: Studio[] = [];
afterEach(() => {
  for (const studio of studios.splice(0)) studio.close();
});

function studio(dir = tempDir(), log: string[] = []): Studio {
  const s = createStudio({ userDataDir: dir, host: 'cli', log: (line) => log.push(line) });
  studios.push(s);
  return s;
}

function recordEvents(s: Studio): ApiEventEnvelope[] {
  const seen: ApiEventEnvelope[] = [];
  s.events.subscribe((envelope) => seen.push(envelope));
  return seen;
}

describe('createStudio', () => {
  it('answers app.info with where it keeps its data', async () => {
    const dir = tempDir();
    const outcome = await studio(dir).router.call('app.info', {});
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const info = AppInfo.parse(outcome.result);
    expect(info).toMatchObject({
      name: 'Connect Studio',
      host: 'cli',
      userDataDir: dir,
      cacheFile: join(dir, 'cache.sqlite'),
      secretStorage: 'keyFile',
      startupNotice: null,
      nodeVersion: process.versions.node,
    });
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('reports a recovered cache once, in app.info and the log', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'cache.sqlite'), 'garbage, not SQLite');
    const log: string[] = [];
    const outcome = await studio(dir, log).router.call('app.info', {});
    expect(outcome).toMatchObject({
      ok: true,
      result: { startupNotice: expect.stringContaining('was damaged') },
    });
    expect(log).toEqual([expect.stringMatching(/^connect-studio: The cache file .* was damaged/)]);
  });

  it('gives default settings, stores changes and announces them', async () => {
    const s = studio();
    const events = recordEvents(s);
    await expect(s.router.call('settings.get', {})).resolves.toEqual({
      ok: true,
      result: {
        theme: 'system',
        activeOrgProfileId: null,
        activeDbProfileId: null,
        defaultApiVersion: '62.0',
      },
    });
    const changed = await s.router.call('settings.set', {
      theme: 'dark',
      defaultApiVersion: '61.0',
    });
    expect(changed).toMatchObject({
      ok: true,
      result: { theme: 'dark', defaultApiVersion: '61.0' },
    });
    expect(events).toEqual([
      { event: 'settings.changed', payload: expect.objectContaining({ theme: 'dark' }) },
    ]);
    await expect(s.router.call('settings.set', { theme: 'purple' })).resolves.toMatchObject({
      ok: false,
      error: { code: 'BAD_PARAMS', message: expect.stringContaining('theme') },
    });
  });

  it('falls back to the default for a stored setting that no longer fits', async () => {
    const dir = tempDir();
    const first = studio(dir);
    first.cache.settings.setMany({ theme: 'sepia', defaultApiVersion: '60.0' });
    first.close();
    const outcome = await studio(dir).router.call('settings.get', {});
    expect(outcome).toMatchObject({
      ok: true,
      result: { theme: 'system', defaultApiVersion: '60.0' },
    });
  });

  it('announces profile changes, and forgets a removed profile that was active', async () => {
    const s = studio();
    const events = recordEvents(s);
    const saved = await s.router.call('profiles.save', {
      kind: 'postgres',
      name: 'Local',
      connection: { method: 'embedded' },
    });
    expect(saved.ok).toBe(true);
    if (!saved.ok) return;
    const id = (saved.result as { id: string }).id;
    expect(events.at(-1)).toEqual({
      event: 'profiles.changed',
      payload: { profiles: [saved.result] },
    });

    await s.router.call('settings.set', { activeDbProfileId: id });
    await expect(s.router.call('profiles.remove', { id })).resolves.toEqual({
      ok: true,
      result: { removed: true },
    });
    expect(s.settings.get().activeDbProfileId).toBeNull();
    expect(events.map((e) => e.event)).toEqual([
      'profiles.changed',
      'settings.changed',
      'settings.changed',
      'profiles.changed',
    ]);
    expect(events.at(-1)).toEqual({ event: 'profiles.changed', payload: { profiles: [] } });

    // Removing it again changes nothing and announces nothing.
    await expect(s.router.call('profiles.remove', { id })).resolves.toEqual({
      ok: true,
      result: { removed: false },
    });
    expect(events).toHaveLength(4);
  });

  it('keeps one broken subscriber from stopping the others', () => {
    const s = studio();
    s.events.subscribe(() => {
      throw new Error('closed socket');
    });
    const events = recordEvents(s);
    s.events.emit('app.notice', { level: 'info', message: 'hello' });
    expect(events).toEqual([{ event: 'app.notice', payload: { level: 'info', message: 'hello' } }]);
  });
});
