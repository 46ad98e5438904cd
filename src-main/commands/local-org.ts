// `connect-studio local-org`: the Salesforce-compatible local org, served until stopped, for
// apps, tests and the sync to talk to; and `connect-studio local-org fault`, which sets failure
// scenarios on a running one through its admin endpoint.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { dirname, resolve } from 'node:path';
import {
  loadSchemaFile,
  startLocalOrg,
  type FaultPlan,
  type FaultRule,
  type FaultState,
  type LocalOrg,
  type SchemaDefinition,
} from '../local-org';
import { defaultUserDataDir, localOrgFile } from '../studio';
import { EXIT_OK, ProblemsFound, UsageError } from './errors';
import type { CliIo, Command } from './io';
import { printJson } from './io';
import { commonOptions, parseCommandLine, parsePort, type ParsedValues } from './options';

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/** How long `fault` waits for the org's admin endpoint. */
const ADMIN_TIMEOUT_MS = 10_000;

export const localOrgCommand: Command = {
  path: ['local-org'],
  summary: 'Run the local Salesforce-compatible org until stopped',
  help: `Usage: connect-studio local-org [--port N] [--data FILE|:memory:] [--seed demo|empty]
                                [--schema FILE]... [--user-data DIR]

Starts a local org that speaks the Salesforce REST API (jsforce and the studio talk to it
unmodified), prints one JSON line
  {"loginUrl","instanceUrl","username","password","accessToken","apiVersion"}
and serves until Ctrl+C (SIGINT) or SIGTERM, then closes cleanly and exits 0. Sign in with the
username and password at loginUrl (SOAP or OAuth username-password), or use accessToken with
instanceUrl directly; the token stays valid across restarts on the same file.
  --data FILE      the org's SQLite file (default: <user-data>/local-org.sqlite, kept so the
                   records survive a restart); :memory: for an org that ends with the process
  --seed demo      records for a new org: demo (default; a few thousand related Accounts,
                   Contacts, Opportunities, Cases …) or empty. A file that already holds an
                   org is never seeded again.
  --schema FILE    extra objects and fields (JSON schema definition); repeat for several files
  --port N         port on 127.0.0.1 (default: any free port)
  --user-data DIR  the user-data folder (default: the app's own)

Faults (lock errors, 503s, expired sessions …): see connect-studio local-org fault --help.`,
  async run(args, io) {
    const { values, positionals } = parseCommandLine(
      args,
      {
        ...commonOptions,
        data: { type: 'string' },
        port: { type: 'string' },
        seed: { type: 'string' },
        schema: { type: 'string', multiple: true },
      },
      'local-org',
    );
    refusePositionals(positionals, 'local-org', 'did you mean connect-studio local-org fault?');
    const port = parsePort(values.port);
    const data = dataFileOf(values, io);
    const seed = seedOf(values.seed);
    const schema = schemaFilesOf(values);
    return serve({ data, seed, seedGiven: values.seed !== undefined, schema, port }, io);
  },
};

function refusePositionals(positionals: string[], command: string, hint: string): void {
  if (positionals.length > 0) {
    throw new UsageError(
      `Unexpected argument "${positionals[0]}" for ${command}; ${hint} (see: connect-studio ${command} --help)`,
    );
  }
}

function dataFileOf(values: ParsedValues, io: CliIo): string {
  if (typeof values.data === 'string') {
    const given = values.data.trim();
    if (given === '')
      throw new UsageError('--data needs a file, e.g. --data ./org.sqlite or --data :memory:');
    if (given === ':memory:') return given;
    const file = resolve(given);
    if (existsSync(file) && statSync(file).isDirectory()) {
      throw new UsageError(
        `--data ${file} is a folder; name a file, e.g. --data ${file}/org.sqlite`,
      );
    }
    return file;
  }
  const userData =
    typeof values['user-data'] === 'string'
      ? resolve(values['user-data'])
      : defaultUserDataDir(io.env);
  return localOrgFile(userData);
}

function seedOf(value: string | boolean | undefined): 'demo' | 'empty' {
  if (value === undefined) return 'demo';
  if (value === 'demo' || value === 'empty') return value;
  throw new UsageError(`--seed ${String(value)} is not a seed; use --seed demo or --seed empty`);
}

function schemaFilesOf(values: ParsedValues): SchemaDefinition[] {
  const raw = (values as Record<string, unknown>).schema;
  const files = Array.isArray(raw) ? raw.filter((f): f is string => typeof f === 'string') : [];
  return files.map((file) => {
    if (file.trim() === '')
      throw new UsageError('--schema needs a file, e.g. --schema ./invoice.json');
    try {
      return loadSchemaFile(resolve(file));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new UsageError(`--schema ${file}: ${reason}`);
    }
  });
}

