// The SOQL validator: checks a parsed query against describe metadata and the limits a real org
// enforces, and words every problem the way the org does (soql.md §3.2). Name lookups go through
// the catalog's case-insensitive maps, so a big org costs no more than a small one.
import {
  ID_TYPES,
  NUMBER_TYPES,
  TEXT_TYPES,
  type DescribeCatalog,
  type FieldDescribe,
} from '../salesforce';
import {
  AGGREGATE_FUNCTIONS,
  DATE_FUNCTIONS,
  KNOWN_FUNCTIONS,
  pathText,
  type Comparison,
  type Condition,
  type FieldPath,
  type FunctionCall,
  type Identifier,
  type Literal,
  type Query,
  type Range,
  type SelectFields,
  type SelectSubquery,
  type SelectTypeof,
  type SemiJoin,
} from './ast';
import { lineColumnIndex, type Diagnostic } from './diagnostics';
import { parseSoql, type ParseResult } from './parser';
import { problems, type Problem } from './validate-messages';
import { NAME_OBJECT, ObjectViews, isPolymorphic, type ObjectView } from './validate-objects';

export interface ValidateOptions {
  /** The API version the query is sent with, e.g. '62.0' (the default). */
  apiVersion?: string;
}

export interface SoqlCheckDiagnostic {
  errorCode: string;
  message: string;
  /** 1-based, where the problem starts. */
  line: number;
  column: number;
}

export interface SoqlCheckResult {
  ok: boolean;
  diagnostics: SoqlCheckDiagnostic[];
}

export const DEFAULT_SOQL_API_VERSION = '62.0';

/** Hops per child-to-parent path: 5 levels counting the object the path starts from (§1.3). */
const MAX_PARENT_HOPS = 4;
const MAX_PARENT_RELATIONSHIPS = 55;
const MAX_SUBQUERIES = 20;
const MAX_SEMI_JOINS = 2;
const MAX_OFFSET = 2000;
const MAX_FIELDS_LIMIT = 200;
const MAX_ROLLUP_FIELDS = 3;
/** From API 58.0 a query may nest child subqueries four deep below the root (§1.4). */
const FIVE_LEVEL_SUBQUERIES_FROM = 58;
const FIELDS_FUNCTION_FROM = 51;

const AGGREGATES = new Set<string>(AGGREGATE_FUNCTIONS);
const DATE_FUNCTION_NAMES = new Set<string>(DATE_FUNCTIONS);
/** Types compared as text: what users type, and Ids. */
const STRING_TYPES: ReadonlySet<string> = new Set([...TEXT_TYPES, ...ID_TYPES]);

/**
 * Syntax diagnostics from the parse, then the semantic ones in source order. A query with
 * syntax errors is still checked as far as its partial tree goes.
 */
export function validateSoql(
  parsed: ParseResult | string,
  catalog: DescribeCatalog,
  options: ValidateOptions = {},
): Diagnostic[] {
  const result = typeof parsed === 'string' ? parseSoql(parsed) : parsed;
  const validator = new Validator(catalog, apiVersionNumber(options.apiVersion));
  validator.validateRoot(result.query);
  const semantic = validator.diagnostics
    .map((d, i) => ({ d, i }))
    .sort((a, b) => a.d.range.start - b.d.range.start || a.i - b.i)
    .map(({ d }) => d);
  return [...result.diagnostics, ...semantic];
}

/** The CLI's shape: ok plus every diagnostic with its 1-based line and column. */
export function checkSoql(
  text: string,
  catalog: DescribeCatalog,
  options: ValidateOptions = {},
): SoqlCheckResult {
  return checkResult(text, validateSoql(text, catalog, options));
}

/** Diagnostics of `text` in the CLI's shape. */
export function checkResult(text: string, diagnostics: Diagnostic[]): SoqlCheckResult {
  const positionOf = lineColumnIndex(text);
  return {
    ok: diagnostics.every((d) => d.severity !== 'error'),
    diagnostics: diagnostics.map((d) => ({
      errorCode: d.errorCode,
      message: d.message,
      ...positionOf(d.range.start),
    })),
  };
}

function apiVersionNumber(version: string | undefined): number {
  const n = Number.parseFloat(version ?? DEFAULT_SOQL_API_VERSION);
  return Number.isFinite(n) ? n : Number.parseFloat(DEFAULT_SOQL_API_VERSION);
}

// ---------------------------------------------------------------------------------------------

/** Where a field path starts resolving: an object (undefined: not described), key so far, hops. */
interface PathStart {
  object: ObjectView | undefined;
  key: string;
  hops: number;
}

