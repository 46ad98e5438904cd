import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CliIo } from '../../src-main/commands';

export const repoRoot = resolve(__dirname, '..', '..');
/** The `connect-studio` command as users run it. */
export const binScript = join(repoRoot, 'bin', 'connect-studio.js');
/** The bundle bin/connect-studio.js loads; built by `npm run build` (or global-setup.ts). */
export const builtCli = join(repoRoot, 'out', 'main', 'cli.js');

export function cliIsBuilt(): boolean {
  return existsSync(builtCli);
}

/** A CliIo that keeps what a command prints, for runCli in-process. */
export function memoryIo(
  env: NodeJS.ProcessEnv = {},
): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
    env,
    out: () => out,
    err: () => err,
  };
}
