// The compiler proper: a SOQL tree plus describes plus a physical schema → one SQL statement
// and a plan that assembles its rows (compile-assemble.ts). One statement per query: parent
// paths are LEFT JOINs (one per distinct relationship path), child subqueries are correlated
// JSON aggregations, semi-joins are IN (SELECT …). Both dialects share the structure; they
// differ in JSON functions, case-insensitive LIKE, date parts and GROUP BY ROLLUP/CUBE.

import {
  AGGREGATE_FUNCTIONS,
  DATE_FUNCTIONS,
  pathText,
  type Comparison,
  type Condition,
  type FieldPath,
  type FunctionArg,
  type FunctionCall,
  type Identifier,
  type Literal,
  type OrderByItem,
  type Query,
  type Range,
  type SelectItem,
  type SelectTypeof,
} from './ast';
import {
  toEighteenCharacterId,
  type DescribeCatalog,
  type FieldDescribe,
  type SObjectDescribe,
} from '../salesforce';
import {
  decoderFor,
  kindOfField,
  type ChildrenEntry,
  type Decoder,
  type PolymorphicEntry,
  type RecordPlan,
  type ValueEntry,
  type ValueKind,
} from './compile-assemble';
import { dateLiteralRange, isoDate, isoDateTime, parseDateTime } from './compile-dates';
import type { PhysicalSchema, PhysicalTable } from './compile-schema';
import {
  CompileError,
  ParamList,
  qualifiedName,
  quoteIdentifier as q,
  type SqlDialect,
} from './compile-sql';

export interface CompileOptions {
  catalog: DescribeCatalog;
  schema: PhysicalSchema;
  dialect: SqlDialect;
  now: Date;
  apiVersion: string;
  includeDeleted: boolean;
}

/** What the rows of the statement are and how they become a result. */
export type CompiledShape =
  | { kind: 'records'; plan: RecordPlan; columnCount: number }
  | { kind: 'aggregate'; entries: ValueEntry[]; columnCount: number }
  | { kind: 'count' };

// ---------------------------------------------------------------------------------------------
// Internal model

interface TableNode {
  object: SObjectDescribe;
  table: PhysicalTable;
  alias: string;
  /** Lower-cased relationship path from the scope's root ('' for the root). */
  key: string;
}

interface PolyJoin {
  key: string;
  lookup: FieldDescribe;
  /** The foreign key column, qualified. */
  fkSql: string;
  /** Every type the lookup can point at; `node` when the type has a table to join. */
  targets: { type: string; node?: TableNode }[];
}

type Step =
  | { kind: 'single'; lookup: FieldDescribe; node: TableNode }
  | { kind: 'poly'; lookup: FieldDescribe; join: PolyJoin };

type Leaf =
  | { kind: 'column'; sql: string; field: FieldDescribe }
  | {
      kind: 'compound';
      field: FieldDescribe;
      parts: { key: string; sql: string; field: FieldDescribe }[];
    }
  /** A field of the "Name" pseudo-object behind a polymorphic lookup (`What.Name`). */
  | { kind: 'poly'; sql: string; name: string; valueKind: ValueKind; field?: FieldDescribe };

interface Resolved {
  steps: Step[];
  leaf: Leaf;
}

/** One (sub)query's FROM: its root table and the joins its paths need. */
class Scope {
  readonly joins: string[] = [];
  readonly nodes = new Map<string, TableNode>();
  readonly polys = new Map<string, PolyJoin>();
  constructor(
    readonly root: TableNode,
    /** Lower-cased names a field path may start with and that mean the root itself. */
    readonly prefixes: ReadonlySet<string>,
    readonly fromAlias: string | undefined,
    /** `FROM Contact c, c.Account a`: alias → the path it stands for. */
    readonly aliasPaths: ReadonlyMap<string, Identifier[]>,
  ) {}
}

interface Expr {
  sql: string;
  kind: ValueKind;
  /** Text compared and sorted case-insensitively, as a real org does. */
  ci: boolean;
  field?: FieldDescribe;
  /** toLabel: value → label. */
  labels?: ReadonlyMap<string, string>;
  /** Name used as the result key when the item is a field (last path segment). */
  name?: string;
}

interface ExprEnv {
  allowAggregates: boolean;
  insideAggregate?: boolean;
  /** ROLLUP/CUBE: native GROUPING(), emulated (SQLite: one branch per grouping set), none. */
  grouping?: 'native' | 'emulated' | 'none';
  /** Emulated grouping sets: group expressions rolled up in this branch (they read NULL). */
  rolledUp?: ReadonlySet<string>;
}

/** The SELECT list of one statement: expressions become columns c0, c1, … */
class ColumnList {
  readonly items: { sql: string; kind: ValueKind; json: boolean }[] = [];
  private readonly index = new Map<string, number>();
  constructor(private readonly dialect: SqlDialect) {}

  /** Each aggregate item is its own column, even when two read the same (NULL in a branch). */
  push(sql: string, kind: ValueKind): number {
    this.items.push({ sql, kind, json: false });
    return this.items.length - 1;
  }

  add(sql: string, kind: ValueKind, json = false): number {
    const key = `${kind}\u0001${sql}`;
    const found = this.index.get(key);
    if (found !== undefined) return found;
    this.items.push({ sql, kind, json });
    this.index.set(key, this.items.length - 1);
    return this.items.length - 1;
  }

  /** Postgres reads dates and timestamps as text, so no driver applies a local time zone. */
  rendered(i: number): string {
    const item = this.items[i]!;
    const asText =
      this.dialect === 'postgres' &&
      (item.kind === 'date' || item.kind === 'datetime' || item.kind === 'time');
    return asText ? `CAST(${item.sql} AS text)` : item.sql;
  }

  selectList(): string {
    return this.items.map((_c, i) => `${this.rendered(i)} AS ${q(`c${i}`)}`).join(', ');
  }
}

const WRAPPERS = new Set(['TOLABEL', 'FORMAT', 'CONVERTCURRENCY']);
const AGGREGATES = new Set<string>(AGGREGATE_FUNCTIONS);
const DATE_FUNCTION_NAMES = new Set<string>(DATE_FUNCTIONS);
/** Wider child rows are split into arrays of this size (SQLite caps function arguments). */
const JSON_CHUNK = 50;

function callName(call: FunctionCall): string {
  return call.name.name.toUpperCase();
}

function containsAggregate(expr: FunctionArg): boolean {
  if (expr.kind !== 'call') return false;
  return AGGREGATES.has(callName(expr)) || expr.args.some(containsAggregate);
}