interface Scope {
  id: number;
  kind: 'root' | 'child' | 'semi';
  /** Undefined when the object is unknown or not described: names under it go unchecked. */
  object: ObjectView | undefined;
  /** Lower-cased words that may prefix a field: the alias, the object or relationship name. */
  prefixes: Set<string>;
  /** `FROM Contact c, c.Account a`: each alias and where it points. */
  aliases: Map<string, PathStart>;
  /** Parent-to-child nesting: 0 for the root query. */
  level: number;
  /** The query this one is a child subquery of. */
  outer?: Query;
  inSemiJoin: boolean;
}

interface FieldRef {
  node: FieldPath;
  /** Lower-cased path below the scope's object, alias removed: compares grouped/selected fields. */
  key: string;
  status: 'ok' | 'unchecked' | 'error';
  field?: FieldDescribe;
  /** The object the field belongs to (for semi-join type matching). */
  object?: ObjectView;
}

interface CallInfo {
  aggregate: boolean;
  /** COUNT() without a field. */
  countAll: boolean;
  /** Fields used outside any aggregate function. */
  plain: FieldRef[];
  /** Fields inside an aggregate function. */
  aggregated: FieldRef[];
}

interface ConditionUse {
  clause: 'where' | 'having';
  semiJoins: number;
  plain: FieldRef[];
  plainCalls: { call: FunctionCall; info: CallInfo }[];
  aggregated: FieldRef[];
}

class Validator {
  readonly diagnostics: Diagnostic[] = [];
  private readonly views: ObjectViews;
  private readonly resolved = new WeakMap<FieldPath, FieldRef | null>();
  private readonly relationships = new Set<string>();
  private relationshipLimitReported = false;
  private subqueryCount = 0;
  private scopeCount = 0;

  constructor(
    catalog: DescribeCatalog,
    private readonly apiVersion: number,
  ) {
    this.views = new ObjectViews(catalog);
  }

  private report(problem: Problem, range: Range): void {
    this.diagnostics.push({ ...problem, range: { ...range }, severity: 'error' });
  }

  validateRoot(query: Query): void {
    this.validateQuery(query, this.objectScope(query, 'root', false));
  }

  // --- scopes ------------------------------------------------------------------------------

  /** A query whose FROM names an object: the root query or a semi-join's inner query. */
  private objectScope(query: Query, kind: 'root' | 'semi', inSemiJoin: boolean): Scope {
    const scope: Scope = {
      id: this.scopeCount++,
      kind,
      object: undefined,
      prefixes: new Set(),
      aliases: new Map(),
      level: 0,
      inSemiJoin,
    };
    const from = query.from;
    if (!from || from.name.name === '') return scope;
    scope.prefixes.add(from.name.name.toLowerCase());
    const found = this.views.lookup(from.name.name);
    if (found.kind === 'described') {
      scope.object = found.view;
      scope.prefixes.add(found.view.name.toLowerCase());
    } else if (found.kind === 'unknown') {
      this.report(problems.unknownObject(from.name.name), from.name.range);
    }
    if (from.alias) {
      scope.aliases.set(from.alias.name.toLowerCase(), { object: scope.object, key: '', hops: 0 });
    }
    for (const related of from.relatedAliases ?? []) {
      const [first, ...rest] = related.path.path;
      if (!first || first.name === '' || related.alias.name === '') continue;
      const start = scope.aliases.get(first.name.toLowerCase());
      if (!start) {
        this.report(problems.drivingObject(scope.object?.name ?? from.name.name), first.range);
        continue;
      }
      const end = this.followRelationships(rest, start, scope);
      if (end) scope.aliases.set(related.alias.name.toLowerCase(), end);
    }
    return scope;
  }

  private childScope(item: SelectSubquery, outer: Scope, outerQuery: Query): Scope {
    const query = item.query;
    const scope: Scope = {
      id: this.scopeCount++,
      kind: 'child',
      object: undefined,
      prefixes: new Set(),
      aliases: new Map(),
      level: outer.level + 1,
      outer: outerQuery,
      inSemiJoin: outer.inSemiJoin,
    };
    const name = query.from?.name;
    const at = name && name.name !== '' ? name.range : item.range;
    this.subqueryCount++;
    if (this.subqueryCount === MAX_SUBQUERIES + 1) {
      this.report(problems.tooManySubqueries(MAX_SUBQUERIES), at);
    }
    const maxLevel = this.apiVersion >= FIVE_LEVEL_SUBQUERIES_FROM ? 4 : 1;
    if (scope.level === maxLevel + 1) this.report(problems.childSubqueryTooDeep(maxLevel), at);
    if (!name || name.name === '') return scope;
    scope.prefixes.add(name.name.toLowerCase());
    if (outer.object) {
      const relationship = outer.object.childRelationship(name.name);
      if (!relationship) {
        this.report(problems.unknownChildRelationship(name.name), name.range);
      } else {
        scope.prefixes.add(relationship.childSObject.toLowerCase());
        const found = this.views.lookup(relationship.childSObject);
        if (found.kind === 'described') scope.object = found.view;
      }
    }
    const alias = query.from?.alias;
    if (alias)
      scope.aliases.set(alias.name.toLowerCase(), { object: scope.object, key: '', hops: 0 });
    return scope;
  }

