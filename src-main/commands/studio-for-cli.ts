import { createStudio, defaultUserDataDir, type Studio } from '../studio';
import type { ParsedValues } from './options';
import { resolve } from 'node:path';

/** Opens the same cache the desktop app uses (or the folder given by --user-data). */
export function openStudioForCli(
  values: ParsedValues,
  env: NodeJS.ProcessEnv,
  host: 'cli' | 'web',
): Studio {
  const dir =
    typeof values['user-data'] === 'string'
      ? resolve(values['user-data'])
      : defaultUserDataDir(env);
  return createStudio({ userDataDir: dir, host });
}
