// The renderer's DescribeCatalog for SOQL completion and diagnostics. Describes load lazily: the
// object in FROM and whatever the query reaches from it (parent paths hop by hop, child
// subqueries, semi-joins, TYPEOF branches), so a 1,500-object org costs only what is typed.
// The loaders are passed in (the workspace gives it the api), so this file stays testable.
import {
  createDescribeCatalog,
  type DescribeCatalog,
  type GlobalSObject,
  type SObjectDescribe,
} from '../../src-shared/salesforce';
import {
  parseSoql,
  type Condition,
  type FieldPath,
  type FunctionArg,
  type Query,
  type ValueExpr,
} from '../../src-shared/soql';

export interface DescribeSource {
  /** Every object of the org, names and flags only. */
  listObjects(): Promise<GlobalSObject[]>;
  describeMany(objects: string[]): Promise<{ describes: SObjectDescribe[]; missing: string[] }>;
}

/** How many hops of loading one query may cause (each hop can only follow a loaded describe). */
const MAX_ROUNDS = 6;
/** A polymorphic lookup (Owner → User, Group; What → 20 objects) loads this many targets. */
const MAX_POLYMORPHIC_TARGETS = 6;

export class DescribeCatalogStore {
  private readonly describes = new Map<string, SObjectDescribe>();
  /** Lower-cased names the org does not know (or will not describe): not asked again. */
  private readonly missing = new Set<string>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private objectList: GlobalSObject[] = [];
  private objectListLoad: Promise<void> | null = null;
  private snapshot: DescribeCatalog | null = null;
  private readonly listeners = new Set<() => void>();
  /** Bumped by reset(): answers to an older generation are dropped. */
  private generation = 0;

  constructor(private readonly source: DescribeSource) {}

  /** The catalog as loaded so far (rebuilt only after something new arrived). */
  catalog(): DescribeCatalog {
    this.snapshot ??= createDescribeCatalog(this.describes.values(), this.objectList);
    return this.snapshot;
  }

  isLoaded(objectName: string): boolean {
    return this.describes.has(objectName.toLowerCase());
  }

  /** Called whenever describes or the object list arrive. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Forget everything (the active org changed). */
  reset(): void {
    this.generation++;
    this.describes.clear();
    this.missing.clear();
    this.inFlight.clear();
    this.objectList = [];
    this.objectListLoad = null;
    this.changed();
  }

  /** Drop one describe so the next use loads it again (the cache says it changed). */
  invalidate(objectName: string): void {
    const key = objectName.toLowerCase();
    if (this.describes.delete(key)) this.changed();
    this.missing.delete(key);
  }

  /** Reload the object list (the org's list was refreshed). */
  reloadObjectList(): Promise<void> {
    this.objectListLoad = null;
    return this.ensureObjectList();
  }

  ensureObjectList(): Promise<void> {
    if (!this.objectListLoad) {
      const generation = this.generation;
      this.objectListLoad = this.source.listObjects().then(
        (objects) => {
          if (generation !== this.generation) return;
          this.objectList = objects;
          this.changed();
        },
        (error: unknown) => {
          if (generation === this.generation) this.objectListLoad = null; // try again next time
          throw error;
        },
      );
    }
    return this.objectListLoad;
  }

  /** Loads the named describes that are neither loaded, known missing, nor on their way. */
  ensure(objectNames: Iterable<string>): Promise<void> {
    const wanted: string[] = [];
    const waits: Promise<void>[] = [];
    for (const name of objectNames) {
      const key = name.toLowerCase();
      if (!key || this.describes.has(key) || this.missing.has(key)) continue;
      const pending = this.inFlight.get(key);
      if (pending) waits.push(pending);
      else if (!wanted.some((w) => w.toLowerCase() === key)) wanted.push(name);
    }
    if (wanted.length > 0) {
      const generation = this.generation;
      const load = this.source.describeMany(wanted).then(
        ({ describes, missing }) => {
          if (generation !== this.generation) return;
          for (const d of describes) this.describes.set(d.name.toLowerCase(), d);
          for (const m of missing) this.missing.add(m.toLowerCase());
          for (const w of wanted) this.inFlight.delete(w.toLowerCase());
          this.changed();
        },
        (error: unknown) => {
          for (const w of wanted) this.inFlight.delete(w.toLowerCase());
          throw error;
        },
      );
      for (const w of wanted) this.inFlight.set(w.toLowerCase(), load);
      waits.push(load);
    }
    return Promise.all(waits).then(() => undefined);
  }