  // --- names -------------------------------------------------------------------------------

  /** Walks relationship names from `start`; null when one is wrong (already reported). */
  private followRelationships(
    segments: Identifier[],
    start: PathStart,
    scope: Scope,
  ): PathStart | null {
    let { object, key, hops } = start;
    for (const segment of segments) {
      if (object) {
        const lookup = object.parentRelationship(segment.name);
        if (!lookup) {
          this.report(problems.unknownParentRelationship(segment.name), segment.range);
          return null;
        }
        object = this.views.target(lookup);
      }
      hops++;
      if (hops > MAX_PARENT_HOPS) {
        this.report(problems.parentPathTooDeep(), segment.range);
        return null;
      }
      key += segment.name.toLowerCase() + '.';
      this.countRelationship(`${scope.id}:${key}`, segment.range);
    }
    return { object, key, hops };
  }

  private countRelationship(key: string, range: Range): void {
    if (this.relationships.has(key)) return;
    this.relationships.add(key);
    if (this.relationships.size > MAX_PARENT_RELATIONSHIPS && !this.relationshipLimitReported) {
      this.relationshipLimitReported = true;
      this.report(problems.tooManyParentRelationships(MAX_PARENT_RELATIONSHIPS), range);
    }
  }

  /** Resolves a field path once (later calls return the same answer and report nothing). */
  private resolveField(node: FieldPath, scope: Scope): FieldRef | null {
    const known = this.resolved.get(node);
    if (known !== undefined) return known;
    const ref = this.resolveFieldOnce(node, scope);
    this.resolved.set(node, ref);
    return ref;
  }

  private resolveFieldOnce(node: FieldPath, scope: Scope): FieldRef | null {
    const segments = node.path;
    // A path still being typed (`Account.`): the parser has said so already.
    if (segments.length === 0 || segments.some((s) => s.name === '')) return null;
    let start: PathStart = { object: scope.object, key: '', hops: 0 };
    let from = 0;
    if (segments.length > 1) {
      const first = segments[0]!.name.toLowerCase();
      const aliased = scope.aliases.get(first);
      if (aliased) {
        start = aliased;
        from = 1;
      } else if (
        scope.prefixes.has(first) &&
        !(scope.object && scope.object.parentRelationship(first))
      ) {
        // `Contact.LastName` in FROM Contact, or `Contacts.LastName` in a Contacts subquery.
        from = 1;
      }
    }
    return this.resolveFrom(node, segments.slice(from), start, scope);
  }

  private resolveFrom(
    node: FieldPath,
    segments: Identifier[],
    start: PathStart,
    scope: Scope,
  ): FieldRef {
    const last = segments.at(-1)!;
    const end = this.followRelationships(segments.slice(0, -1), start, scope);
    const key = (end?.key ?? start.key + '?.') + last.name.toLowerCase();
    if (!end) return { node, key, status: 'error' };
    if (!end.object) return { node, key, status: 'unchecked' };
    const field = end.object.field(last.name);
    if (!field) {
      this.report(problems.unknownField(last.name, end.object.name), last.range);
      return { node, key, status: 'error' };
    }
    return { node, key, status: 'ok', field, object: end.object };
  }

  /** A stable text for a function call, to match SELECT items against GROUP BY items. */
  private callKey(call: FunctionCall, scope: Scope): string {
    const args = call.args.map((arg) => {
      if (arg.kind === 'field') return this.resolveField(arg, scope)?.key ?? '';
      if (arg.kind === 'call') return this.callKey(arg, scope);
      return 'raw' in arg ? arg.raw : arg.kind;
    });
    return `${call.name.name.toUpperCase()}(${args.join(',')})`;
  }

  // --- queries -----------------------------------------------------------------------------

