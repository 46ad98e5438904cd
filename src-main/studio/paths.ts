import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const PRODUCT_NAME = 'Connect Studio';

/**
 * The user-data folder, the same one Electron's app.getPath('userData') gives the desktop app,
 * so the CLI, the web host and the window share one cache. CONNECT_STUDIO_HOME overrides it.
 */
export function defaultUserDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CONNECT_STUDIO_HOME) return resolve(env.CONNECT_STUDIO_HOME);
  const home = homedir();
  switch (process.platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', PRODUCT_NAME);
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
    default:
      return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), PRODUCT_NAME);
  }
}

/** The embedded Postgres cluster's folder: one per user-data folder, for the app and the CLI. */
export function embeddedPostgresDir(userDataDir: string): string {
  return join(userDataDir, 'postgres');
}

/** The local org's database when no --data names one: kept, so work survives a restart. */
export function localOrgFile(userDataDir: string): string {
  return join(userDataDir, 'local-org.sqlite');
}

/** The package root: the folder holding package.json, found upward from the running bundle. */
export function appRoot(start: string = __dirname): string {
  let dir = start;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  throw new Error(`Cannot find the Connect Studio package root above ${start}`);
}

export function rendererDir(root: string = appRoot()): string {
  return join(root, 'out', 'renderer');
}

export function appVersion(root: string = appRoot()): string {
  // Read at run time so the CLI and the window report the installed version.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(join(root, 'package.json')) as { version: string }).version;
}
