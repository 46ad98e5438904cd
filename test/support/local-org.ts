import { Connection } from 'jsforce';
import { afterAll, beforeAll } from 'vitest';
import {
  startLocalOrg,
  type LocalOrg,
  type LocalOrgOptions,
  type SchemaDefinition,
} from '../../src-main/local-org';
import { clearProxyVariables } from './proxy';

// setup.ts clears the proxy variables before jsforce loads; repeat it for files that start an
// org outside vitest's setup.
clearProxyVariables();

export interface ConnectOptions {
  /** Default '62.0'. */
  version?: string;
  /** How the connection gets its session; default 'soap' (jsforce's login()). */
  login?: 'soap' | 'oauth' | 'token';
}

export interface LocalOrgHandle {
  org: LocalOrg;
  /** A jsforce connection to the org. */
  connect(options?: ConnectOptions): Promise<Connection>;
  /** What handlers threw that was not a Salesforce error (bugs); tests may assert it is empty. */
  unexpectedErrors: unknown[];
}

/** A jsforce connection to a running org. */
export async function connectTo(org: LocalOrg, options: ConnectOptions = {}): Promise<Connection> {
  const version = options.version ?? '62.0';
  const login = options.login ?? 'soap';
  if (login === 'token') {
    return new Connection({ instanceUrl: org.instanceUrl, accessToken: org.accessToken, version });
  }
  const conn = new Connection({
    loginUrl: org.loginUrl,
    version,
    ...(login === 'oauth'
      ? {
          oauth2: {
            loginUrl: org.loginUrl,
            clientId: 'local-client',
            clientSecret: 'local-secret',
          },
        }
      : {}),
  });
  await conn.login(org.username, org.password);
  return conn;
}

/**
 * Starts an in-process org (in memory) for the file: `const local = useLocalOrg();` then
 * `local().org` and `await local().connect()` inside tests.
 */
export function useLocalOrg(
  options: {
    seed?: 'demo' | 'empty';
    schema?: SchemaDefinition[];
    dailyApiLimit?: number;
  } = {},
): () => LocalOrgHandle {
  let handle: LocalOrgHandle | undefined;
  beforeAll(async () => {
    const unexpectedErrors: unknown[] = [];
    const startOptions: LocalOrgOptions = {
      data: ':memory:',
      seed: options.seed ?? 'empty',
      onUnexpectedError: (error) => unexpectedErrors.push(error),
    };
    if (options.schema) startOptions.schema = options.schema;
    if (options.dailyApiLimit !== undefined) startOptions.dailyApiLimit = options.dailyApiLimit;
    const org = await startLocalOrg(startOptions);
    handle = { org, connect: (connectOptions) => connectTo(org, connectOptions), unexpectedErrors };
  });
  afterAll(async () => {
    await handle?.org.close();
  });
  return () => {
    if (!handle) throw new Error('useLocalOrg: the org starts in beforeAll; use it inside tests');
    return handle;
  };
}

/** A call to the org's admin endpoint (faults, sessions, daily limit); the parsed answer. */
export async function adminCall(
  org: LocalOrg,
  method: 'GET' | 'PUT' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${org.instanceUrl}/_admin/${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? undefined : (JSON.parse(text) as unknown) };
}