  private validateQuery(query: Query, scope: Scope): void {
    const selected = new Set<string>();
    const plainFields: FieldRef[] = [];
    const plainCalls: { call: FunctionCall; info: CallInfo }[] = [];
    const aggregated: FieldRef[] = [];
    let aggregate = false;
    let countAll: FunctionCall | undefined;
    /** TYPEOF relationships of this SELECT list: lower-cased name -> name as written. */
    const typeofNames = new Map<string, string>();

    for (const item of query.select) {
      switch (item.kind) {
        case 'selectExpr': {
          const expr = item.expr;
          if (expr.kind === 'field') {
            const ref = this.resolveField(expr, scope);
            if (!ref) break;
            if (!item.alias) {
              if (selected.has(ref.key)) {
                this.report(problems.duplicateField(pathText(expr)), expr.range);
              } else {
                selected.add(ref.key);
              }
            }
            plainFields.push(ref);
          } else {
            const info = this.validateCall(expr, scope, 'select');
            if (info.countAll) countAll = expr;
            if (info.aggregate) {
              aggregate = true;
              aggregated.push(...info.aggregated);
            } else {
              plainCalls.push({ call: expr, info });
            }
          }
          break;
        }
        case 'selectSubquery':
          // SFDOC group-by considerations: no child subqueries in a GROUP BY query (§1.4).
          if (query.groupBy) this.report(problems.subqueryInGroupBy(), item.range);
          this.validateQuery(item.query, this.childScope(item, scope, query));
          break;
        case 'selectTypeof': {
          const name = this.validateTypeof(item, scope);
          if (name) typeofNames.set(name.toLowerCase(), name);
          break;
        }
        case 'selectFields':
          this.validateFieldsItem(item, query, scope, selected);
          break;
      }
    }

    if (countAll && query.select.length > 1) {
      this.report(problems.countNotAlone(), countAll.range);
    }

    // A TYPEOF relationship can't also be walked as a plain path in the same list (§1.5).
    if (typeofNames.size > 0) {
      for (const ref of [...plainFields, ...plainCalls.flatMap((c) => c.info.plain)]) {
        const dot = ref.key.indexOf('.');
        const name = dot > 0 ? typeofNames.get(ref.key.slice(0, dot)) : undefined;
        if (name && ref.status !== 'error') {
          this.report(problems.typeofAlsoSelected(name, pathText(ref.node)), ref.node.range);
        }
      }
    }

    if (scope.kind === 'child' && query.usingScope && query.usingScope.name !== '') {
      this.report(problems.subqueryUsingScope(), query.usingScope.range);
    }

    let whereUse: ConditionUse | undefined;
    if (query.where) {
      whereUse = newUse('where');
      this.validateCondition(query.where, scope, whereUse, true);
    }

    const groupKeys = new Set<string>();
    let groupByUnresolved = false;
    const groupBy = query.groupBy;
    if (groupBy) {
      groupBy.items.forEach((item, index) => {
        if (groupBy.type !== 'plain' && index === MAX_ROLLUP_FIELDS) {
          this.report(
            problems.tooManyRollupFields(groupBy.type === 'rollup' ? 'ROLLUP' : 'CUBE'),
            item.range,
          );
        }
        if (item.kind === 'field') {
          const ref = this.resolveField(item, scope);
          if (!ref || ref.status === 'error') groupByUnresolved = true;
          if (!ref) return;
          groupKeys.add(ref.key);
          if (ref.field?.groupable === false) {
            this.report(problems.notGroupable(ref.field.name), item.range);
          }
          return;
        }
        const info = this.validateCall(item, scope, 'group');
        if (info.aggregate) {
          const inner = info.aggregated[0];
          this.report(
            problems.groupedAndAggregated(inner ? fieldLabel(inner) : item.name.name),
            item.range,
          );
          return;
        }
        groupKeys.add(this.callKey(item, scope));
      });
    }

    let havingUse: ConditionUse | undefined;
    if (query.having) {
      havingUse = newUse('having');
      this.validateCondition(query.having, scope, havingUse, true);
      aggregated.push(...havingUse.aggregated);
    }

    const orderPlain: FieldRef[] = [];
    const orderCalls: { call: FunctionCall; info: CallInfo }[] = [];
    for (const item of query.orderBy ?? []) {
      const expr = item.expr;
      if (expr.kind === 'field') {
        const ref = this.resolveField(expr, scope);
        if (!ref) continue;
        orderPlain.push(ref);
        if (ref.field?.sortable === false) {
          this.report(problems.notSortable(ref.field.name), expr.range);
        }
      } else {
        const info = this.validateCall(expr, scope, 'order');
        if (info.aggregate) aggregated.push(...info.aggregated);
        else orderCalls.push({ call: expr, info });
      }
    }

    // Aggregate queries: every value must be grouped or aggregated (SFDOC group-by pages).
    // Names are resolved first, as the org does: with a GROUP BY item unknown, grouping is not
    // judged (its error would otherwise come first and hide the misspelt name).
    if ((aggregate || groupBy) && !groupByUnresolved && !(countAll && query.select.length > 1)) {
      const isGrouped = (ref: FieldRef) => ref.status === 'error' || groupKeys.has(ref.key);
      const checkPlain = (ref: FieldRef) => {
        if (!isGrouped(ref)) {
          this.report(problems.notGroupedOrAggregated(fieldLabel(ref)), ref.node.range);
        }
      };
      const checkCall = ({ call, info }: { call: FunctionCall; info: CallInfo }) => {
        if (groupKeys.has(this.callKey(call, scope))) return;
        const ungrouped = info.plain.find((ref) => !isGrouped(ref));
        if (ungrouped) {
          this.report(problems.notGroupedOrAggregated(fieldLabel(ungrouped)), call.range);
        }
      };
      // A date function in SELECT needs the same expression grouped, not just its field (§1.10).
      const checkSelectCall = (entry: { call: FunctionCall; info: CallInfo }) => {
        const call = entry.call;
        const dates = dateCalls(call);
        if (dates.length === 0 || groupKeys.has(this.callKey(call, scope))) {
          checkCall(entry);
          return;
        }
        const ungroupedDate = dates.find((d) => !groupKeys.has(this.callKey(d, scope)));
        const ref = ungroupedDate
          ? this.firstFieldRef(ungroupedDate, scope)
          : fieldsOutsideDateCalls(call)
              .map((f) => this.resolveField(f, scope))
              .find((r) => r !== null && !isGrouped(r));
        if (ref && ref.status !== 'error') {
          this.report(problems.notGroupedOrAggregated(fieldLabel(ref)), call.range);
        }
      };
      plainFields.forEach(checkPlain);
      plainCalls.forEach(checkSelectCall);
      orderPlain.forEach(checkPlain);
      orderCalls.forEach(checkCall);
      if (havingUse) {
        havingUse.plain.forEach(checkPlain);
        havingUse.plainCalls.forEach(checkCall);
      }
      for (const ref of aggregated) {
        if (ref.status !== 'error' && groupKeys.has(ref.key)) {
          this.report(problems.groupedAndAggregated(fieldLabel(ref)), ref.node.range);
        }
      }
    }

    // Without GROUP BY, a date function in SELECT is still an ungrouped value (§1.10).
    if (!aggregate && !groupBy) {
      for (const { call } of plainCalls) {
        const date = dateCalls(call)[0];
        const ref = date ? this.firstFieldRef(date, scope) : null;
        if (ref && ref.status !== 'error') {
          this.report(problems.notGroupedOrAggregated(fieldLabel(ref)), call.range);
        }
      }
    }

    if (aggregate && !countAll && !groupBy && query.limit) {
      this.report(problems.limitWithoutGroupBy(), query.limit.range);
    }

    // A semi-join's inner query: OFFSET is certain (SFDOC offset page); ORDER BY and LIMIT are
    // on the restrictions list SFDOC gives for semi-joins, taken as right (UNCONFIRMED, §1.8).
    if (scope.kind === 'semi') {
      const first = query.orderBy?.[0];
      if (first) this.report(problems.semiJoinClause('ORDER BY'), first.range);
      if (query.limit) this.report(problems.semiJoinClause('LIMIT'), query.limit.range);
      if (query.offset) this.report(problems.semiJoinClause('OFFSET'), query.offset.range);
    }

    if (query.offset) {
      if (query.offset.value > MAX_OFFSET) {
        this.report(problems.offsetTooLarge(), query.offset.range);
      }
      if (scope.kind === 'child' && scope.outer?.limit?.value !== 1) {
        this.report(problems.subqueryOffset(), query.offset.range);
      }
    }
  }

