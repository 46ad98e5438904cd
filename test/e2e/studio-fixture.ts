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

/** Starts the real CLI (`connect-studio start --web`) with a fresh user-data folder per worker. */
export const test = base.extend<object, { studio: RunningStudio }>({
  studio: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
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
      const firstLine = await new Promise<string>((resolve, reject) => {
        const lines = createInterface({ input: child.stdout });
        lines.once('line', resolve);
        child.once('exit', (code) => reject(new Error(`studio exited with ${code}: ${stderr}`)));
        setTimeout(() => reject(new Error(`studio printed no URL in 30 s: ${stderr}`)), 30_000);
      });
      const { url } = JSON.parse(firstLine) as { url: string };
      const parsed = new URL(url);
      await use({
        openUrl: url,
        baseUrl: `${parsed.origin}/`,
        token: parsed.searchParams.get('token') ?? '',
        userDataDir,
      });
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(userDataDir, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],
});

export { expect };