  /**
   * Loads what `soql` reaches, hop by hop: a parent path's next object is known only once the
   * previous one is described. Resolves when nothing new is reachable.
   */
  async ensureReached(soql: string): Promise<void> {
    const query = parseSoql(soql).query;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const reached = objectsReached(query, this.catalog());
      const needed = reached.filter(
        (name) => !this.isLoaded(name) && !this.missing.has(name.toLowerCase()),
      );
      if (needed.length === 0) return;
      await this.ensure(needed);
    }
  }

  private changed(): void {
    this.snapshot = null;
    for (const listener of this.listeners) listener();
  }
}

/**
 * The objects a query reaches through the catalog as loaded now: its FROM object, the targets
 * of each parent hop whose describe is loaded, child subqueries' objects, semi-join objects and
 * TYPEOF types. An object whose describe is missing is listed, and the hops past it wait for it.
 */
export function objectsReached(query: Query, catalog: DescribeCatalog): string[] {
  const reached = new Map<string, string>();
  const add = (name: string) => {
    if (name && !reached.has(name.toLowerCase())) reached.set(name.toLowerCase(), name);
  };
  walkQuery(query, query.from?.name.name ?? '', catalog, add);
  return [...reached.values()];
}

function walkQuery(
  query: Query,
  objectName: string,
  catalog: DescribeCatalog,
  add: (name: string) => void,
): void {
  if (!objectName) return;
  add(objectName);
  const alias = query.from?.alias?.name.toLowerCase();
  const path = (field: FieldPath) => walkPath(field, objectName, alias, catalog, add);
  const expr = (e: ValueExpr | FunctionArg) => walkExpr(e, path);

  for (const item of query.select) {
    switch (item.kind) {
      case 'selectExpr':
        expr(item.expr);
        break;
      case 'selectSubquery': {
        const relationship = item.query.from?.name.name ?? '';
        const child = relationship
          ? catalog.childRelationship(objectName, relationship)
          : undefined;
        if (child) walkQuery(item.query, child.childSObject, catalog, add);
        break;
      }
      case 'selectTypeof': {
        path(item.field);
        for (const branch of item.whens) if (branch.objectType) add(branch.objectType.name);
        break;
      }
      case 'selectFields':
        break;
    }
  }
  if (query.where) walkCondition(query.where, expr, catalog, add);
  if (query.having) walkCondition(query.having, expr, catalog, add);
  for (const e of query.groupBy?.items ?? []) expr(e);
  for (const o of query.orderBy ?? []) expr(o.expr);
}

function walkExpr(e: ValueExpr | FunctionArg, path: (field: FieldPath) => void): void {
  if (e.kind === 'field') path(e);
  else if (e.kind === 'call') for (const arg of e.args) walkExpr(arg, path);
}

function walkCondition(
  condition: Condition,
  expr: (e: ValueExpr) => void,
  catalog: DescribeCatalog,
  add: (name: string) => void,
): void {
  switch (condition.kind) {
    case 'compare':
      expr(condition.left);
      if (condition.right?.kind === 'semiJoin') {
        const inner = condition.right.query;
        walkQuery(inner, inner.from?.name.name ?? '', catalog, add);
      }
      break;
    case 'and':
    case 'or':
      for (const operand of condition.operands) walkCondition(operand, expr, catalog, add);
      break;
    case 'not':
      walkCondition(condition.operand, expr, catalog, add);
      break;
    case 'paren':
      walkCondition(condition.inner, expr, catalog, add);
      break;
  }
}

/** Follows `Account.Owner.Name` from `objectName`: every segment but the last is a hop. */
function walkPath(
  field: FieldPath,
  objectName: string,
  alias: string | undefined,
  catalog: DescribeCatalog,
  add: (name: string) => void,
): void {
  let segments = field.path.map((s) => s.name);
  if (alias && segments.length > 1 && segments[0]?.toLowerCase() === alias) {
    segments = segments.slice(1);
  }
  let current = [objectName];
  for (const segment of segments.slice(0, -1)) {
    const next: string[] = [];
    for (const object of current) {
      if (!catalog.describe(object)) continue; // listed already; its hops wait for it
      const lookup = catalog.parentRelationship(object, segment);
      for (const target of (lookup?.referenceTo ?? []).slice(0, MAX_POLYMORPHIC_TARGETS)) {
        add(target);
        next.push(target);
      }
    }
    if (next.length === 0) return;
    current = next;
  }
}
