// Starting a local org: open (or create) its store, seed a new one, and serve the Salesforce
// REST API on 127.0.0.1. The CLI, the app and the tests all start it through here.

import { bulk2Routes } from './bulk2/routes';
import { Faults } from './faults';
import type { SchemaDefinition } from './schema/definition';
import { seedDemo } from './seed/demo';
import { ApiUsage } from './server/api-usage';
import { startApiServer } from './server/http';
import { restRoutes } from './server/rest';
import { Sessions } from './server/sessions';
import { openStore } from './store/open';
import type { LocalOrgStore } from './store/types';

/** The version the org advertises; it answers 31.0 to 66.0. */
export const LOCAL_ORG_API_VERSION = '62.0';
export const DEFAULT_LOCAL_ORG_PASSWORD = 'local-org-password';

export interface LocalOrgOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** A file path or ':memory:' (the default). */
  data?: string;
  /** Applied only when the store is new: reopening a file never seeds again. Default 'empty'. */
  seed?: 'demo' | 'empty';
  /** Objects and fields beyond the standard set and the demo fields (`--schema FILE`). */
  schema?: readonly SchemaDefinition[];
  /** The password of the org's user; default 'local-org-password'. */
  password?: string;
  /** DailyApiRequests Max, kept in the store; default: the stored one, else 15000. */
  dailyApiLimit?: number;
  /** Told about anything a handler throws that is not a Salesforce error; default: stderr. */
  onUnexpectedError?: (error: unknown) => void;
  /**
   * Hosts (names or addresses) besides loopback that the OAuth sign-in page may send the
   * browser back to with a code; default none: 127.0.0.1, localhost and [::1] only.
   */
  oauthRedirectHosts?: readonly string[];
  /** The largest request body the org reads; default 150 MB (Bulk 2.0's upload limit). */
  maxRequestBytes?: number;
}

export interface LocalOrg {
  loginUrl: string;
  instanceUrl: string;
  username: string;
  password: string;
  /** The org's fixed token for clients that skip login; survives a restart on the same file. */
  accessToken: string;
  apiVersion: string;
  store: LocalOrgStore;
  faults: Faults;
  close(): Promise<void>;
}

function reportUnexpected(error: unknown): void {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  process.stderr.write(`local org: a request failed unexpectedly (${text})\n`);
}

export async function startLocalOrg(options: LocalOrgOptions = {}): Promise<LocalOrg> {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`The port must be a whole number from 0 (any free port) to 65535, not ${port}`);
  }
  const faults = new Faults();
  const store = openStore({
    file: options.data ?? ':memory:',
    extraSchema: options.schema,
    faults,
  });
  try {
    if (store.created && (options.seed ?? 'empty') === 'demo') seedDemo(store);
    const sessions = new Sessions(store.db, store.identity);
    const usage = new ApiUsage(store.db, { max: options.dailyApiLimit });
    const password = options.password ?? DEFAULT_LOCAL_ORG_PASSWORD;
    const onUnexpectedError = options.onUnexpectedError ?? reportUnexpected;
    const server = await startApiServer(
      {
        store,
        faults,
        sessions,
        usage,
        password,
        routes: restRoutes({ usage, extra: bulk2Routes(), onUnexpectedError }),
        onUnexpectedError,
        ...(options.oauthRedirectHosts ? { oauthRedirectHosts: options.oauthRedirectHosts } : {}),
      },
      {
        port,
        host: options.host ?? '127.0.0.1',
        ...(options.maxRequestBytes !== undefined
          ? { maxRequestBytes: options.maxRequestBytes }
          : {}),
      },
    );
    let closing: Promise<void> | undefined;
    return {
      loginUrl: server.url,
      instanceUrl: server.url,
      username: store.identity.username,
      password,
      accessToken: sessions.directToken(),
      apiVersion: LOCAL_ORG_API_VERSION,
      store,
      faults,
      close: () =>
        (closing ??= server.close().finally(() => {
          store.close();
        })),
    };
  } catch (error) {
    store.close();
    throw error;
  }
}
