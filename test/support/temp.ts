import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const created: string[] = [];

/** A fresh folder under the system temp dir, removed after the test file (see setup.ts). */
export function tempDir(prefix = 'connect-studio-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/**
 * A temp folder other OS users may enter: embedded Postgres, started as root, runs the server
 * as the `postgres` user, which must reach its data folder inside.
 */
export function sharedTempDir(prefix = 'connect-studio-test-'): string {
  const dir = tempDir(prefix);
  chmodSync(dir, 0o755);
  return dir;
}

/**
 * A folder holding a small index.html and one asset, standing in for the built renderer:
 * `renderer` inside a fresh temp folder, so tests may put files next to it.
 */
export function fakeRendererDir(): string {
  const dir = join(tempDir('connect-studio-renderer-'), 'renderer');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><html><head><title>Connect Studio test page</title></head><body><div id="root"></div></body></html>\n',
  );
  writeFileSync(join(dir, 'app.js'), 'console.log("connect studio test asset");\n');
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of created.splice(0)) {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  }
}