  private validateFieldsItem(
    item: SelectFields,
    query: Query,
    scope: Scope,
    selected: Set<string>,
  ): void {
    if (this.apiVersion < FIELDS_FUNCTION_FROM) {
      this.report(problems.fieldsApiVersion(), item.range);
    }
    const mode = item.mode;
    if (!mode) return;
    if (mode !== 'STANDARD' && (!query.limit || query.limit.value > MAX_FIELDS_LIMIT)) {
      this.report(problems.fieldsNeedsLimit(), item.range);
    }
    if (!scope.object) return;
    let duplicate: string | undefined;
    for (const field of scope.object.fields()) {
      if (mode === 'STANDARD' && field.custom) continue;
      if (mode === 'CUSTOM' && !field.custom) continue;
      const key = field.name.toLowerCase();
      if (selected.has(key)) duplicate ??= field.name;
      else selected.add(key);
    }
    if (duplicate) this.report(problems.duplicateField(duplicate), item.range);
  }

  /** Checks a TYPEOF item; returns its relationship name when that name is a valid one. */
  private validateTypeof(item: SelectTypeof, scope: Scope): string | undefined {
    const segments = item.field.path;
    if (segments.length !== 1 || segments[0]!.name === '') return undefined;
    const segment = segments[0]!;
    const key = segment.name.toLowerCase();
    if (!scope.object) return segment.name;
    const lookup = scope.object.parentRelationship(segment.name);
    if (!lookup) {
      this.report(problems.unknownParentRelationship(segment.name), segment.range);
      return undefined;
    }
    if (!isPolymorphic(lookup)) {
      this.report(problems.typeofNotPolymorphic(segment.name), segment.range);
      return undefined;
    }
    this.countRelationship(`${scope.id}:${key}.`, segment.range);
    for (const when of item.whens) {
      const type = when.objectType;
      if (!type || type.name === '') continue;
      const target = lookup.referenceTo.find((t) => t.toLowerCase() === type.name.toLowerCase());
      if (!target) {
        this.report(
          problems.typeofBadType(type.name, lookup.relationshipName ?? segment.name),
          type.range,
        );
        continue;
      }
      const typeKey = `${key}>${target.toLowerCase()}.`;
      this.countRelationship(`${scope.id}:${typeKey}`, type.range);
      const found = this.views.lookup(target);
      const start: PathStart = {
        object: found.kind === 'described' ? found.view : undefined,
        key: typeKey,
        hops: 1,
      };
      for (const field of when.fields) this.resolveBranchField(field, start, scope);
    }
    if (item.otherwise) {
      const start: PathStart = { object: NAME_OBJECT, key: `${key}.`, hops: 1 };
      for (const field of item.otherwise.fields) this.resolveBranchField(field, start, scope);
    }
    return segment.name;
  }

