import { test as base, expect } from '@playwright/test';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface RunningStudio {
  /** The address with its token, as `connect-studio start --web --json` printed it. */
  openUrl: string;
  baseUrl: string;
  token: string;
  userDataDir: string;
}

/**
 * Starts the real CLI (`connect-studio start --web`) with a fresh user-data folder; `stop` ends
 * it (SIGTERM, so it stops the local org and embedded Postgres it started) and removes the folder.
 */
export async function startStudioProcess(): Promise<{
  studio: RunningStudio;
  stop: () => Promise<void>;
}> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'connect-studio-e2e-'));
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [
      'bin/connect-studio.js',
      'start',
      '--web',
      '--port',
      '0',
      '--json',
      '--user-data',
      userDataDir,
    ],
    {
      env: { ...process.env, http_proxy: '', https_proxy: '', HTTP_PROXY: '', HTTPS_PROXY: '' },
    },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const firstLine = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`studio exited with ${code}: ${stderr}`)));
    setTimeout(() => reject(new Error(`studio printed no URL in 30 s: ${stderr}`)), 30_000);
  });
  const { url } = JSON.parse(firstLine) as { url: string };
  const parsed = new URL(url);
  return {
    studio: {
      openUrl: url,
      baseUrl: `${parsed.origin}/`,
      token: parsed.searchParams.get('token') ?? '',
      userDataDir,
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** The worker's shared studio (see removeAllProfiles). */
export const test = base.extend<object, { studio: RunningStudio }>({
  studio: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const running = await startStudioProcess();
      try {
        await use(running.studio);
      } finally {
        await running.stop();
      }
    },
    { scope: 'worker' },
  ],
});

export { expect };

/** A contract call through the web host, for setting up or tidying state around a test. */
export async function callStudio<T = unknown>(
  studio: RunningStudio,
  method: string,
  params: unknown = {},
): Promise<T> {
  const response = await fetch(`${studio.baseUrl}api/${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${studio.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(params),
  });
  const body = (await response.json()) as T & { error?: { message: string } };
  if (!response.ok) throw new Error(`${method}: ${body.error?.message ?? response.status}`);
  return body;
}

/**
 * The studio is shared by every spec file the worker runs: a spec that needs the first-run
 * state removes every saved profile first (the services they started keep running).
 */
export async function removeAllProfiles(studio: RunningStudio): Promise<void> {
  const { profiles } = await callStudio<{ profiles: { id: string }[] }>(studio, 'profiles.list');
  for (const profile of profiles) await callStudio(studio, 'profiles.remove', { id: profile.id });
}

/**
 * A studio of the test's own (`connect-studio start --web` with a fresh user-data folder), for
 * specs that need the first-run state or their own org and database: the worker's shared studio
 * keeps whatever earlier specs started. Stopped, and its folder removed, when the test ends.
 */
export const freshTest = test.extend<{ freshStudio: RunningStudio }>({
  // eslint-disable-next-line no-empty-pattern
  freshStudio: async ({}, use) => {
    const running = await startStudioProcess();
    try {
      await use(running.studio);
    } finally {
      await running.stop();
    }
  },
});