interface ServeOptions {
  data: string;
  seed: 'demo' | 'empty';
  seedGiven: boolean;
  schema: SchemaDefinition[];
  port: number | undefined;
}

async function serve(options: ServeOptions, io: CliIo): Promise<number> {
  // A signal that arrives while the org starts is honoured once it runs.
  let stopRequested: (() => void) | undefined;
  const stopped = new Promise<void>((resolveStop) => (stopRequested = resolveStop));
  const onSignal = () => stopRequested?.();
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  try {
    if (options.data !== ':memory:') mkdirSync(dirname(options.data), { recursive: true });
    let org: LocalOrg;
    try {
      org = await startLocalOrg({
        data: options.data,
        seed: options.seed,
        schema: options.schema,
        ...(options.port !== undefined ? { port: options.port } : {}),
      });
    } catch (error) {
      throw new ProblemsFound(startFailure(options, error));
    }

    printJson(io, {
      loginUrl: org.loginUrl,
      instanceUrl: org.instanceUrl,
      username: org.username,
      password: org.password,
      accessToken: org.accessToken,
      apiVersion: org.apiVersion,
    });
    const where = options.data === ':memory:' ? 'an in-memory org' : options.data;
    const reopened = !org.store.created;
    if (reopened && options.seedGiven) {
      io.stderr(
        `connect-studio: ${options.data} already holds an org, so --seed ${options.seed} was not applied (seeds fill new files only).\n`,
      );
    }
    io.stderr(
      `connect-studio: the local org (${where}, ${reopened ? 'reopened' : `new, seed ${options.seed}`}) is serving at ${org.instanceUrl}; Ctrl+C stops it.\n`,
    );
    await stopped;
    io.stderr('connect-studio: stopping the local org…\n');
    await org.close();
    io.stderr('connect-studio: the local org stopped.\n');
    return EXIT_OK;
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
  }
}

/** Why the org did not start, in words that say what to do. */
function startFailure(options: ServeOptions, error: unknown): string {
  const reason = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE') {
    return `Port ${options.port ?? ''} is in use; choose another with --port, or leave --port out for a free one.`;
  }
  if (code === 'EACCES' && options.port !== undefined) {
    return `Port ${options.port} needs privileges this user lacks; choose one above 1023 with --port.`;
  }
  if (/file is not a database|database disk image is malformed/i.test(reason)) {
    return `${options.data} is not a local org's database (${reason}); name a new file, or one the local org wrote, with --data.`;
  }
  if (code === 'SQLITE_CANTOPEN' || /unable to open database/i.test(reason)) {
    return `Cannot open ${options.data} (${reason}); check that its folder is writable, or name another file with --data.`;
  }
  return `The local org did not start on ${options.data}: ${reason}`;
}

// ---------------------------------------------------------------------------------------------
// `local-org fault`

