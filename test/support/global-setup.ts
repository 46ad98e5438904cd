import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { builtCli, cliIsBuilt, repoRoot } from './cli';

/**
 * The CLI tests run bin/connect-studio.js, which loads the bundle in out/main. `npm test` builds
 * first; when the bundle is missing (vitest run straight after a checkout) build it here once.
 * The main bundle is written before the renderer's, so a renderer still being written does not
 * keep the CLI tests from running: only a missing out/main/cli.js fails them.
 */
export default function setup(): void {
  if (cliIsBuilt()) return;
  const viteBin = join(repoRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  const built = spawnSync(process.execPath, [viteBin, 'build'], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, ELECTRON_MAJOR_VER: process.env.ELECTRON_MAJOR_VER ?? '40' },
  });
  if (!cliIsBuilt()) {
    throw new Error(
      `npm run build did not produce ${builtCli} (exit ${built.status}):\n${built.stderr.slice(-4000)}`,
    );
  }
}