  /** The first field a call reads, resolved (null when there is none or it is incomplete). */
  private firstFieldRef(call: FunctionCall, scope: Scope): FieldRef | null {
    for (const arg of call.args) {
      if (arg.kind === 'field') return this.resolveField(arg, scope);
      if (arg.kind === 'call') {
        const ref = this.firstFieldRef(arg, scope);
        if (ref) return ref;
      }
    }
    return null;
  }

  private resolveBranchField(field: FieldPath, start: PathStart, scope: Scope): void {
    if (field.path.some((s) => s.name === '')) return;
    this.resolved.set(field, this.resolveFrom(field, field.path, start, scope));
  }

  // --- functions ---------------------------------------------------------------------------

  private validateCall(
    call: FunctionCall,
    scope: Scope,
    clause: 'select' | 'where' | 'having' | 'group' | 'order',
  ): CallInfo {
    const info: CallInfo = { aggregate: false, countAll: false, plain: [], aggregated: [] };
    const name = call.name.name.toUpperCase();
    if (name === '') return info;
    if (!KNOWN_FUNCTIONS.has(name)) {
      this.report(problems.unknownFunction(call.name.name), call.name.range);
      return info;
    }
    // convertCurrency() belongs to SELECT (and ORDER BY), never to a condition (§1.7, §1.11).
    if (name === 'CONVERTCURRENCY' && (clause === 'where' || clause === 'having')) {
      this.report(
        problems.convertCurrencyInCondition(clause === 'where' ? 'WHERE' : 'HAVING'),
        call.name.range,
      );
    }
    if (AGGREGATES.has(name)) {
      info.aggregate = true;
      if (clause === 'where')
        this.report(problems.aggregateInWhere(call.name.name), call.name.range);
      if (call.args.length === 0) {
        info.countAll = name === 'COUNT';
        return info;
      }
      for (const arg of call.args) {
        if (arg.kind === 'field') {
          const ref = this.resolveField(arg, scope);
          if (!ref) continue;
          info.aggregated.push(ref);
          const field = ref.field;
          if (!field) continue;
          const numericOnly = name === 'SUM' || name === 'AVG';
          if (field.aggregatable === false || (numericOnly && !NUMBER_TYPES.has(field.type))) {
            this.report(problems.notAggregatable(field.name, name), arg.range);
          }
        } else if (arg.kind === 'call') {
          const inner = this.validateCall(arg, scope, clause);
          info.aggregated.push(...inner.plain, ...inner.aggregated);
        }
      }
      return info;
    }
    for (const arg of call.args) {
      if (arg.kind === 'field') {
        const ref = this.resolveField(arg, scope);
        if (!ref) continue;
        info.plain.push(ref);
        if (clause === 'where' && ref.field?.filterable === false) {
          this.report(problems.notFilterable(ref.field.name), arg.range);
        }
      } else if (arg.kind === 'call') {
        const inner = this.validateCall(arg, scope, clause);
        info.aggregate ||= inner.aggregate;
        info.plain.push(...inner.plain);
        info.aggregated.push(...inner.aggregated);
      }
    }
    return info;
  }

