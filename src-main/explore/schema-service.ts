// The schema browser's data: the org's object list and describes, answered from the SQLite cache
// at once and revalidated in the background with If-Modified-Since, so a 1,500-object org browses
// without waiting. Objects are described only when someone opens (or queries) them.
import type { ApiEventEnvelope, ApiResult } from '../../src-shared/api';
import { postgresColumnType } from '../../src-shared/mapping';
import {
  describeWhatWorkReaches,
  type ChildRelationship,
  type DescribeCatalog,
  type FieldDescribe,
  type GlobalSObject,
  type SObjectDescribe,
} from '../../src-shared/salesforce';
import { ApiError } from '../../src-shared/api';
import type { Cache } from '../cache';
import type { OrgConnection } from '../connections';
import { orgErrorCode, orgFailure } from './errors';
import type { ExploreConnections, MappedDatabases } from './mapped-database';
import { headerOf, orgRequest, RequestMeter } from './org-requests';

/** The object list is refreshed in the background once it is older than this. */
export const OBJECT_LIST_STALE_MS = 10 * 60_000;
/** A cached describe is revalidated (If-Modified-Since) when read after this long. */
export const DESCRIBE_REVALIDATE_MS = 60_000;
/** Automatic background work that failed is not started again for this long. */
const RETRY_AFTER_MS = 60_000;
/** Describe requests in flight at once: quick, and polite to the org. */
const PARALLEL_DESCRIBES = 4;
/** Parsed describes kept in memory (a describe can be a few hundred KB of JSON). */
const PARSED_DESCRIBES_KEPT = 300;

/** Salesforce API names: a letter, then letters, digits and underscores (`Foo__c`, `ns__Bar__c`). */
export const API_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

export interface ExploreEvents {
  subscribe(listener: (envelope: ApiEventEnvelope) => void): () => void;
  emit(event: 'schema.objectsUpdated', payload: { count: number }): void;
  emit(event: 'schema.describeUpdated', payload: { object: string }): void;
  emit(
    event: 'app.notice',
    payload: { level: 'info' | 'warning' | 'error'; message: string },
  ): void;
}

export interface SchemaServiceOptions {
  connections: ExploreConnections;
  cache: Cache;
  events: ExploreEvents;
  mapped: MappedDatabases;
  log: (line: string) => void;
  now?: () => Date;
}

interface CachedDescribe {
  describe: SObjectDescribe;
  fetchedAt: string;
  lastModified: string | null;
}

type FetchOutcome =
  | { kind: 'changed'; describe: SObjectDescribe; lastModified: string }
  | { kind: 'same' }
  | { kind: 'missing' };

export class SchemaService {
  private readonly cache: Cache;
  private readonly now: () => Date;
  /** Background work by key (`list <org>`, `describe <org> <object>`): one at a time per key. */
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly parsed = new Map<string, CachedDescribe>();
  /** When background work that has not yet succeeded started, by key (no retry storm offline). */
  private readonly attempted = new Map<string, number>();

  constructor(private readonly options: SchemaServiceOptions) {
    this.cache = options.cache;
    this.now = options.now ?? (() => new Date());
  }

  // ── schema.objects ─────────────────────────────────────────────────────────────
  async objects(refresh: boolean): Promise<ApiResult<'schema.objects'>> {
    const org = await this.options.connections.activeOrg();
    const key = `list ${org.orgKey}`;
    let cached = this.cache.objectLists.get(org.orgKey);
    if (!cached) {
      // Nothing to show yet: fetch and wait, so a failure reaches the caller with its reason.
      await this.once(key, () => this.refreshObjectList(org));
      cached = this.cache.objectLists.get(org.orgKey);
    } else if (refresh || this.due(key, cached.fetchedAt, OBJECT_LIST_STALE_MS)) {
      this.background(
        key,
        () => this.refreshObjectList(org),
        'the object list',
        () =>
          this.options.events.emit('schema.objectsUpdated', {
            count: this.cache.objectLists.get(org.orgKey)?.objects.length ?? 0,
          }),
      );
    }
    const access = await this.options.mapped.accessOrNull();
    const objects = globalEntries(cached?.objects ?? []).map((o) => ({
      name: o.name,
      label: o.label,
      custom: o.custom,
      keyPrefix: o.keyPrefix,
      queryable: o.queryable,
      mapped: access?.get(o.name.toLowerCase()) ?? null,
    }));
    return {
      objects,
      fetchedAt: cached?.fetchedAt ?? null,
      refreshing: this.inFlight.has(key),
      orgKey: org.orgKey,
    };
  }