export const localOrgFaultCommand: Command = {
  path: ['local-org', 'fault'],
  summary: 'Inject faults into a running local org (lock errors, 503s, expired sessions …)',
  help: `Usage: connect-studio local-org fault --url <instanceUrl> [fault options] [actions]

Sets failure scenarios on a running local org through its admin endpoint and prints the faults
in force as one JSON line ({"plan":…,"fired":…}). The fault options given replace every fault
set before (name several in one call to combine them); a count means "the next N", a share
(0–1) "that part of them", and both "that part of the next N".
  --url URL                 the org's instanceUrl, as \`connect-studio local-org\` printed it
Faults:
  --fail-writes N           fail the next N record writes (any API: REST, collections, Bulk)
  --fail-share X            fail that share of record writes, e.g. 0.1 for one in ten
  --code CODE               their errorCode (default UNABLE_TO_LOCK_ROW; e.g.
                            REQUEST_LIMIT_EXCEEDED, STORAGE_LIMIT_EXCEEDED)
  --object NAME             only writes to this object (default every object)
  --unavailable N | --unavailable-share X
                            answer API requests with HTTP 503 SERVER_UNAVAILABLE
  --drop N | --drop-share X close the connection without answering
  --latency MS              wait this long before every API request
  --seed N                  draw the shares from seed N, so a run fails the same events again
Actions:
  --clear                   remove every fault first
  --expire-sessions         expire every session (INVALID_SESSION_ID; login() clients re-login)
  --exhaust-limit           use up the daily API limit (REQUEST_LIMIT_EXCEEDED)
  --reset-limit             give the daily API limit back
  --show                    only print the faults in force`,
  async run(args, io) {
    const { values, positionals } = parseCommandLine(
      args,
      {
        help: { type: 'boolean', short: 'h' },
        url: { type: 'string' },
        'fail-writes': { type: 'string' },
        'fail-share': { type: 'string' },
        code: { type: 'string' },
        object: { type: 'string' },
        unavailable: { type: 'string' },
        'unavailable-share': { type: 'string' },
        drop: { type: 'string' },
        'drop-share': { type: 'string' },
        latency: { type: 'string' },
        seed: { type: 'string' },
        clear: { type: 'boolean' },
        'expire-sessions': { type: 'boolean' },
        'exhaust-limit': { type: 'boolean' },
        'reset-limit': { type: 'boolean' },
        show: { type: 'boolean' },
      },
      'local-org fault',
    );
    refusePositionals(positionals, 'local-org fault', 'faults are options such as --fail-writes 3');
    const url = adminBaseOf(values.url);
    const plan = faultPlanOf(values);
    const actions = (['expire-sessions', 'exhaust-limit', 'reset-limit'] as const).filter(
      (a) => values[a] === true,
    );
    if (values['exhaust-limit'] && values['reset-limit']) {
      throw new UsageError('--exhaust-limit and --reset-limit undo each other; give one of them');
    }
    if (!plan && !values.clear && actions.length === 0 && !values.show) {
      throw new UsageError(
        'Name a fault to set (e.g. --fail-writes 3), an action (--clear, --expire-sessions, --exhaust-limit, --reset-limit) or --show (see: connect-studio local-org fault --help)',
      );
    }

    const admin = new AdminClient(url);
    if (values.clear) {
      await admin.send('DELETE', '/_admin/faults');
      io.stderr('connect-studio: every fault cleared.\n');
    }
    if (plan) await admin.send('PUT', '/_admin/faults', plan);
    for (const action of actions) {
      const path = {
        'expire-sessions': '/_admin/expire-sessions',
        'exhaust-limit': '/_admin/exhaust-daily-limit',
        'reset-limit': '/_admin/reset-daily-limit',
      }[action];
      await admin.send('POST', path);
      io.stderr(
        `connect-studio: ${
          {
            'expire-sessions': 'every session expired',
            'exhaust-limit': 'the daily API limit is used up',
            'reset-limit': 'the daily API limit is back to zero used',
          }[action]
        }.\n`,
      );
    }
    printJson(io, (await admin.send('GET', '/_admin/faults')) as FaultState);
    return EXIT_OK;
  },
};

function adminBaseOf(value: string | boolean | undefined): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new UsageError(
      'Missing --url; pass the instanceUrl that connect-studio local-org printed, e.g. --url http://127.0.0.1:50123',
    );
  }
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new UsageError(
      `--url ${value} is not a URL; use the instanceUrl, e.g. http://127.0.0.1:50123`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(
      `--url ${value} is not an http URL; use the instanceUrl, e.g. http://127.0.0.1:50123`,
    );
  }
  return url.origin;
}

/** The plan the fault options describe; undefined when none is given. */
function faultPlanOf(values: ParsedValues): FaultPlan | undefined {
  const plan: FaultPlan = {};
  const writes = ruleOf(values, 'fail-writes', 'fail-share');
  if (writes) {
    const code = typeof values.code === 'string' ? values.code.trim() : 'UNABLE_TO_LOCK_ROW';
    if (!/^[A-Z][A-Z_]*$/.test(code)) {
      throw new UsageError(
        `--code ${code} is not a Salesforce status code; use capitals and underscores, e.g. --code UNABLE_TO_LOCK_ROW`,
      );
    }
    plan.writes = { ...writes, errorCode: code };
    if (typeof values.object === 'string') {
      if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(values.object.trim())) {
        throw new UsageError(
          `--object ${values.object} is not an object name; use e.g. --object Account`,
        );
      }
      plan.writes.object = values.object.trim();
    }
  } else if (values.code !== undefined || values.object !== undefined) {
    throw new UsageError(
      `--${values.code !== undefined ? 'code' : 'object'} shapes write faults; add --fail-writes N or --fail-share X`,
    );
  }
  const unavailable = ruleOf(values, 'unavailable', 'unavailable-share');
  if (unavailable) plan.unavailable = unavailable;
  const drop = ruleOf(values, 'drop', 'drop-share');
  if (drop) plan.drop = drop;
  if (values.latency !== undefined) {
    const text = String(values.latency);
    if (!/^\d+$/.test(text) || Number(text) > 600_000) {
      throw new UsageError(
        `--latency ${text} is not a delay; use milliseconds from 0 to 600000, e.g. --latency 250`,
      );
    }
    plan.latencyMs = Number(text);
  }
  if (values.seed !== undefined) {
    const text = String(values.seed);
    if (!/^\d+$/.test(text) || Number(text) > 0xffffffff) {
      throw new UsageError(`--seed ${text} is not a seed; use a whole number such as --seed 42`);
    }
    if (Object.keys(plan).length === 0) {
      throw new UsageError(
        '--seed makes share faults repeatable; give it with one, e.g. --fail-share 0.1 --seed 42',
      );
    }
    plan.seed = Number(text);
  }
  return Object.keys(plan).length > 0 ? plan : undefined;
}