  // --- conditions --------------------------------------------------------------------------

  private validateCondition(
    condition: Condition,
    scope: Scope,
    use: ConditionUse,
    topLevel: boolean,
  ): void {
    switch (condition.kind) {
      case 'compare':
        this.validateComparison(condition, scope, use, topLevel);
        return;
      case 'and':
        // The operands of a top-level AND chain are still top level; OR never is.
        for (const operand of condition.operands) {
          this.validateCondition(operand, scope, use, topLevel);
        }
        return;
      case 'or':
        for (const operand of condition.operands)
          this.validateCondition(operand, scope, use, false);
        return;
      case 'not':
        this.validateCondition(condition.operand, scope, use, false);
        return;
      case 'paren':
        this.validateCondition(condition.inner, scope, use, false);
        return;
    }
  }

  private validateComparison(
    comparison: Comparison,
    scope: Scope,
    use: ConditionUse,
    topLevel: boolean,
  ): void {
    const left = comparison.left;
    let ref: FieldRef | null = null;
    if (left.kind === 'field') {
      ref = this.resolveField(left, scope);
      if (ref) {
        use.plain.push(ref);
        if (use.clause === 'where' && ref.field?.filterable === false) {
          this.report(problems.notFilterable(ref.field.name), left.range);
        }
      }
    } else {
      const info = this.validateCall(left, scope, use.clause);
      if (info.aggregate) use.aggregated.push(...info.aggregated);
      else use.plainCalls.push({ call: left, info });
    }

    const right = comparison.right;
    if (!right) return;
    if (right.kind === 'semiJoin') {
      this.validateSemiJoin(comparison, right, ref, scope, use, topLevel);
      return;
    }
    const field = ref?.field;
    if (!field) return;
    const operator = comparison.operator;
    if (operator === 'LIKE' && !STRING_TYPES.has(field.type)) {
      this.report(problems.likeOnNonString(field.name), comparison.operatorRange);
      return;
    }
    if ((operator === 'INCLUDES' || operator === 'EXCLUDES') && field.type !== 'multipicklist') {
      this.report(problems.includesOnNonMultipicklist(field.name), comparison.operatorRange);
      return;
    }
    const values = right.kind === 'list' ? right.items : [right];
    for (const value of values) {
      const problem = valueProblem(field, value);
      if (problem) {
        this.report(problem, value.range);
        return;
      }
    }
  }