  private async refreshObjectList(org: OrgConnection): Promise<void> {
    const cached = this.cache.objectLists.get(org.orgKey);
    const started = this.now();
    const meter = new RequestMeter();
    let response;
    try {
      response = await orgRequest<{ sobjects?: unknown }>(
        org.conn,
        { url: '/sobjects', headers: sinceHeader(cached?.lastModified ?? null) },
        meter,
      );
    } catch (error) {
      throw orgFailure(error, org.conn.instanceUrl);
    }
    if (response.status === 304 && cached) {
      this.cache.objectLists.touch(org.orgKey, this.now().toISOString());
    } else {
      const list = response.body?.sobjects;
      if (!Array.isArray(list)) {
        throw new ApiError(
          'REMOTE_ERROR',
          `${org.conn.instanceUrl} answered the object list (GET /sobjects) without a "sobjects" list.`,
        );
      }
      this.cache.objectLists.put({
        orgKey: org.orgKey,
        objects: list,
        fetchedAt: this.now().toISOString(),
        lastModified: lastModifiedOf(response.headers, started),
      });
    }
  }

  // ── schema.describe ────────────────────────────────────────────────────────────
  async describe(objectName: string, refresh: boolean): Promise<ApiResult<'schema.describe'>> {
    const name = requireApiName(objectName);
    const org = await this.options.connections.activeOrg();
    const key = describeKey(org.orgKey, name);
    let entry = this.cachedDescribe(org.orgKey, name);
    if (!entry) {
      await this.once(key, () => this.fetchAndStore(org, name, null));
      entry = this.cachedDescribe(org.orgKey, name);
      if (!entry) throw notFound(name);
    } else if (refresh || this.due(key, entry.fetchedAt, DESCRIBE_REVALIDATE_MS)) {
      const since = entry.lastModified;
      const object = entry.describe.name;
      this.background(
        key,
        () => this.fetchAndStore(org, name, since),
        `the describe of ${object}`,
        () => this.options.events.emit('schema.describeUpdated', { object }),
      );
    }
    const access = await this.options.mapped.accessOrNull();
    return {
      describe: entry.describe,
      fetchedAt: entry.fetchedAt,
      refreshing: this.inFlight.has(key),
      columnTypes: columnTypesOf(entry.describe),
      mapped: access?.get(entry.describe.name.toLowerCase()) ?? null,
    };
  }

  /**
   * Fetches a describe (conditionally when `since` is given) and stores it; answers the cached
   * entry after a 304, the new one after a 200, undefined when the org has no such object.
   */
  private async fetchAndStore(
    org: OrgConnection,
    name: string,
    since: string | null,
  ): Promise<CachedDescribe | undefined> {
    const outcome = await this.fetchDescribe(org, name, since, new RequestMeter());
    const fetchedAt = this.now().toISOString();
    if (outcome.kind === 'missing') return undefined;
    if (outcome.kind === 'same') {
      const cached = this.cachedDescribe(org.orgKey, name);
      if (cached) {
        this.cache.describes.touch(org.orgKey, cached.describe.name, fetchedAt);
        const touched = { ...cached, fetchedAt };
        this.parsed.set(parsedKey(org.orgKey, name), touched);
        return touched;
      }
      // A 304 for something no longer cached: ask again, unconditionally.
      return this.fetchAndStore(org, name, null);
    }
    const lastModified = outcome.lastModified;
    this.cache.describes.put({
      orgKey: org.orgKey,
      objectName: outcome.describe.name,
      describe: outcome.describe,
      fetchedAt,
      lastModified,
    });
    const entry = { describe: outcome.describe, fetchedAt, lastModified };
    this.remember(org.orgKey, outcome.describe.name, entry);
    if (name.toLowerCase() !== outcome.describe.name.toLowerCase()) {
      this.remember(org.orgKey, name, entry);
    }
    return entry;
  }