function ruleOf(
  values: ParsedValues,
  countOption: string,
  shareOption: string,
): FaultRule | undefined {
  const rule: FaultRule = {};
  const count = values[countOption];
  if (count !== undefined) {
    const text = String(count);
    if (!/^\d+$/.test(text)) {
      throw new UsageError(
        `--${countOption} ${text} is not a count; use a whole number, e.g. --${countOption} 3`,
      );
    }
    rule.count = Number(text);
  }
  const share = values[shareOption];
  if (share !== undefined) {
    const text = String(share);
    const n = Number(text);
    if (text.trim() === '' || !(n >= 0 && n <= 1)) {
      throw new UsageError(
        `--${shareOption} ${text} is not a share; use a number from 0 to 1, e.g. --${shareOption} 0.1 for 10%`,
      );
    }
    rule.share = n;
  }
  return rule.count === undefined && rule.share === undefined ? undefined : rule;
}

/** The org's admin endpoint: JSON in and out, errors as messages that say what to do. */
class AdminClient {
  constructor(private readonly base: string) {}

  async send(
    method: 'GET' | 'PUT' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<unknown> {
    let response: { status: number; text: string };
    try {
      response = await this.request(method, path, body);
    } catch (error) {
      const code = (error as { code?: string }).code ?? (error as Error).message;
      if (code === 'ETIMEDOUT') {
        throw new ProblemsFound(
          `${this.base} did not answer within ${ADMIN_TIMEOUT_MS / 1000} s; is it a local org?`,
        );
      }
      throw new ProblemsFound(
        `Nothing answers at ${this.base} (${code}); start one with connect-studio local-org and pass the instanceUrl it prints to --url`,
      );
    }
    const { status, text } = response;
    if (status === 404) {
      throw new ProblemsFound(
        `${this.base} has no local-org admin endpoint (${method} ${path} answered 404); pass a local org's instanceUrl to --url`,
      );
    }
    if (status < 200 || status >= 300) {
      throw new ProblemsFound(
        `The local org refused ${method} ${path} (HTTP ${status}): ${messageOf(text)}`,
      );
    }
    if (text.trim() === '') return null;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ProblemsFound(
        `${this.base}${path} answered something other than JSON; pass a local org's instanceUrl to --url`,
      );
    }
  }

  // node:http rather than fetch: fetch refuses some ports outright (6000, 10080 …), and an org
  // may be told to listen on one of them.
  private request(
    method: string,
    path: string,
    body: unknown,
  ): Promise<{ status: number; text: string }> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
    const send = this.base.startsWith('https:') ? httpsRequest : httpRequest;
    return new Promise((resolveResponse, reject) => {
      const request = send(
        this.base + path,
        {
          method,
          headers: payload
            ? { 'Content-Type': 'application/json', 'Content-Length': payload.length }
            : {},
          timeout: ADMIN_TIMEOUT_MS,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () =>
            resolveResponse({
              status: response.statusCode ?? 0,
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      request.on('timeout', () =>
        request.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })),
      );
      request.on('error', reject);
      request.end(payload);
    });
  }
}

function messageOf(text: string): string {
  try {
    const parsed = JSON.parse(text) as unknown;
    const first = Array.isArray(parsed) ? (parsed[0] as unknown) : parsed;
    // The admin endpoint says {"error"}; the REST API [{"message"}].
    if (first && typeof first === 'object') {
      if ('error' in first) return String(first.error);
      if ('message' in first) return String(first.message);
    }
  } catch {
    // Not JSON: the text itself says it.
  }
  return text.trim().slice(0, 300) || '(no message)';
}
