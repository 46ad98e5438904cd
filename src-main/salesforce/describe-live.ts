// Describes from a live org, fetched only for the objects a query actually reaches, and kept in
// memory so checking many queries asks the org for each describe once.
import type { Connection } from 'jsforce';
import {
  createDescribeCatalog,
  type DescribeCatalog,
  type GlobalSObject,
  type SObjectDescribe,
} from '../../src-shared/salesforce';
import {
  checkResult,
  parseSoql,
  validateSoql,
  type SoqlCheckResult,
  type ValidateOptions,
} from '../../src-shared/soql';
import { parseDescribe, parseGlobal } from './describe-dir';

/** Describe requests in flight at once: enough to be quick, few enough to be polite. */
const PARALLEL_DESCRIBES = 4;

interface ErrorWithCode {
  errorCode?: unknown;
  name?: unknown;
}

function isNotFound(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { errorCode, name } = error as ErrorWithCode;
  return errorCode === 'NOT_FOUND' || name === 'NOT_FOUND';
}

/** The org's object list (GET /sobjects). */
export async function fetchDescribeGlobal(conn: Connection): Promise<GlobalSObject[]> {
  const body = await conn.request<unknown>({ method: 'GET', url: '/sobjects' });
  return parseGlobal(body, `${conn.instanceUrl}/sobjects`);
}

/**
 * Full describes of the named objects (GET /sobjects/<Object>/describe), in the order asked.
 * Objects the org does not have (404 NOT_FOUND) are left out; any other failure is thrown.
 */
export async function fetchDescribes(
  conn: Connection,
  objectNames: readonly string[],
): Promise<SObjectDescribe[]> {
  const results: (SObjectDescribe | undefined)[] = new Array(objectNames.length);
  let next = 0;
  const worker = async () => {
    while (next < objectNames.length) {
      const index = next++;
      const name = objectNames[index]!;
      const url = `/sobjects/${encodeURIComponent(name)}/describe`;
      try {
        const body = await conn.request<unknown>({ method: 'GET', url });
        results[index] = parseDescribe(body, `${conn.instanceUrl}${url}`);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL_DESCRIBES, objectNames.length) }, worker),
  );
  return results.filter((d): d is SObjectDescribe => d !== undefined);
}

/**
 * Checks queries against a live org. Each check validates, notes the objects the validator
 * reached without a describe (the root object, parents through lookups, children of subqueries),
 * fetches those and validates again, until nothing new is reached. Describes stay cached for
 * the checker's lifetime.
 */
export class OrgQueryChecker {
  private global: GlobalSObject[] | undefined;
  /** Lower-cased name → the name as the org spells it. */
  private listed = new Map<string, string>();
  private readonly describes = new Map<string, SObjectDescribe>();
  private readonly attempted = new Set<string>();
  private readonly reached = new Set<string>();
  private recording: DescribeCatalog | undefined;
  /** Describe requests made so far (one per object), for callers that report cost. */
  describeRequests = 0;

  constructor(
    private readonly conn: Connection,
    private readonly options: ValidateOptions = {},
  ) {}

  async check(text: string): Promise<SoqlCheckResult> {
    const parsed = parseSoql(text);
    for (;;) {
      const catalog = await this.catalog();
      this.reached.clear();
      const diagnostics = validateSoql(parsed, catalog, this.options);
      const toFetch = [...this.reached].filter((key) => !this.attempted.has(key));
      if (toFetch.length === 0) return checkResult(text, diagnostics);
      for (const key of toFetch) this.attempted.add(key);
      this.describeRequests += toFetch.length;
      const fetched = await fetchDescribes(
        this.conn,
        toFetch.map((key) => this.nameOf(key)),
      );
      for (const d of fetched) this.describes.set(d.name.toLowerCase(), d);
      this.recording = undefined;
    }
  }

  /** The cached describes as a catalog that notes every listed object asked for but missing. */
  private async catalog(): Promise<DescribeCatalog> {
    if (!this.global) {
      this.global = await fetchDescribeGlobal(this.conn);
      this.listed = new Map(this.global.map((o) => [o.name.toLowerCase(), o.name]));
    }
    if (!this.recording) {
      const inner = createDescribeCatalog(this.describes.values(), this.global);
      this.recording = {
        ...inner,
        describe: (name) => {
          const found = inner.describe(name);
          const key = name.toLowerCase();
          if (!found && this.listed.has(key)) this.reached.add(key);
          return found;
        },
      };
    }
    return this.recording;
  }

  private nameOf(key: string): string {
    return this.listed.get(key) ?? key;
  }
}