/** `FORMAT(convertCurrency(Amount))` → `Amount`; the wrappers pass values through. */
function unwrap(expr: FunctionArg): { inner: FunctionArg; toLabel: boolean } {
  let inner = expr;
  let toLabel = false;
  while (inner.kind === 'call' && WRAPPERS.has(callName(inner)) && inner.args.length === 1) {
    if (callName(inner) === 'TOLABEL') toLabel = true;
    inner = inner.args[0]!;
  }
  return { inner, toLabel };
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

const TEXT_CASTS: Record<SqlDialect, (placeholder: string) => string> = {
  sqlite: (p) => p,
  postgres: (p) => `CAST(${p} AS text)`,
};

// ---------------------------------------------------------------------------------------------

export class QueryCompiler {
  readonly params = new ParamList();
  private aliasCount = 0;
  private readonly prefixByObject = new Map<string, string>();

  constructor(private readonly o: CompileOptions) {
    for (const entry of o.catalog.objects()) {
      if (entry.keyPrefix) this.prefixByObject.set(entry.name.toLowerCase(), entry.keyPrefix);
    }
  }

  private get dialect(): SqlDialect {
    return this.o.dialect;
  }

  private nextAlias(prefix = 't'): string {
    return `${prefix}${this.aliasCount++}`;
  }

  private param(value: unknown): string {
    return this.params.add(value);
  }

  // --- entry point -------------------------------------------------------------------------

  compileRoot(query: Query): { text: string; shape: CompiledShape } {
    if (query.usingScope && query.usingScope.name.toLowerCase() !== 'everything') {
      throw new CompileError(
        `USING SCOPE ${query.usingScope.name} needs a running user, which the SQL compiler does ` +
          'not have; remove it or use USING SCOPE everything.',
        query.usingScope.range,
      );
    }
    const scope = this.rootScope(query);
    const only = query.select.length === 1 ? query.select[0] : undefined;
    if (
      only?.kind === 'selectExpr' &&
      only.expr.kind === 'call' &&
      callName(only.expr) === 'COUNT' &&
      only.expr.args.length === 0
    ) {
      return { text: this.countQuery(query, scope), shape: { kind: 'count' } };
    }
    const aggregate =
      query.groupBy !== undefined ||
      query.select.some((item) => item.kind === 'selectExpr' && containsAggregate(item.expr));
    if (aggregate) return this.aggregateQuery(query, scope);
    const core = this.recordsCore(query, scope, []);
    const text = [
      `SELECT ${core.columns.selectList()}`,
      `FROM ${this.fromClause(scope)}`,
      ...this.tailClauses(core.where, core.orderBy, query),
    ].join('\n');
    return {
      text,
      shape: { kind: 'records', plan: core.plan, columnCount: core.columns.items.length },
    };
  }

  // --- scopes and names ----------------------------------------------------------------------

  private describe(objectName: string, range?: Range): SObjectDescribe {
    const d = this.o.catalog.describe(objectName);
    if (!d) {
      throw new CompileError(
        `sObject type '${objectName}' is not supported: it has no describe. Load its describe ` +
          'before compiling a query that uses it.',
        range,
      );
    }
    return d;
  }

  private tableOf(objectName: string, range?: Range): PhysicalTable {
    const table = this.o.schema.table(objectName);
    if (!table) {
      throw new CompileError(
        `${objectName} has no table in this database; map the object before querying it.`,
        range,
      );
    }
    return table;
  }

  private columnOf(objectName: string, fieldName: string, range?: Range): string {
    const column = this.o.schema.column(objectName, fieldName);
    if (!column) {
      throw new CompileError(
        `${objectName}.${fieldName} has no column in this database; add the field to the ` +
          `${objectName} mapping or leave it out of the query.`,
        range,
      );
    }
    return column;
  }

  private idSql(node: TableNode): string {
    return `${q(node.alias)}.${q(node.table.idColumn)}`;
  }

  private rootScope(query: Query): Scope {
    const from = query.from;
    if (!from || !from.name.name) {
      throw new CompileError('The query has no FROM object; write FROM and an object name.');
    }
    const object = this.describe(from.name.name, from.name.range);
    return this.scopeFor(object, query, [object.name]);
  }

  private scopeFor(object: SObjectDescribe, query: Query, names: string[]): Scope {
    const table = this.tableOf(object.name, query.from?.name.range);
    const root: TableNode = { object, table, alias: this.nextAlias(), key: '' };
    const fromAlias = query.from?.alias?.name.toLowerCase();
    const aliasPaths = new Map<string, Identifier[]>();
    for (const related of query.from?.relatedAliases ?? []) {
      aliasPaths.set(related.alias.name.toLowerCase(), related.path.path);
    }
    const prefixes = new Set(names.map((n) => n.toLowerCase()));
    const scope = new Scope(root, prefixes, fromAlias, aliasPaths);
    scope.nodes.set('', root);
    return scope;
  }

  /** Drops a leading FROM alias, object name or (in a subquery) relationship name. */
  private stripPrefix(scope: Scope, segments: Identifier[]): Identifier[] {
    const first = segments[0];
    if (!first || segments.length < 2) return segments;
    const aliased = scope.aliasPaths.get(first.name.toLowerCase());
    if (aliased) return this.stripPrefix(scope, [...aliased, ...segments.slice(1)]);
    const lower = first.name.toLowerCase();
    if (lower === scope.fromAlias) return segments.slice(1);
    // A relationship of the same name wins: `Contact.Email` on Case is the Contact lookup.
    const isRelationship = this.o.catalog.parentRelationship(scope.root.object.name, first.name);
    if (scope.prefixes.has(lower) && !isRelationship) return segments.slice(1);
    return segments;
  }

  private resolve(scope: Scope, path: FieldPath, start?: TableNode): Resolved {
    if (path.path.length === 0 || path.path.some((p) => !p.name)) {
      throw new CompileError(`The field '${pathText(path)}' is incomplete.`, path.range);
    }
    const segments = start ? path.path : this.stripPrefix(scope, path.path);
    return this.walk(scope, start ?? scope.root, segments, path.range);
  }

  private walk(scope: Scope, start: TableNode, segments: Identifier[], range: Range): Resolved {
    const steps: Step[] = [];
    let node = start;
    for (let i = 0; i < segments.length - 1; i++) {
      const segment = segments[i]!;
      const lookup = this.o.catalog.parentRelationship(node.object.name, segment.name);
      if (!lookup) {
        throw new CompileError(
          `Didn't understand relationship '${segment.name}' in field path. ${node.object.name} ` +
            'has no relationship of that name (a custom lookup is written with __r).',
          segment.range,
        );
      }
      if (lookup.referenceTo.length !== 1) {
        const join = this.polyJoin(scope, node, lookup);
        steps.push({ kind: 'poly', lookup, join });
        const rest = segments.slice(i + 1);
        if (rest.length !== 1) {
          throw new CompileError(
            `${lookup.relationshipName} can point to several object types, so only one field ` +
              `may follow it (such as Name or Type); use TYPEOF for fields of one type.`,
            range,
          );
        }
        return { steps, leaf: this.polyField(join, rest[0]!) };
      }
      node = this.singleJoin(scope, node, lookup, segment.range);
      steps.push({ kind: 'single', lookup, node });
    }
    return { steps, leaf: this.leafOf(node, segments.at(-1)!) };
  }

  private singleJoin(
    scope: Scope,
    from: TableNode,
    lookup: FieldDescribe,
    range: Range,
  ): TableNode {
    const relationship = lookup.relationshipName ?? lookup.name;
    const key = `${from.key}.${relationship.toLowerCase()}`;
    const existing = scope.nodes.get(key);
    if (existing) return existing;
    const target = lookup.referenceTo[0]!;
    const object = this.describe(target, range);
    const table = this.tableOf(object.name, range);
    const fk = this.columnOf(from.object.name, lookup.name, range);
    const node: TableNode = { object, table, alias: this.nextAlias(), key };
    scope.joins.push(
      `LEFT JOIN ${qualifiedName(table.name)} AS ${q(node.alias)} ON ${this.idSql(node)} = ` +
        `${q(from.alias)}.${q(fk)}`,
    );
    scope.nodes.set(key, node);
    return node;
  }

  private polyJoin(scope: Scope, from: TableNode, lookup: FieldDescribe): PolyJoin {
    const relationship = lookup.relationshipName ?? lookup.name;
    const key = `${from.key}.${relationship.toLowerCase()}`;
    const existing = scope.polys.get(key);
    if (existing) return existing;
    const fkSql = `${q(from.alias)}.${q(this.columnOf(from.object.name, lookup.name))}`;
    const targets: PolyJoin['targets'] = [];
    for (const type of lookup.referenceTo) {
      const object = this.o.catalog.describe(type);
      const table = object && this.o.schema.table(object.name);
      if (!object || !table) {
        targets.push({ type });
        continue;
      }
      const node: TableNode = {
        object,
        table,
        alias: this.nextAlias(),
        key: `${key}#${object.name.toLowerCase()}`,
      };
      scope.joins.push(
        `LEFT JOIN ${qualifiedName(table.name)} AS ${q(node.alias)} ON ${this.idSql(node)} = ${fkSql}`,
      );
      scope.nodes.set(node.key, node);
      targets.push({ type: object.name, node });
    }
    const join: PolyJoin = { key, lookup, fkSql, targets };
    scope.polys.set(key, join);
    return join;
  }

  /** The object's type behind a polymorphic lookup, as SQL (for `What.Type = 'Account'`). */
  private polyTypeSql(join: PolyJoin): string {
    const text = TEXT_CASTS[this.dialect];
    const whens: string[] = [];
    for (const t of join.targets) {
      if (t.node)
        whens.push(`WHEN ${this.idSql(t.node)} IS NOT NULL THEN ${text(this.param(t.type))}`);
    }
    for (const t of join.targets) {
      const prefix = this.prefixByObject.get(t.type.toLowerCase());
      if (prefix) {
        whens.push(
          `WHEN substr(${join.fkSql}, 1, 3) = ${this.param(prefix)} THEN ${text(this.param(t.type))}`,
        );
      }
    }
    return whens.length ? `(CASE ${whens.join(' ')} END)` : 'NULL';
  }

  private polyField(join: PolyJoin, segment: Identifier): Leaf {
    const lower = segment.name.toLowerCase();
    if (lower === 'id') return { kind: 'poly', sql: join.fkSql, name: 'Id', valueKind: 'id' };
    if (lower === 'type') {
      return { kind: 'poly', sql: this.polyTypeSql(join), name: 'Type', valueKind: 'text' };
    }
    const parts: string[] = [];
    let representative: FieldDescribe | undefined;
    for (const t of join.targets) {
      if (!t.node) continue;
      // The Name pseudo-object's Name is each type's name field (CaseNumber on Case).
      const field =
        this.o.catalog.field(t.type, segment.name) ??
        (lower === 'name' ? t.node.object.fields.find((f) => f.nameField) : undefined);
      const column = field && this.o.schema.column(t.type, field.name);
      if (!field || !column) continue;
      representative ??= field;
      parts.push(`${q(t.node.alias)}.${q(column)}`);
    }
    if (!representative) {
      const types = join.targets.map((t) => t.type).join(', ');
      throw new CompileError(
        `No type that ${join.lookup.relationshipName} can point to (${types}) has a field ` +
          `'${segment.name}' stored in this database.`,
        segment.range,
      );
    }
    const sql = parts.length === 1 ? parts[0]! : `COALESCE(${parts.join(', ')})`;
    const name = lower === 'name' ? 'Name' : representative.name;
    return {
      kind: 'poly',
      sql,
      name,
      valueKind: kindOfField(representative),
      field: representative,
    };
  }

  private leafOf(node: TableNode, segment: Identifier): Leaf {
    const field = this.o.catalog.field(node.object.name, segment.name);
    if (!field) {
      throw new CompileError(
        `No such column '${segment.name}' on entity '${node.object.name}'. Check the spelling ` +
          'against the describe (a custom field ends in __c).',
        segment.range,
      );
    }
    if (field.type === 'address') {
      const prefix = field.name.replace(/Address$/i, '');
      const parts: { key: string; sql: string; field: FieldDescribe }[] = [];
      for (const part of node.object.fields) {
        if (part.compoundFieldName !== field.name || part.name === field.name) continue;
        const column = this.o.schema.column(node.object.name, part.name);
        if (!column) continue;
        const key = lowerFirst(part.name.slice(prefix.length));
        parts.push({ key, sql: `${q(node.alias)}.${q(column)}`, field: part });
      }
      if (parts.length === 0) {
        throw new CompileError(
          `${node.object.name}.${field.name} is built from its component fields, and none of ` +
            'them is stored in this database.',
          segment.range,
        );
      }
      return { kind: 'compound', field, parts };
    }
    if (field.type === 'location') {
      throw new CompileError(
        `The geolocation field ${node.object.name}.${field.name} is not supported by the SQL ` +
          'compiler; select its latitude and longitude fields instead.',
        segment.range,
      );
    }
    const column = this.columnOf(node.object.name, field.name, segment.range);
    return { kind: 'column', sql: `${q(node.alias)}.${q(column)}`, field };
  }

  /** Nested statements (subqueries, UNION branches) are written on one line. */
  private fromClause(scope: Scope, inline = false): string {
    const root = `${qualifiedName(scope.root.table.name)} AS ${q(scope.root.alias)}`;
    return [root, ...scope.joins].join(inline ? ' ' : '\n  ');
  }

  /** Rows a plain query sees: not in the recycle bin (queryAll sees them). */
  private liveRows(node: TableNode): string | undefined {
    if (this.o.includeDeleted) return undefined;
    if (!this.o.catalog.field(node.object.name, 'IsDeleted')) return undefined;
    const column = this.o.schema.column(node.object.name, 'IsDeleted');
    return column ? `${q(node.alias)}.${q(column)} IS NOT TRUE` : undefined;
  }

  private tailClauses(where: string[], orderBy: string[], query: Query, inline = false): string[] {
    const clauses: string[] = [];
    if (where.length) clauses.push(`WHERE ${where.join(inline ? ' AND ' : '\n  AND ')}`);
    if (orderBy.length) clauses.push(`ORDER BY ${orderBy.join(', ')}`);
    const limit = this.limitClause(query);
    if (limit) clauses.push(limit);
    return clauses;
  }

  private limitClause(query: Query): string {
    const parts: string[] = [];
    if (query.limit) parts.push(`LIMIT ${this.param(query.limit.value)}`);
    // SQLite has no OFFSET without LIMIT; -1 means no limit.
    else if (query.offset && this.dialect === 'sqlite') parts.push('LIMIT -1');
    if (query.offset) parts.push(`OFFSET ${this.param(query.offset.value)}`);
    return parts.join(' ');
  }

  // --- record queries ------------------------------------------------------------------------

  private recordsCore(
    query: Query,
    scope: Scope,
    extraWhere: string[],
  ): { columns: ColumnList; plan: RecordPlan; where: string[]; orderBy: string[] } {
    const columns = new ColumnList(this.dialect);
    const plan: RecordPlan = {
      type: scope.root.object.name,
      idColumn: columns.add(this.idSql(scope.root), 'id'),
      entries: [],
    };
    for (const item of query.select) this.addSelectItem(scope, item, plan, columns);
    const where = [...extraWhere];
    const live = this.liveRows(scope.root);
    if (live) where.push(live);
    if (query.where) where.push(this.condition(scope, query.where, { allowAggregates: false }));
    const orderBy = this.orderTerms(scope, query.orderBy ?? [], { allowAggregates: false });
    return { columns, plan, where, orderBy };
  }

  private addSelectItem(
    scope: Scope,
    item: SelectItem,
    plan: RecordPlan,
    columns: ColumnList,
  ): void {
    switch (item.kind) {
      case 'selectExpr': {
        const { inner, toLabel } = unwrap(item.expr);
        if (inner.kind !== 'field') {
          const name = inner.kind === 'call' ? `${inner.name.name}()` : 'A value';
          throw new CompileError(
            `${name} can be selected only in an aggregate query (with GROUP BY or an aggregate ` +
              'function), or is not supported by the SQL compiler.',
            item.range,
          );
        }
        const resolved = this.resolve(scope, inner);
        this.addResolved(plan, columns, resolved, {
          key: item.alias?.name,
          toLabel,
          range: item.range,
        });
        return;
      }
      case 'selectSubquery':
        this.addChildren(scope, item.query, plan, columns);
        return;
      case 'selectTypeof':
        this.addTypeof(scope, item, plan, columns);
        return;
      case 'selectFields':
        this.addFields(scope, item.mode ?? 'ALL', plan, columns);
        return;
    }
  }

  private labelsOf(field: FieldDescribe | undefined, range: Range): Map<string, string> {
    if (!field || field.picklistValues.length === 0) {
      throw new CompileError(
        `toLabel() needs a picklist field${field ? `; ${field.name} has no picklist values` : ''}.`,
        range,
      );
    }
    return new Map(field.picklistValues.map((p) => [p.value, p.label]));
  }

  private decoder(
    kind: ValueKind,
    field?: FieldDescribe,
    labels?: ReadonlyMap<string, string>,
    nullable = false,
  ): Decoder {
    return decoderFor(kind, {
      apiVersion: this.o.apiVersion,
      fieldName: field?.name,
      labels,
      nullable,
    });
  }

  /** Places a resolved field in the plan: nested under its relationships unless aliased. */
  private addResolved(
    plan: RecordPlan,
    columns: ColumnList,
    resolved: Resolved,
    options: { key?: string; toLabel?: boolean; range?: Range } = {},
  ): void {
    let target = plan;
    if (!options.key)
      for (const step of resolved.steps) target = this.parentPlan(target, step, columns);
    const leaf = resolved.leaf;
    const key = options.key ?? (leaf.kind === 'poly' ? leaf.name : leaf.field.name);
    // Selecting a field twice is a validator error; here the first one stands.
    if (target.entries.some((e) => e.key.toLowerCase() === key.toLowerCase())) return;
    switch (leaf.kind) {
      case 'column': {
        const kind = kindOfField(leaf.field);
        const labels = options.toLabel
          ? this.labelsOf(leaf.field, options.range ?? { start: 0, end: 0 })
          : undefined;
        target.entries.push({
          kind: 'value',
          key,
          column: columns.add(leaf.sql, kind),
          decode: this.decoder(kind, leaf.field, labels),
        });
        return;
      }
      case 'poly':
        target.entries.push({
          kind: 'value',
          key,
          column: columns.add(leaf.sql, leaf.valueKind),
          decode: this.decoder(leaf.valueKind, leaf.field),
        });
        return;
      case 'compound':
        target.entries.push({
          kind: 'compound',
          key,
          parts: leaf.parts.map((p) => {
            const kind = kindOfField(p.field);
            return {
              key: p.key,
              column: columns.add(p.sql, kind),
              decode: this.decoder(kind, p.field),
            };
          }),
        });
        return;
    }
  }

  /** The nested plan for one relationship hop; several paths through it share one object. */
  private parentPlan(plan: RecordPlan, step: Step, columns: ColumnList): RecordPlan {
    const key = step.lookup.relationshipName ?? step.lookup.name;
    const existing = plan.entries.find(
      (e) =>
        (e.kind === 'parent' || e.kind === 'polymorphic') &&
        e.key.toLowerCase() === key.toLowerCase(),
    );
    if (step.kind === 'single') {
      if (existing?.kind === 'parent') return existing.plan;
      const nested: RecordPlan = {
        type: step.node.object.name,
        idColumn: columns.add(this.idSql(step.node), 'id'),
        entries: [],
      };
      plan.entries.push({ kind: 'parent', key, plan: nested });
      return nested;
    }
    const entry =
      existing?.kind === 'polymorphic'
        ? existing
        : this.addPolymorphic(plan, key, step.join, columns);
    entry.otherwise ??= { type: '', idColumn: entry.idColumn, entries: [] };
    return entry.otherwise;
  }

  private addPolymorphic(
    plan: RecordPlan,
    key: string,
    join: PolyJoin,
    columns: ColumnList,
  ): PolymorphicEntry {
    const entry: PolymorphicEntry = {
      kind: 'polymorphic',
      key,
      idColumn: columns.add(join.fkSql, 'id'),
      targets: join.targets.flatMap((t) =>
        t.node ? [{ type: t.type, presenceColumn: columns.add(this.idSql(t.node), 'id') }] : [],
      ),
      branches: [],
    };
    plan.entries.push(entry);
    return entry;
  }

  private addTypeof(scope: Scope, item: SelectTypeof, plan: RecordPlan, columns: ColumnList): void {
    const segments = this.stripPrefix(scope, item.field.path);
    const name = segments[0];
    const lookup =
      segments.length === 1 && name
        ? this.o.catalog.parentRelationship(scope.root.object.name, name.name)
        : undefined;
    if (!lookup) {
      throw new CompileError(
        `TYPEOF needs a relationship of ${scope.root.object.name}, such as What or Who; ` +
          `'${pathText(item.field)}' is not one.`,
        item.field.range,
      );
    }
    const join = this.polyJoin(scope, scope.root, lookup);
    const key = lookup.relationshipName ?? lookup.name;
    const existing = plan.entries.find(
      (e): e is PolymorphicEntry =>
        e.kind === 'polymorphic' && e.key.toLowerCase() === key.toLowerCase(),
    );
    const entry = existing ?? this.addPolymorphic(plan, key, join, columns);
    for (const when of item.whens) {
      const typeName = when.objectType?.name ?? '';
      const target = join.targets.find((t) => t.type.toLowerCase() === typeName.toLowerCase());
      if (!target) {
        throw new CompileError(
          `${key} cannot point to '${typeName}'; it points to ${lookup.referenceTo.join(', ')}.`,
          when.objectType?.range ?? when.range,
        );
      }
      if (!target.node) {
        throw new CompileError(
          `${target.type} has no table or describe here, so TYPEOF cannot read its fields; ` +
            'map the object or drop this WHEN branch.',
          when.range,
        );
      }
      const branch: RecordPlan = { type: target.type, idColumn: entry.idColumn, entries: [] };
      for (const field of when.fields) {
        this.addResolved(branch, columns, this.resolve(scope, field, target.node));
      }
      entry.branches.push({ type: target.type, plan: branch });
    }
    if (item.otherwise) {
      const otherwise: RecordPlan = { type: '', idColumn: entry.idColumn, entries: [] };
      for (const field of item.otherwise.fields) {
        if (field.path.length !== 1) {
          throw new CompileError(
            'ELSE fields of TYPEOF are fields of any type (Name, Id …), not paths.',
            field.range,
          );
        }
        this.addResolved(otherwise, columns, {
          steps: [],
          leaf: this.polyField(join, field.path[0]!),
        });
      }
      entry.otherwise = otherwise;
    }
  }

  /** FIELDS(ALL|STANDARD|CUSTOM): the describe's fields that this database stores. */
  private addFields(
    scope: Scope,
    mode: 'ALL' | 'STANDARD' | 'CUSTOM',
    plan: RecordPlan,
    columns: ColumnList,
  ): void {
    // Not filtered on `permissionable`: real describes set it false on Id and Name, which every
    // user reads; unreadable fields are simply absent from a real describe.
    for (const field of scope.root.object.fields) {
      if (mode === 'CUSTOM' && !field.custom) continue;
      if (mode === 'STANDARD' && field.custom) continue;
      if (field.type === 'location') continue;
      if (field.type !== 'address' && !this.o.schema.column(scope.root.object.name, field.name))
        continue;
      let leaf: Leaf;
      try {
        leaf = this.leafOf(scope.root, {
          kind: 'identifier',
          name: field.name,
          range: { start: 0, end: 0 },
        });
      } catch (error) {
        if (error instanceof CompileError) continue;
        throw error;
      }
      this.addResolved(plan, columns, { steps: [], leaf });
    }
  }

  private addChildren(parent: Scope, query: Query, plan: RecordPlan, columns: ColumnList): void {
    const name = query.from?.name;
    if (!name?.name) throw new CompileError('The subquery has no FROM relationship.', query.range);
    const relationship = this.o.catalog.childRelationship(parent.root.object.name, name.name);
    if (!relationship?.relationshipName) {
      throw new CompileError(
        `Didn't understand relationship '${name.name}' in FROM part of query call. A subquery ` +
          `names a child relationship of ${parent.root.object.name} (such as Contacts), not an object.`,
        name.range,
      );
    }
    if (
      query.groupBy ||
      query.select.some((i) => i.kind === 'selectExpr' && containsAggregate(i.expr))
    ) {
      throw new CompileError('A child subquery cannot aggregate or use GROUP BY.', query.range);
    }
    const child = this.describe(relationship.childSObject, name.range);
    const scope = this.scopeFor(child, query, [relationship.relationshipName, child.name]);
    const fk = this.columnOf(child.name, relationship.field, name.range);
    const correlation = `${q(scope.root.alias)}.${q(fk)} = ${this.idSql(parent.root)}`;
    const core = this.recordsCore(query, scope, [correlation]);
    const sub = q(this.nextAlias('q'));
    const over = core.orderBy.length ? `ORDER BY ${core.orderBy.join(', ')}` : '';
    const inner = [
      `SELECT ${core.columns.selectList()}, row_number() OVER (${over}) AS "rn"`,
      `FROM ${this.fromClause(scope, true)}`,
      ...this.tailClauses(core.where, ['"rn"'], query, true),
    ].join(' ');
    const cells = core.columns.items.map((c, i) =>
      c.json && this.dialect === 'sqlite' ? `json(${sub}."c${i}")` : `${sub}."c${i}"`,
    );
    const chunked = cells.length > JSON_CHUNK;
    const array = this.dialect === 'sqlite' ? 'json_array' : 'json_build_array';
    const row = chunked
      ? `${array}(${chunksOf(cells, JSON_CHUNK)
          .map((c) => `${array}(${c.join(', ')})`)
          .join(', ')})`
      : `${array}(${cells.join(', ')})`;
    const aggregate = this.dialect === 'sqlite' ? 'json_group_array' : 'json_agg';
    const sql = `(SELECT ${aggregate}(${row} ORDER BY ${sub}."rn") FROM (${inner}) AS ${sub})`;
    const entry: ChildrenEntry = {
      kind: 'children',
      key: relationship.relationshipName,
      column: columns.add(sql, 'other', true),
      plan: core.plan,
      chunked,
    };
    if (!plan.entries.some((e) => e.key.toLowerCase() === entry.key.toLowerCase())) {
      plan.entries.push(entry);
    }
  }

  // --- aggregate queries ---------------------------------------------------------------------

  private countQuery(query: Query, scope: Scope): string {
    const where: string[] = [];
    const live = this.liveRows(scope.root);
    if (live) where.push(live);
    if (query.where) where.push(this.condition(scope, query.where, { allowAggregates: false }));
    const group = query.groupBy
      ? query.groupBy.items.map((e) => this.expr(scope, e, { allowAggregates: false }).sql)
      : [];
    const having = query.having
      ? this.condition(scope, query.having, { allowAggregates: true })
      : undefined;
    const limit = this.limitClause(query);
    const clauses: string[] = [];
    if (where.length) clauses.push(`WHERE ${where.join('\n  AND ')}`);
    if (group.length) clauses.push(`GROUP BY ${group.join(', ')}`);
    if (having) clauses.push(`HAVING ${having}`);
    if (!group.length && !limit) {
      return [`SELECT COUNT(*) AS "c0"`, `FROM ${this.fromClause(scope)}`, ...clauses].join('\n');
    }
    if (limit) clauses.push(limit);
    const inner = [`SELECT 1 AS "one"`, `FROM ${this.fromClause(scope)}`, ...clauses].join('\n');
    return `SELECT COUNT(*) AS "c0" FROM (\n${inner}\n) AS "n"`;
  }

  private aggregateQuery(query: Query, scope: Scope): { text: string; shape: CompiledShape } {
    for (const item of query.select) {
      if (item.kind !== 'selectExpr') {
        const what =
          item.kind === 'selectSubquery'
            ? 'A child subquery'
            : item.kind === 'selectTypeof'
              ? 'TYPEOF'
              : 'FIELDS()';
        throw new CompileError(`${what} cannot be used in an aggregate query.`, item.range);
      }
    }
    const items = query.select.filter((i) => i.kind === 'selectExpr');
    const groupBy = query.groupBy;
    const groupSql = (groupBy?.items ?? []).map(
      (e) => this.expr(scope, e, { allowAggregates: false }).sql,
    );
    const where: string[] = [];
    const live = this.liveRows(scope.root);
    if (live) where.push(live);
    if (query.where) where.push(this.condition(scope, query.where, { allowAggregates: false }));

    // Keys: alias, else exprN for function items (counted over unaliased ones, UNCONFIRMED),
    // else the field's own name (a grouped Account.Name is keyed Name).
    let exprIndex = 0;
    const keys = items.map((item) => {
      if (item.alias) return item.alias.name;
      return unwrap(item.expr).inner.kind === 'call' ? `expr${exprIndex++}` : undefined;
    });

    const emulate = groupBy !== undefined && groupBy.type !== 'plain' && this.dialect === 'sqlite';
    const compileItems = (env: ExprEnv) =>
      items.map((item) => {
        const { inner, toLabel } = unwrap(item.expr);
        const e = this.expr(scope, inner, env);
        const labels = toLabel ? this.labelsOf(e.field, item.range) : undefined;
        return { e, labels };
      });

    if (!emulate) {
      const env: ExprEnv = {
        allowAggregates: true,
        grouping: groupBy && groupBy.type !== 'plain' ? 'native' : 'none',
      };
      const compiled = compileItems(env);
      const columns = new ColumnList(this.dialect);
      const entries = compiled.map(({ e, labels }, i) =>
        this.aggregateEntry(keys[i], e, labels, columns.push(e.sql, e.kind)),
      );
      const clauses: string[] = [];
      if (where.length) clauses.push(`WHERE ${where.join('\n  AND ')}`);
      if (groupBy) {
        const list = groupSql.join(', ');
        clauses.push(
          `GROUP BY ${groupBy.type === 'plain' ? list : `${groupBy.type.toUpperCase()}(${list})`}`,
        );
      }
      if (query.having) clauses.push(`HAVING ${this.condition(scope, query.having, env)}`);
      const order = this.orderTerms(scope, query.orderBy ?? [], env);
      if (order.length) clauses.push(`ORDER BY ${order.join(', ')}`);
      const limit = this.limitClause(query);
      if (limit) clauses.push(limit);
      const text = [
        `SELECT ${columns.selectList()}`,
        `FROM ${this.fromClause(scope)}`,
        ...clauses,
      ].join('\n');
      return { text, shape: { kind: 'aggregate', entries, columnCount: columns.items.length } };
    }

    // SQLite has no ROLLUP/CUBE: one SELECT per grouping set, glued with UNION ALL. A rolled-up
    // group expression reads NULL in its branch and GROUPING() of it reads 1.
    const sets = groupingSets(groupSql, groupBy.type === 'cube');
    let entries: ValueEntry[] = [];
    const branches: { select: string; tail: string[] }[] = [];
    for (const set of sets) {
      const rolledUp = new Set(groupSql.filter((g) => !set.includes(g)));
      const env: ExprEnv = { allowAggregates: true, grouping: 'emulated', rolledUp };
      const compiled = compileItems(env);
      const columns = new ColumnList(this.dialect);
      const branchEntries = compiled.map(({ e, labels }, i) =>
        this.aggregateEntry(keys[i], e, labels, columns.push(e.sql, e.kind)),
      );
      if (entries.length === 0) entries = branchEntries;
      const orderKeys = (query.orderBy ?? []).map((o) => {
        const e = this.expr(scope, o.expr, env);
        return e.ci ? `upper(${e.sql})` : e.sql;
      });
      const select = [
        ...columns.items.map((_c, i) => `${columns.rendered(i)} AS "c${i}"`),
        ...orderKeys.map((k, i) => `${k} AS "o${i}"`),
      ].join(', ');
      const tail: string[] = [];
      if (where.length) tail.push(`WHERE ${where.join(' AND ')}`);
      if (set.length) tail.push(`GROUP BY ${set.join(', ')}`);
      if (query.having) tail.push(`HAVING ${this.condition(scope, query.having, env)}`);
      branches.push({ select, tail });
    }
    const from = this.fromClause(scope, true);
    const union = branches
      .map((b) => [`SELECT ${b.select}`, `FROM ${from}`, ...b.tail].join(' '))
      .join('\nUNION ALL\n');
    const outerColumns = entries.map((_e, i) => `"c${i}"`).join(', ');
    const order = (query.orderBy ?? []).map((o, i) => `"o${i}" ${orderSuffix(o)}`);
    const clauses = [`SELECT ${outerColumns} FROM (\n${union}\n) AS "g"`];
    if (order.length) clauses.push(`ORDER BY ${order.join(', ')}`);
    const limit = this.limitClause(query);
    if (limit) clauses.push(limit);
    return {
      text: clauses.join('\n'),
      shape: { kind: 'aggregate', entries, columnCount: entries.length },
    };
  }

  private aggregateEntry(
    key: string | undefined,
    e: Expr,
    labels: ReadonlyMap<string, string> | undefined,
    column: number,
  ): ValueEntry {
    return {
      kind: 'value',
      key: key ?? e.name ?? e.field?.name ?? `expr`,
      column,
      decode: this.decoder(e.kind, e.field, labels, true),
    };
  }

  // --- expressions -----------------------------------------------------------------------------

  private expr(scope: Scope, expr: FunctionArg, env: ExprEnv): Expr {
    if (expr.kind === 'field') {
      const { leaf } = this.resolve(scope, expr);
      let result: Expr;
      switch (leaf.kind) {
        case 'column': {
          const kind = kindOfField(leaf.field);
          result = {
            sql: leaf.sql,
            kind,
            ci: kind === 'text' && leaf.field.caseSensitive !== true,
            field: leaf.field,
            name: leaf.field.name,
          };
          break;
        }
        case 'poly':
          result = {
            sql: leaf.sql,
            kind: leaf.valueKind,
            ci: leaf.valueKind === 'text',
            field: leaf.field,
            name: leaf.name,
          };
          break;
        case 'compound':
          throw new CompileError(
            `The compound field ${leaf.field.name} cannot be used here; use its component fields.`,
            expr.range,
          );
      }
      return this.rollUp(result, env);
    }
    if (expr.kind !== 'call') {
      throw new CompileError('A literal cannot be used where a field is expected.', expr.range);
    }
    return this.call(scope, expr, env);
  }

  /** In an emulated grouping set, a group expression rolled up in this branch reads NULL. */
  private rollUp(e: Expr, env: ExprEnv): Expr {
    if (!env.insideAggregate && env.rolledUp?.has(e.sql)) return { ...e, sql: 'NULL' };
    return e;
  }

  private singleArg(call: FunctionCall): FunctionArg {
    const arg = call.args[0];
    if (call.args.length !== 1 || !arg) {
      throw new CompileError(`${call.name.name}() takes exactly one field.`, call.range);
    }
    return arg;
  }

  private call(scope: Scope, call: FunctionCall, env: ExprEnv): Expr {
    const name = callName(call);
    if (AGGREGATES.has(name)) {
      if (!env.allowAggregates || env.insideAggregate) {
        throw new CompileError(
          `The aggregate function ${call.name.name}() cannot be used here.`,
          call.range,
        );
      }
      const inner = { ...env, insideAggregate: true };
      if (name === 'COUNT' && call.args.length === 0)
        return { sql: 'COUNT(*)', kind: 'int', ci: false };
      const arg = this.expr(scope, this.singleArg(call), inner);
      switch (name) {
        case 'COUNT':
          return { sql: `COUNT(${arg.sql})`, kind: 'int', ci: false };
        case 'COUNT_DISTINCT':
          return { sql: `COUNT(DISTINCT ${arg.sql})`, kind: 'int', ci: false };
        case 'SUM':
        case 'AVG':
          return { sql: `${name}(${arg.sql})`, kind: 'number', ci: false };
        default:
          // MIN/MAX keep the field's type (dates print as dates).
          return { sql: `${name}(${arg.sql})`, kind: arg.kind, ci: false, field: arg.field };
      }
    }
    if (DATE_FUNCTION_NAMES.has(name)) {
      const arg = this.expr(scope, this.singleArg(call), env);
      return this.rollUp(this.dateFunction(name, arg.sql), env);
    }
    switch (name) {
      case 'CONVERTTIMEZONE':
        // The compiler's time zone is UTC, so converting to the user's zone changes nothing.
        return this.expr(scope, this.singleArg(call), env);
      case 'TOLABEL': {
        const arg = this.expr(scope, this.singleArg(call), env);
        return { ...arg, labels: this.labelsOf(arg.field, call.range) };
      }
      case 'FORMAT':
      case 'CONVERTCURRENCY':
        // Values pass through: the compiler has no locale and a single currency.
        return this.expr(scope, this.singleArg(call), env);
      case 'GROUPING': {
        const arg = this.expr(scope, this.singleArg(call), { ...env, insideAggregate: true });
        const sql =
          env.grouping === 'native'
            ? `GROUPING(${arg.sql})`
            : env.grouping === 'emulated' && env.rolledUp?.has(arg.sql)
              ? '1'
              : '0';
        return { sql, kind: 'int', ci: false };
      }
      default:
        throw new CompileError(
          `${call.name.name}() is not supported by the SQL compiler.`,
          call.name.range,
        );
    }
  }

  private dateFunction(name: string, x: string): Expr {
    if (name === 'DAY_ONLY') {
      return {
        sql: this.dialect === 'sqlite' ? `date(${x})` : `CAST(${x} AS date)`,
        kind: 'date',
        ci: false,
      };
    }
    const part =
      this.dialect === 'sqlite'
        ? (format: string) => `CAST(strftime('${format}', ${x}) AS INTEGER)`
        : (field: string) => `CAST(EXTRACT(${field} FROM ${x}) AS integer)`;
    const sqlite = this.dialect === 'sqlite';
    const year = part(sqlite ? '%Y' : 'YEAR');
    const month = part(sqlite ? '%m' : 'MONTH');
    const day = part(sqlite ? '%d' : 'DAY');
    const dayOfYear = part(sqlite ? '%j' : 'DOY');
    const sql: Record<string, () => string> = {
      CALENDAR_YEAR: () => year,
      FISCAL_YEAR: () => year,
      CALENDAR_MONTH: () => month,
      FISCAL_MONTH: () => month,
      CALENDAR_QUARTER: () => `((${month} + 2) / 3)`,
      FISCAL_QUARTER: () => `((${month} + 2) / 3)`,
      DAY_IN_MONTH: () => day,
      DAY_IN_YEAR: () => dayOfYear,
      // 1 = Sunday.
      DAY_IN_WEEK: () => `(${part(sqlite ? '%w' : 'DOW')} + 1)`,
      // Week 1 is days 1-7 of the month or year.
      WEEK_IN_MONTH: () => `((${day} + 6) / 7)`,
      WEEK_IN_YEAR: () => `((${dayOfYear} + 6) / 7)`,
      HOUR_IN_DAY: () => part(sqlite ? '%H' : 'HOUR'),
    };
    const build = sql[name];
    if (!build) throw new CompileError(`${name}() is not supported by the SQL compiler.`);
    return { sql: build(), kind: 'int', ci: false };
  }

  private orderTerms(scope: Scope, items: readonly OrderByItem[], env: ExprEnv): string[] {
    return items.map((item) => {
      const e = this.expr(scope, item.expr, env);
      // English-locale sorting compares upper-cased text (SFDOC ORDER BY).
      return `${e.ci ? `upper(${e.sql})` : e.sql} ${orderSuffix(item)}`;
    });
  }

  // --- conditions ------------------------------------------------------------------------------

  private condition(scope: Scope, cond: Condition, env: ExprEnv): string {
    switch (cond.kind) {
      case 'and':
      case 'or': {
        const parts = cond.operands.map((c) => this.condition(scope, c, env));
        return parts.length === 1
          ? parts[0]!
          : `(${parts.join(cond.kind === 'and' ? ' AND ' : ' OR ')})`;
      }
      case 'paren':
        return this.condition(scope, cond.inner, env);
      case 'not':
        // SOQL conditions are two-valued: a comparison with a null field is false, so NOT of it
        // is true (UNCONFIRMED beyond != and NOT IN, which SFDOC says include nulls).
        return `NOT COALESCE(${this.condition(scope, cond.operand, env)}, FALSE)`;
      case 'compare':
        return this.comparison(scope, cond, env);
    }
  }

  private comparison(scope: Scope, cmp: Comparison, env: ExprEnv): string {
    const right = cmp.right;
    if (!right) throw new CompileError('The condition has no value after its operator.', cmp.range);
    const operator = cmp.operator === '<>' ? '!=' : cmp.operator;
    const left = this.expr(scope, cmp.left, env);

    if (right.kind === 'semiJoin') {
      const inner = this.semiJoin(right.query);
      if (operator === 'IN') return `${left.sql} IN (${inner})`;
      if (operator === 'NOT IN') return `(${left.sql} IS NULL OR ${left.sql} NOT IN (${inner}))`;
      throw new CompileError('A subquery can only follow IN or NOT IN.', right.range);
    }
    const literals = right.kind === 'list' ? right.items : [right];
    if (right.kind !== 'list' && ['IN', 'NOT IN', 'INCLUDES', 'EXCLUDES'].includes(operator)) {
      throw new CompileError(`${operator} needs a list of values in parentheses.`, right.range);
    }
    for (const literal of literals) {
      if (literal.kind === 'bind') {
        throw new CompileError('Bind variables only allowed in Apex code', literal.range);
      }
    }

    if (left.labels) {
      // toLabel(field) compares labels: turn the labels into the values that carry them.
      return this.labelComparison(left, operator, literals, cmp.range);
    }
    if (operator === 'INCLUDES' || operator === 'EXCLUDES') {
      return this.includes(left, operator, literals);
    }
    if (operator === 'LIKE') {
      const literal = literals[0]!;
      if (literal.kind !== 'string')
        throw new CompileError('LIKE needs a quoted pattern.', literal.range);
      const pattern = this.param(likePattern(literal.raw));
      const like = left.ci && this.dialect === 'postgres' ? 'ILIKE' : 'LIKE';
      return `${left.sql} ${like} ${pattern} ESCAPE '\\'`;
    }
    if (operator === 'IN' || operator === 'NOT IN') {
      return this.inList(left, operator, literals);
    }
    const literal = literals[0]!;
    if (literal.kind === 'null') {
      if (operator === '=') return `${left.sql} IS NULL`;
      if (operator === '!=') return `${left.sql} IS NOT NULL`;
      throw new CompileError(`null can only be compared with = or !=.`, literal.range);
    }
    if (literal.kind === 'dateLiteral') return this.dateRange(left, operator, literal);
    const value = this.literalSql(literal, left);
    const l = left.ci ? `lower(${left.sql})` : left.sql;
    // != keeps rows where the field is null, as SOQL does.
    if (operator === '!=') return `(${left.sql} IS NULL OR ${l} <> ${value})`;
    return `${l} ${operator} ${value}`;
  }

  private inList(left: Expr, operator: 'IN' | 'NOT IN', literals: readonly Literal[]): string {
    const values: string[] = [];
    const ranges: string[] = [];
    let hasNull = false;
    for (const literal of literals) {
      if (literal.kind === 'null') hasNull = true;
      else if (literal.kind === 'dateLiteral') ranges.push(this.dateRange(left, '=', literal));
      else values.push(this.literalSql(literal, left));
    }
    const l = left.ci ? `lower(${left.sql})` : left.sql;
    const parts: string[] = [];
    if (values.length) parts.push(`${l} IN (${values.join(', ')})`);
    parts.push(...ranges);
    if (hasNull) parts.push(`${left.sql} IS NULL`);
    const any =
      parts.length === 0 ? '1 = 0' : parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`;
    if (operator === 'IN') return any;
    // NOT IN keeps rows whose field is null unless null is listed.
    return hasNull
      ? `NOT COALESCE(${any}, FALSE)`
      : `(${left.sql} IS NULL OR NOT COALESCE(${any}, FALSE))`;
  }

  private labelComparison(
    left: Expr,
    operator: string,
    literals: readonly Literal[],
    range: Range,
  ): string {
    const labels = left.labels!;
    const wanted = literals.map((l) => (l.kind === 'string' ? l : undefined));
    if (wanted.some((w) => !w)) {
      throw new CompileError('toLabel() compares with quoted labels.', range);
    }
    const matches = (label: string): boolean =>
      wanted.some((w) =>
        operator === 'LIKE'
          ? likeRegExp(w!.raw).test(label)
          : label.toLowerCase() === w!.value.toLowerCase(),
      );
    const values = [...labels].filter(([, label]) => matches(label)).map(([value]) => value);
    const list = values.map((v) => this.param(v)).join(', ');
    const positive = operator === '=' || operator === 'IN' || operator === 'LIKE';
    const negative = operator === '!=' || operator === 'NOT IN';
    if (!positive && !negative) {
      throw new CompileError(`toLabel() can be compared with =, !=, IN, NOT IN or LIKE.`, range);
    }
    if (positive) return values.length ? `${left.sql} IN (${list})` : '1 = 0';
    return values.length ? `(${left.sql} IS NULL OR ${left.sql} NOT IN (${list}))` : '1 = 1';
  }

  /** INCLUDES ('a;b', 'c'): (has a AND has b) OR has c, on `a;b;c` text. */
  private includes(
    left: Expr,
    operator: 'INCLUDES' | 'EXCLUDES',
    literals: readonly Literal[],
  ): string {
    const haystack = `(';' || COALESCE(${left.sql}, '') || ';')`;
    const like = this.dialect === 'postgres' ? 'ILIKE' : 'LIKE';
    const alternatives = literals.map((literal) => {
      if (literal.kind !== 'string') {
        throw new CompileError(`${operator} takes quoted picklist values.`, literal.range);
      }
      const terms = literal.value
        .split(';')
        .map((t) => t.trim())
        .filter((t) => t.length > 0)
        .map((t) => `${haystack} ${like} ${this.param(`%;${escapeLike(t)};%`)} ESCAPE '\\'`);
      return terms.length === 0
        ? '1 = 0'
        : terms.length === 1
          ? terms[0]!
          : `(${terms.join(' AND ')})`;
    });
    const any = alternatives.length === 1 ? alternatives[0]! : `(${alternatives.join(' OR ')})`;
    return operator === 'INCLUDES' ? any : `NOT ${any.startsWith('(') ? any : `(${any})`}`;
  }

  private dateRange(
    left: Expr,
    operator: string,
    literal: Literal & { kind: 'dateLiteral' },
  ): string {
    const range = dateLiteralRange(literal.name, literal.n, this.o.now);
    const format = left.kind === 'datetime' ? isoDateTime : isoDate;
    if (left.kind !== 'date' && left.kind !== 'datetime') {
      throw new CompileError(
        `The date literal ${literal.name} can only be compared with a date or datetime field.`,
        literal.range,
      );
    }
    const start = () => this.param(format(range.start));
    const end = () => this.param(format(range.end));
    const x = left.sql;
    switch (operator) {
      case '=':
        return `(${x} >= ${start()} AND ${x} < ${end()})`;
      case '!=':
        return `(${x} IS NULL OR ${x} < ${start()} OR ${x} >= ${end()})`;
      case '<':
        return `${x} < ${start()}`;
      case '<=':
        return `${x} < ${end()}`;
      case '>':
        return `${x} >= ${end()}`;
      case '>=':
        return `${x} >= ${start()}`;
      default:
        throw new CompileError(`A date literal cannot follow ${operator}.`, literal.range);
    }
  }

  /** A literal as a bound parameter, converted to the stored form of the left side's type. */
  private literalSql(literal: Literal, left: Expr): string {
    const placeholder = this.param(this.literalValue(literal, left));
    return left.ci ? `lower(${placeholder})` : placeholder;
  }

  private literalValue(literal: Literal, left: Expr): unknown {
    switch (literal.kind) {
      case 'string':
        return left.kind === 'id' ? toEighteenCharacterId(literal.value) : literal.value;
      case 'number':
      case 'currency':
        // A currency literal's ISO code is not checked: the compiler knows one currency.
        return literal.value;
      case 'boolean':
        return this.dialect === 'sqlite' ? (literal.value ? 1 : 0) : literal.value;
      case 'date':
        return left.kind === 'datetime' ? `${literal.raw}T00:00:00.000Z` : literal.raw;
      case 'datetime': {
        const parsed = parseDateTime(literal.raw);
        if (!parsed)
          throw new CompileError(`'${literal.raw}' is not a valid datetime.`, literal.range);
        return left.kind === 'date' ? isoDate(parsed) : isoDateTime(parsed);
      }
      case 'null':
        return null;
      default:
        throw new CompileError('This value cannot be compared here.', literal.range);
    }
  }

  private semiJoin(query: Query): string {
    const scope = this.rootScope(query);
    const only = query.select[0];
    if (query.select.length !== 1 || only?.kind !== 'selectExpr') {
      throw new CompileError(
        'A semi-join subquery selects exactly one Id or reference field.',
        query.selectRange,
      );
    }
    const selected = this.expr(scope, only.expr, { allowAggregates: false });
    const where = [`${selected.sql} IS NOT NULL`];
    const live = this.liveRows(scope.root);
    if (live) where.push(live);
    if (query.where) where.push(this.condition(scope, query.where, { allowAggregates: false }));
    return `SELECT ${selected.sql} FROM ${this.fromClause(scope, true)} WHERE ${where.join(' AND ')}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

function orderSuffix(item: OrderByItem): string {
  // Default: ascending, nulls first, whatever the direction (SFDOC ORDER BY).
  return `${item.direction ?? 'ASC'} NULLS ${item.nulls ?? 'FIRST'}`;
}

function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** ROLLUP(a, b): (a, b), (a), (). CUBE(a, b): every subset, largest first. */
function groupingSets(items: readonly string[], cube: boolean): string[][] {
  if (!cube) return items.map((_x, i) => items.slice(0, items.length - i)).concat([[]]);
  const sets: string[][] = [];
  for (let mask = (1 << items.length) - 1; mask >= 0; mask--) {
    sets.push(items.filter((_x, i) => mask & (1 << (items.length - 1 - i))));
  }
  return sets.sort((a, b) => b.length - a.length);
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * A LIKE pattern from the literal as written: `%` and `_` are wildcards unless escaped; every
 * other character is literal (the lexer's resolved value cannot tell `\\%` from `\%`).
 */
export function likePattern(raw: string): string {
  const body = raw.startsWith("'")
    ? raw.slice(1, raw.endsWith("'") && raw.length > 1 ? -1 : undefined)
    : raw;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out += c === '%' || c === '_' ? c : escapeLike(c);
      continue;
    }
    const next = body[i + 1] ?? '';
    i++;
    switch (next) {
      case 'n':
      case 'N':
        out += '\n';
        break;
      case 'r':
      case 'R':
        out += '\r';
        break;
      case 't':
      case 'T':
        out += '\t';
        break;
      case 'b':
      case 'B':
        out += '\b';
        break;
      case 'f':
      case 'F':
        out += '\f';
        break;
      case 'u':
      case 'U': {
        const hex = body.slice(i + 1, i + 5);
        if (/^[0-9a-fA-F]{4}$/.test(hex)) {
          out += escapeLike(String.fromCharCode(parseInt(hex, 16)));
          i += 4;
        } else out += next;
        break;
      }
      default:
        // \% \_ \\ \' \" — the character itself, literally.
        out += escapeLike(next);
    }
  }
  return out;
}

/** The same pattern as a case-insensitive RegExp (for toLabel LIKE, matched in JavaScript). */
function likeRegExp(raw: string): RegExp {
  const pattern = likePattern(raw);
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      source += (pattern[++i] ?? '').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else if (c === '%') source += '[\\s\\S]*';
    else if (c === '_') source += '[\\s\\S]';
    else source += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'i');
}
