// Describes from a live org, fetched only for the objects a query actually reaches, and kept in
// memory so checking many queries asks the org for each describe once.
import type { Connection } from 'jsforce';
import {
  describeWhatWorkReaches,
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
 * Describes of a live org, fetched on demand and kept for the object's lifetime. A caller hands
 * `describeFor` the work it wants to do with a catalog (validate a query, validate mappings);
 * the work runs against what is cached, every listed object it asked for but did not find is
 * fetched, and the work runs again until it reaches nothing new. The last run's result comes
 * back with the catalog, so the caller need not run the work once more. Only the objects a query
 * or mapping really touches are described, each once.
 */
export class LiveDescribes {
  private global: GlobalSObject[] | undefined;
  private readonly describes = new Map<string, SObjectDescribe>();
  private readonly attempted = new Set<string>();
  /** Describe requests made so far (one per object), for callers that report cost. */
  describeRequests = 0;

  constructor(private readonly conn: Connection) {}

  async describeFor<T>(
    work: (catalog: DescribeCatalog) => T,
  ): Promise<{ catalog: DescribeCatalog; result: T }> {
    this.global ??= await fetchDescribeGlobal(this.conn);
    return describeWhatWorkReaches({
      global: this.global,
      described: this.describes,
      attempted: this.attempted,
      fetch: (names) => {
        this.describeRequests += names.length;
        return fetchDescribes(this.conn, names);
      },
      work,
    });
  }
}

/** Checks SOQL against a live org, describing only the objects each query reaches. */
export class OrgQueryChecker {
  private readonly live: LiveDescribes;

  constructor(
    conn: Connection,
    private readonly options: ValidateOptions = {},
  ) {
    this.live = new LiveDescribes(conn);
  }

  get describeRequests(): number {
    return this.live.describeRequests;
  }

  async check(text: string): Promise<SoqlCheckResult> {
    const parsed = parseSoql(text);
    const { result } = await this.live.describeFor((c) => validateSoql(parsed, c, this.options));
    return checkResult(text, result);
  }
}