  private async fetchDescribe(
    org: OrgConnection,
    name: string,
    since: string | null,
    meter: RequestMeter,
  ): Promise<FetchOutcome> {
    const started = this.now();
    const url = `/sobjects/${encodeURIComponent(name)}/describe`;
    let response;
    try {
      response = await orgRequest<unknown>(org.conn, { url, headers: sinceHeader(since) }, meter);
    } catch (error) {
      if (orgErrorCode(error) === 'NOT_FOUND') return { kind: 'missing' };
      throw orgFailure(error, org.conn.instanceUrl);
    }
    if (response.status === 304) return { kind: 'same' };
    const describe = asDescribe(response.body);
    if (!describe) {
      throw new ApiError(
        'REMOTE_ERROR',
        `${org.conn.instanceUrl} answered the describe of ${name} without "name" and "fields".`,
      );
    }
    return {
      kind: 'changed',
      describe,
      lastModified: lastModifiedOf(response.headers, started),
    };
  }

  // ── schema.describeMany ────────────────────────────────────────────────────────
  async describeMany(objectNames: readonly string[]): Promise<ApiResult<'schema.describeMany'>> {
    const org = await this.options.connections.activeOrg();
    const { describes, missing } = await this.describesFor(org, objectNames);
    return { describes, missing };
  }