  private validateSemiJoin(
    comparison: Comparison,
    semiJoin: SemiJoin,
    left: FieldRef | null,
    scope: Scope,
    use: ConditionUse,
    topLevel: boolean,
  ): void {
    const at = semiJoin.query.range;
    use.semiJoins++;
    if (use.clause === 'where') {
      if (scope.inSemiJoin) this.report(problems.nestedSemiJoin(), at);
      else if (!topLevel) this.report(problems.semiJoinNotTopLevel(), at);
      if (use.semiJoins === MAX_SEMI_JOINS + 1) this.report(problems.tooManySemiJoins(), at);
    }

    // Left: one Id or reference field of the outer object, not a path or a function.
    const leftNode = comparison.left;
    const leftIsPlainField =
      left !== null &&
      left.status !== 'error' &&
      !left.key.includes('.') &&
      leftNode.kind === 'field';
    const incomplete = leftNode.kind === 'field' && left === null;
    const wrongType =
      left?.field !== undefined && left.field.type !== 'id' && left.field.type !== 'reference';
    if (!incomplete && left?.status !== 'error') {
      if (!leftIsPlainField || wrongType) {
        const text = leftNode.kind === 'field' ? pathText(leftNode) : leftNode.name.name;
        this.report(problems.semiJoinLeftOperand(text), leftNode.range);
      }
    }

    const inner = semiJoin.query;
    const innerScope = this.objectScope(inner, 'semi', true);
    this.validateQuery(inner, innerScope);

    const items = inner.select;
    const only = items[0];
    if (items.length !== 1 || !only || only.kind !== 'selectExpr' || only.expr.kind !== 'field') {
      const offending = items[1] ?? items[0];
      if (offending) this.report(problems.semiJoinSelect(), offending.range);
      return;
    }
    const innerRef = this.resolveField(only.expr, innerScope);
    const innerField = innerRef?.field;
    if (!innerRef || !innerField) return;
    if (innerField.type !== 'id' && innerField.type !== 'reference') {
      this.report(problems.semiJoinSelectField(pathText(only.expr)), only.expr.range);
      return;
    }
    const outerField = leftIsPlainField && !wrongType ? left?.field : undefined;
    if (!outerField || !left?.object || !innerRef.object) return;
    const outerTargets = idTargets(outerField, left.object.name);
    const innerTargets = idTargets(innerField, innerRef.object.name);
    const lower = new Set(outerTargets.map((t) => t.toLowerCase()));
    if (!innerTargets.some((t) => lower.has(t.toLowerCase()))) {
      this.report(
        problems.semiJoinMismatch(
          pathText(only.expr),
          innerTargets.join(', ') || 'nothing',
          pathText(leftNode as FieldPath),
          outerTargets.join(', ') || 'nothing',
        ),
        only.expr.range,
      );
    }
  }
}

function newUse(clause: 'where' | 'having'): ConditionUse {
  return { clause, semiJoins: 0, plain: [], plainCalls: [], aggregated: [] };
}

/** The date-function calls in `call` (itself included), outermost ones only. */
function dateCalls(call: FunctionCall): FunctionCall[] {
  if (DATE_FUNCTION_NAMES.has(call.name.name.toUpperCase())) return [call];
  return call.args.flatMap((arg) => (arg.kind === 'call' ? dateCalls(arg) : []));
}

/** The fields `call` reads outside any date function. */
function fieldsOutsideDateCalls(call: FunctionCall): FieldPath[] {
  return call.args.flatMap((arg) => {
    if (arg.kind === 'field') return [arg];
    if (arg.kind === 'call' && !DATE_FUNCTION_NAMES.has(arg.name.name.toUpperCase())) {
      return fieldsOutsideDateCalls(arg);
    }
    return [];
  });
}

function fieldLabel(ref: FieldRef): string {
  return ref.field?.name ?? ref.node.path.at(-1)?.name ?? '';
}

/** The objects whose ids a field holds: its own object for Id, the targets for a lookup. */
function idTargets(field: FieldDescribe, owner: string): string[] {
  return field.type === 'id' ? [owner] : field.referenceTo;
}

type ValueKind = 'string' | 'number' | 'boolean' | 'date' | 'datetime';

function valueKind(type: string): ValueKind | undefined {
  if (STRING_TYPES.has(type)) return 'string';
  if (NUMBER_TYPES.has(type)) return 'number';
  if (type === 'boolean' || type === 'date' || type === 'datetime') return type;
  return undefined;
}

/** Type names as the org's filter messages print them (UNCONFIRMED beyond `date`). */
function typeName(type: string): string {
  switch (type) {
    case 'id':
    case 'reference':
      return 'id';
    case 'datetime':
      return 'dateTime';
    case 'currency':
    case 'percent':
      return 'double';
    default:
      return STRING_TYPES.has(type) ? 'string' : type;
  }
}

/** Whether a literal fits the field it is compared with; the problem when it does not. */
function valueProblem(field: FieldDescribe, value: Literal): Problem | undefined {
  const kind = valueKind(field.type);
  if (!kind) return undefined;
  let fits: boolean;
  switch (value.kind) {
    case 'null':
    case 'bind':
      return undefined;
    case 'string':
      fits = kind === 'string';
      break;
    case 'number':
    case 'currency':
      fits = kind === 'number';
      break;
    case 'boolean':
      fits = kind === 'boolean';
      break;
    case 'date':
      fits = kind === 'date';
      break;
    case 'datetime':
      fits = kind === 'datetime';
      break;
    case 'dateLiteral':
      fits = kind === 'date' || kind === 'datetime';
      break;
  }
  if (fits) return undefined;
  const quoting = value.kind === 'string' ? 'quoted' : kind === 'string' ? 'needs quotes' : 'plain';
  return problems.valueType(field.name, typeName(field.type), quoting);
}