  /** Cached describes, plus the missing ones fetched (4 at a time); unknown names in `missing`. */
  async describesFor(
    org: OrgConnection,
    objectNames: readonly string[],
  ): Promise<{ describes: SObjectDescribe[]; missing: string[] }> {
    const wanted: string[] = [];
    const seen = new Set<string>();
    for (const name of objectNames) {
      const lower = name.trim().toLowerCase();
      if (lower === '' || seen.has(lower)) continue;
      seen.add(lower);
      wanted.push(name.trim());
    }
    const listed = this.listedNames(org.orgKey);
    const found = new Map<string, SObjectDescribe>();
    const toFetch: string[] = [];
    const missing: string[] = [];
    for (const name of wanted) {
      const cached = API_NAME.test(name) ? this.cachedDescribe(org.orgKey, name) : undefined;
      if (cached) found.set(name.toLowerCase(), cached.describe);
      else if (!API_NAME.test(name) || (listed && !listed.has(name.toLowerCase()))) {
        missing.push(name);
      } else toFetch.push(name);
    }
    let next = 0;
    const worker = async () => {
      while (next < toFetch.length) {
        const name = toFetch[next++]!;
        await this.once(describeKey(org.orgKey, name), () => this.fetchAndStore(org, name, null));
        const entry = this.cachedDescribe(org.orgKey, name);
        if (entry) found.set(name.toLowerCase(), entry.describe);
        else missing.push(name);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_DESCRIBES, toFetch.length) }, worker));
    const describes = wanted
      .map((name) => found.get(name.toLowerCase()))
      .filter((d): d is SObjectDescribe => d !== undefined);
    const missingSet = new Set(missing.map((m) => m.toLowerCase()));
    return { describes, missing: wanted.filter((name) => missingSet.has(name.toLowerCase())) };
  }

  // ── a catalog for validating and compiling SOQL ────────────────────────────────
  /**
   * Runs `work` over a catalog of the org's cached describes; objects the work reached that are
   * listed but not described are fetched (and cached), and the work runs again until it reaches
   * nothing new. Answers the last run's result with its catalog.
   */
  async catalogFor<T>(
    org: OrgConnection,
    work: (catalog: DescribeCatalog) => T,
  ): Promise<{ catalog: DescribeCatalog; result: T }> {
    if (!this.cache.objectLists.get(org.orgKey)) {
      await this.once(`list ${org.orgKey}`, () => this.refreshObjectList(org));
    }
    return describeWhatWorkReaches({
      global: globalEntries(this.cache.objectLists.get(org.orgKey)?.objects ?? []),
      described: new Map<string, SObjectDescribe>(),
      attempted: new Set<string>(),
      fetch: async (names) => (await this.describesFor(org, names)).describes,
      work,
    });
  }

  // ── schema.count ───────────────────────────────────────────────────────────────
  async count(objectName: string): Promise<ApiResult<'schema.count'>> {
    const name = requireApiName(objectName);
    const org = await this.options.connections.activeOrg();
    const started = performance.now();
    let response;
    try {
      response = await orgRequest<{ totalSize?: unknown }>(
        org.conn,
        { url: `/query?q=${encodeURIComponent(`SELECT COUNT() FROM ${name}`)}` },
        new RequestMeter(),
      );
    } catch (error) {
      throw orgFailure(error, org.conn.instanceUrl);
    }
    const total = response.body?.totalSize;
    if (typeof total !== 'number') {
      throw new ApiError(
        'REMOTE_ERROR',
        `The org answered SELECT COUNT() FROM ${name} without a count.`,
      );
    }
    return { count: total, durationMs: Math.round(performance.now() - started) };
  }

  /** Resolves when no background refresh is running (tests, shutdown). */
  async whenIdle(): Promise<void> {
    while (this.inFlight.size > 0) {
      await Promise.allSettled([...this.inFlight.values()]);
    }
  }

  // ── helpers ────────────────────────────────────────────────────────────────────
  private cachedDescribe(orgKey: string, name: string): CachedDescribe | undefined {
    const key = parsedKey(orgKey, name);
    const held = this.parsed.get(key);
    if (held) {
      // Most recently used last, so the oldest is the first to go.
      this.parsed.delete(key);
      this.parsed.set(key, held);
      return held;
    }
    const row = this.cache.describes.get(orgKey, name);
    if (!row) return undefined;
    const describe = asDescribe(row.describe);
    if (!describe) return undefined;
    const entry = { describe, fetchedAt: row.fetchedAt, lastModified: row.lastModified };
    this.remember(orgKey, name, entry);
    return entry;
  }

  private remember(orgKey: string, name: string, entry: CachedDescribe): void {
    const key = parsedKey(orgKey, name);
    this.parsed.delete(key);
    this.parsed.set(key, entry);
    while (this.parsed.size > PARSED_DESCRIBES_KEPT) {
      const oldest = this.parsed.keys().next().value;
      if (oldest === undefined) break;
      this.parsed.delete(oldest);
    }
  }

  private listedNames(orgKey: string): Set<string> | undefined {
    const list = this.cache.objectLists.get(orgKey);
    return list ? new Set(globalEntries(list.objects).map((o) => o.name.toLowerCase())) : undefined;
  }

  private ageOf(iso: string): number {
    const at = Date.parse(iso);
    return Number.isNaN(at) ? Infinity : this.now().getTime() - at;
  }

  /** Joins work already running under `key`, or starts it. */
  private once<T>(key: string, work: () => Promise<T>): Promise<T> {
    const running = this.inFlight.get(key) as Promise<T> | undefined;
    if (running) return running;
    const started = work().finally(() => {
      if (this.inFlight.get(key) === started) this.inFlight.delete(key);
    });
    this.inFlight.set(key, started);
    return started;
  }

  /** Whether automatic background work under `key` is due: stale, and not tried just now. */
  private due(key: string, fetchedAt: string, staleAfterMs: number): boolean {
    if (this.ageOf(fetchedAt) <= staleAfterMs) return false;
    const tried = this.attempted.get(key);
    return tried === undefined || this.now().getTime() - tried > RETRY_AFTER_MS;
  }

  /**
   * Runs `work` in the background, then `announce`s — after success or failure, once the key no
   * longer counts as refreshing. An answer that said `refreshing: true` promises the event
   * (contract CacheAge), and a caller that reloads on it must see `refreshing: false`; a failure
   * is only logged (the cached answer stays good), and `due` keeps it from being retried at once.
   */
  private background(
    key: string,
    work: () => Promise<unknown>,
    what: string,
    announce: () => void,
  ): void {
    this.attempted.set(key, this.now().getTime());
    // Nobody awaits this chain: whatever announcing throws (the cache closed at shutdown) is
    // logged here, never left as an unhandled rejection.
    const announceSafely = () => {
      try {
        announce();
      } catch (error) {
        this.options.log(`connect-studio: announcing ${what} failed: ${messageOf(error)}`);
      }
    };
    this.once(key, work).then(
      () => {
        this.attempted.delete(key);
        announceSafely();
      },
      (error: unknown) => {
        this.options.log(`connect-studio: refreshing ${what} failed: ${messageOf(error)}`);
        announceSafely();
      },
    );
  }
}

// ── pure helpers ───────────────────────────────────────────────────────────────────

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function describeKey(orgKey: string, name: string): string {
  return `describe ${orgKey} ${name.toLowerCase()}`;
}

function parsedKey(orgKey: string, name: string): string {
  return `${orgKey}\u0000${name.toLowerCase()}`;
}

function requireApiName(objectName: string): string {
  const name = objectName.trim();
  if (!API_NAME.test(name)) {
    throw new ApiError(
      'BAD_PARAMS',
      `"${objectName}" is not an object API name; use a name such as Account or Invoice__c.`,
    );
  }
  return name;
}

function notFound(name: string): ApiError {
  return new ApiError(
    'NOT_FOUND',
    `The org has no object ${name} (or this user cannot see it). Check the API name: custom ` +
      'objects end in __c.',
  );
}

function sinceHeader(lastModified: string | null): Record<string, string> {
  return lastModified ? { 'If-Modified-Since': lastModified } : {};
}

/**
 * What to send as If-Modified-Since next time: the org's Last-Modified when it sends one, else
 * the time the request left (HTTP dates carry whole seconds). UNCONFIRMED whether real orgs send
 * Last-Modified on describes; either way a change after the request started is seen next time,
 * except one made within the same second as the request.
 */
function lastModifiedOf(headers: Parameters<typeof headerOf>[0], started: Date): string {
  const header = headerOf(headers, 'last-modified');
  return header && !Number.isNaN(Date.parse(header)) ? header : started.toUTCString();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The describe as Salesforce sent it, with the lists the engine relies on made present. */
export function asDescribe(body: unknown): SObjectDescribe | undefined {
  if (!isRecord(body) || typeof body.name !== 'string' || !Array.isArray(body.fields)) {
    return undefined;
  }
  const fields = body.fields.filter(
    (f): f is FieldDescribe =>
      isRecord(f) && typeof f.name === 'string' && typeof f.type === 'string',
  );
  const needsFix = fields.some(
    (f) => !Array.isArray(f.referenceTo) || !Array.isArray(f.picklistValues),
  );
  const childRelationships = Array.isArray(body.childRelationships)
    ? (body.childRelationships.filter(isRecord) as unknown as ChildRelationship[])
    : [];
  return {
    ...(body as unknown as SObjectDescribe),
    fields: needsFix
      ? fields.map((f) => ({
          ...f,
          referenceTo: Array.isArray(f.referenceTo) ? f.referenceTo : [],
          picklistValues: Array.isArray(f.picklistValues) ? f.picklistValues : [],
          relationshipName: typeof f.relationshipName === 'string' ? f.relationshipName : null,
        }))
      : fields,
    childRelationships,
  };
}

/** The describeGlobal entries we can use (a name at least), defaults for what is missing. */
export function globalEntries(list: readonly unknown[]): GlobalSObject[] {
  const entries: GlobalSObject[] = [];
  for (const item of list) {
    if (!isRecord(item) || typeof item.name !== 'string') continue;
    entries.push({
      ...(item as unknown as GlobalSObject),
      label: typeof item.label === 'string' ? item.label : item.name,
      custom: item.custom === true,
      keyPrefix: typeof item.keyPrefix === 'string' ? item.keyPrefix : null,
      queryable: item.queryable !== false,
    });
  }
  return entries;
}

/** Per field: the Postgres column type Heroku Connect gives it, or why it cannot be synced. */
export function columnTypesOf(
  describe: SObjectDescribe,
): ApiResult<'schema.describe'>['columnTypes'] {
  const types: ApiResult<'schema.describe'>['columnTypes'] = {};
  for (const field of describe.fields) {
    const result = postgresColumnType({ type: field.type, length: field.length ?? 0 });
    types[field.name] = result.ok
      ? { ok: true, sqlType: result.sqlType }
      : { ok: false, reason: result.reason };
  }
  return types;
}
