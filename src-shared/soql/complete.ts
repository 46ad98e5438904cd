// SOQL completion: what may be typed at the cursor, from the clause and the item being written
// there, filled from describe metadata. Context rules follow Salesforce's own language server
// (reference soql.md §4.2): WHERE offers filterable fields, GROUP BY groupable ones (selected but
// not yet grouped first), ORDER BY sortable ones, aggregates aggregatable ones; a child subquery's
// FROM offers the parent's child relationships, a semi-join's FROM offers objects and its SELECT
// Id/reference fields; a value position offers literals by the field's type.
import { TEXT_TYPES, type DescribeCatalog, type FieldDescribe } from '../salesforce';
import { isAggregateCall, pathText, type Condition, type Query, type Range } from './ast';
import {
  AGGREGATE_FUNCTION_CANDIDATES,
  BOOLEAN_VALUES,
  candidate,
  CONVERT_CURRENCY,
  CONVERT_TIMEZONE,
  COUNT_ROWS,
  DATE_FUNCTION_CANDIDATES,
  DATE_LITERAL_CANDIDATES,
  DISTANCE,
  FIELDS_FUNCTIONS,
  FIELDS_MODES,
  fieldPathCandidate,
  followRelationship,
  FORMAT,
  functionArgumentFilter,
  GEOLOCATION,
  GROUPING,
  isAggregateName,
  isDateLike,
  isIdOrReference,
  isPicklist,
  NULL_VALUE,
  objectListCandidates,
  picklistCandidates,
  quoteSoqlString,
  resolveField,
  ROLLUP_CUBE,
  targetOf,
  TO_LABEL,
  nameObjectCandidates,
  type Candidate,
  type CompletionKind,
  type FieldFilter,
  type Target,
} from './complete-candidates';
import {
  CLAUSE_RANK,
  clausesAfter,
  cursorContext,
  findFrom,
  isWordToken,
  queryOf,
  type Clause,
  type CursorContext,
  type Frame,
  type Item,
} from './complete-context';
import { parseSoql } from './parser';

export type { CompletionKind } from './complete-candidates';

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  /** Type and label, e.g. "picklist · Industry". */
  detail?: string;
  /**
   * Text to insert when it differs from the label. For kind 'snippet' it is in snippet syntax
   * (`${1:n}` placeholders, as Monaco and VS Code read them); for every other kind it is plain.
   */
  insertText?: string;
  /** The text the item replaces: the partial word (or string) at the cursor, or empty there. */
  range: Range;
  /** Orders items as ranked here (prefix matches first, then contains matches). */
  sortText?: string;
}

const MAX_ITEMS = 200;

/** Candidates in the order they should be shown; `filter` applies to field candidates only. */
interface Group {
  items: readonly Candidate[];
  filter?: FieldFilter;
  /** Labels to leave out (values already written in an IN list). */
  exclude?: ReadonlySet<string>;
}

export function completeSoql(
  text: string,
  offset: number,
  catalog: DescribeCatalog,
): CompletionItem[] {
  const at = Math.max(0, Math.min(Number.isFinite(offset) ? Math.trunc(offset) : 0, text.length));
  const { query, tokens } = parseSoql(text);
  const context = cursorContext(text, tokens, at);
  if (context.inLiteral) return [];
  const groups = new Completion(context, catalog, query).groups();
  return rank(groups, context.partial, context.range);
}

function rank(groups: Group[], partial: string, range: Range): CompletionItem[] {
  const wanted = partial.toLowerCase();
  const prefix: Candidate[] = [];
  const contains: Candidate[] = [];
  const seen = new Set<string>();
  outer: for (const group of groups) {
    for (const c of group.items) {
      const position = wanted ? c.match.indexOf(wanted) : 0;
      if (position < 0) continue;
      if (group.filter && c.kind === 'field' && c.field && !group.filter(c.field)) continue;
      if (group.exclude?.has(c.label)) continue;
      const key = `${c.kind}\u0000${c.label}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (position === 0) {
        prefix.push(c);
        if (prefix.length >= MAX_ITEMS) break outer;
      } else if (contains.length < MAX_ITEMS) contains.push(c);
    }
  }
  return [...prefix, ...contains].slice(0, MAX_ITEMS).map((c, i) => {
    const item: CompletionItem = { label: c.label, kind: c.kind, range: { ...range } };
    if (c.detail !== undefined) item.detail = c.detail;
    if (c.insertText !== undefined) item.insertText = c.insertText;
    item.sortText = String(i).padStart(4, '0');
    return item;
  });
}

// --- keywords ----------------------------------------------------------------------------------

function keyword(label: string, insertText?: string, detail?: string): Candidate {
  return candidate(label, 'keyword', detail, insertText);
}

function keywords(...labels: string[]): Group {
  return { items: labels.map((l) => keyword(l)) };
}

const SELECT_KEYWORD = keyword('SELECT');
const SELECT_SNIPPET = candidate('SELECT … FROM …', 'snippet', 'query', 'SELECT ${1:Id} FROM ${2}');
const SUBQUERY_SNIPPET = candidate(
  '(SELECT … FROM …)',
  'snippet',
  'child relationship subquery',
  '(SELECT ${1:Id} FROM ${2})',
);
const TYPEOF_KEYWORD = keyword('TYPEOF', undefined, 'fields by the type of a polymorphic lookup');
const NOT_KEYWORD = keyword('NOT');

/** Next clauses by rank (reference soql.md §1.1); FOR/UPDATE forms are written out whole. */
const ROOT_CLAUSES: [number, Candidate][] = [
  [1, keyword('USING SCOPE')],
  [2, keyword('WHERE')],
  [3, keyword('WITH')],
  [4, keyword('GROUP BY')],
  [5, keyword('HAVING')],
  [6, keyword('ORDER BY')],
  [7, keyword('LIMIT')],
  [8, keyword('OFFSET')],
  [9, keyword('FOR VIEW')],
  [9, keyword('FOR REFERENCE')],
  [9, keyword('FOR UPDATE')],
  [10, keyword('UPDATE TRACKING')],
  [10, keyword('UPDATE VIEWSTAT')],
];
const CHILD_CLAUSE_RANKS = new Set([2, 6, 7, 8]);
const SEMI_CLAUSE_RANKS = new Set([2]);

const WITH_MODES = keywords('SECURITY_ENFORCED', 'USER_MODE', 'SYSTEM_MODE', 'DATA CATEGORY');
// USING SCOPE values as SFDOC lists them; the exact set per org is UNCONFIRMED.
const SCOPES = keywords(
  'delegated',
  'everything',
  'mine',
  'mine_and_my_groups',
  'my_territory',
  'my_team_territory',
  'scopingRule',
  'team',
);

const OPERATORS: Record<string, Candidate> = {
  '=': keyword('='),
  '!=': keyword('!='),
  '<': keyword('<'),
  '<=': keyword('<='),
  '>': keyword('>'),
  '>=': keyword('>='),
  LIKE: keyword('LIKE'),
  IN: keyword('IN', 'IN ('),
  'NOT IN': keyword('NOT IN', 'NOT IN ('),
  INCLUDES: keyword('INCLUDES', 'INCLUDES ('),
  EXCLUDES: keyword('EXCLUDES', 'EXCLUDES ('),
};

function operatorsFor(field: FieldDescribe | undefined, isCall: boolean): string[] {
  const relational = ['=', '!=', '<', '<=', '>', '>='];
  if (isCall) return [...relational, 'IN', 'NOT IN'];
  if (!field) return Object.keys(OPERATORS);
  if (field.type === 'boolean') return ['=', '!='];
  if (field.type === 'multipicklist') return ['=', '!=', 'INCLUDES', 'EXCLUDES'];
  if (field.type === 'picklist') return ['=', '!=', 'IN', 'NOT IN', 'LIKE'];
  if (field.type === 'id' || field.type === 'reference') return ['=', '!=', 'IN', 'NOT IN'];
  if (TEXT_TYPES.has(field.type)) return [...relational, 'LIKE', 'IN', 'NOT IN'];
  return [...relational, 'IN', 'NOT IN'];
}

// --- reading the item being written ------------------------------------------------------------

type Expr =
  | { kind: 'path'; names: string[]; dangling: boolean }
  | { kind: 'call'; name: string; frame: Frame };

/** A field path or function call at the start of `items`, and where it ends. */
function readExpr(items: Item[], from = 0): { expr: Expr; next: number } | undefined {
  const first = items[from];
  if (first?.kind !== 'token' || first.token.type !== 'word') return undefined;
  const after = items[from + 1];
  if (after?.kind === 'group' && after.frame.type === 'call') {
    return { expr: { kind: 'call', name: first.token.upper, frame: after.frame }, next: from + 2 };
  }
  const names = [first.token.text];
  let i = from + 1;
  let dangling = false;
  for (;;) {
    const dot = items[i];
    if (dot?.kind !== 'token' || dot.token.type !== 'punct' || dot.token.text !== '.') break;
    const name = items[i + 1];
    if (name?.kind === 'token' && name.token.type === 'word') {
      names.push(name.token.text);
      i += 2;
    } else {
      dangling = true;
      i += 1;
      break;
    }
  }
  return { expr: { kind: 'path', names, dangling }, next: i };
}

function itemToken(item: Item | undefined) {
  return item?.kind === 'token' ? item.token : undefined;
}

/** The comparison operator at `items[from]` (NOT IN takes two tokens). */
function readOperator(items: Item[], from: number): { op: string; next: number } | undefined {
  const t = itemToken(items[from]);
  if (!t) return undefined;
  if (t.type === 'punct' && ['=', '!=', '<>', '<', '<=', '>', '>='].includes(t.text)) {
    return { op: t.text === '<>' ? '!=' : t.text, next: from + 1 };
  }
  if (t.type !== 'word') return undefined;
  if (t.upper === 'NOT' && isWordToken(itemToken(items[from + 1]), 'IN'))
    return { op: 'NOT IN', next: from + 2 };
  if (['LIKE', 'IN', 'INCLUDES', 'EXCLUDES'].includes(t.upper))
    return { op: t.upper, next: from + 1 };
  return undefined;
}

/** Whether `items` is one whole value: a literal, `LAST_N_DAYS:30`, or a closed list/subquery. */
function isCompleteValue(items: Item[]): boolean {
  const first = items[0];
  if (!first) return false;
  if (first.kind === 'group') return items.length === 1;
  const t = first.token;
  if (['string', 'number', 'date', 'datetime'].includes(t.type)) return items.length === 1;
  if (t.type === 'word') {
    if (items.length === 1) return true;
    const colon = itemToken(items[1]);
    return items.length === 3 && colon?.text === ':' && itemToken(items[2])?.type === 'number';
  }
  return t.type === 'punct' && t.text === ':' && items.length === 2; // an Apex bind, as written
}

/** A string literal written in a list, normalised to the quoting completion would insert. */
function writtenValues(lists: Item[][]): Set<string> {
  const used = new Set<string>();
  for (const items of lists) {
    for (const item of items) {
      const t = itemToken(item);
      if (t?.type === 'string' && t.value !== undefined) used.add(quoteSoqlString(t.value));
    }
  }
  return used;
}

// --- the completion of one call -----------------------------------------------------------------

interface LeftSide {
  field?: FieldDescribe;
  /** Compared through toLabel(): picklist labels, not values. */
  labels: boolean;
  /** A function other than toLabel (a date function, an aggregate). */
  isCall: boolean;
}

class Completion {
  private readonly targets = new Map<Frame, Target | undefined>();

  constructor(
    private readonly context: CursorContext,
    private readonly catalog: DescribeCatalog,
    private readonly ast: Query,
  ) {}

  groups(): Group[] {
    const { frame } = this.context;
    const q = queryOf(frame);
    if (this.context.inString) return this.valuesInString(frame, q);
    if (q.clause === 'NONE') {
      if (frame !== q && frame.type !== 'group') return [];
      return q.role === 'root'
        ? [{ items: [SELECT_KEYWORD, SELECT_SNIPPET] }]
        : [{ items: [SELECT_KEYWORD] }];
    }
    switch (frame.type) {
      case 'call':
        return this.inCall(frame, q);
      case 'list':
        return frame.segment.length === 0 ? this.inList(frame) : [];
      case 'group':
        if (q.clause === 'WHERE' || q.clause === 'HAVING') return this.condition(frame, q);
        if (q.clause === 'SELECT' && frame.segment.length === 0)
          return [{ items: [SELECT_KEYWORD] }];
        return [];
      case 'query':
        return this.inQuery(q);
    }
  }

  // --- objects of queries ---------------------------------------------------------------------

  /** The object a query frame reads: FROM's object, or for a child subquery its relationship's. */
  private objectOf(q: Frame): Target | undefined {
    if (this.targets.has(q)) return this.targets.get(q);
    this.targets.set(q, undefined); // guards against a cycle while resolving
    let target: Target | undefined;
    const from = findFrom(this.context.tokens, q);
    if (from) {
      if (q.role === 'child') {
        const parent = q.parent ? this.objectOf(queryOf(q.parent)) : undefined;
        const relationship = parent?.describe
          ? this.catalog.childRelationship(parent.describe.name, from.name)
          : undefined;
        if (relationship) target = targetOf(this.catalog.describe(relationship.childSObject));
      } else {
        target = targetOf(this.catalog.describe(from.name));
      }
    }
    this.targets.set(q, target);
    return target;
  }

  /**
   * Drops a leading name that means the query's own object: its alias (`c.Name`), or in a
   * subquery the relationship or object name (`Contacts.LastName`, `Contact.LastName`).
   */
  private ownPath(q: Frame, target: Target, names: string[]): string[] {
    const first = names[0]?.toLowerCase();
    if (first === undefined || names.length < 2 || !target.describe) return names;
    if (this.catalog.parentRelationship(target.describe.name, first)) return names;
    const from = findFrom(this.context.tokens, q);
    const own = [from?.alias, from?.name, target.describe.name].map((n) => n?.toLowerCase());
    return own.includes(first) ? names.slice(1) : names;
  }

  /** Fields (and relationships) behind `Rel.Rel.` — the members of the object the path reaches. */
  private pathMembers(
    q: Frame,
    names: string[],
    filter?: FieldFilter,
    withRelationships = true,
  ): Group[] {
    const base = this.objectOf(q);
    if (!base) return [];
    let target: Target | undefined = base;
    for (const name of this.ownPath(q, base, [...names, ''])) {
      if (name === '') break;
      target = followRelationship(this.catalog, target, name);
      if (!target) return [];
    }
    // Four hops are certainly legal; whether a fifth is accepted is UNCONFIRMED (soql.md §1.3),
    // so relationships stop being offered once four have been taken.
    const relationships = withRelationships && target.hops < 4;
    return [
      {
        items: relationships ? target.candidates.fieldsAndRelationships : target.candidates.fields,
        filter,
      },
    ];
  }

  private fieldOf(q: Frame, names: string[]): FieldDescribe | undefined {
    const target = this.objectOf(q);
    if (!target) return undefined;
    return resolveField(this.catalog, target, this.ownPath(q, target, names));
  }

  private leftSide(q: Frame, expr: Expr): LeftSide {
    if (expr.kind === 'path')
      return { field: this.fieldOf(q, expr.names), labels: false, isCall: false };
    if (expr.name === 'TOLABEL') {
      const inner = readExpr(expr.frame.args[0] ?? []);
      const field = inner?.expr.kind === 'path' ? this.fieldOf(q, inner.expr.names) : undefined;
      return { field, labels: true, isCall: false };
    }
    return { labels: false, isCall: true };
  }

  // --- the AST, for what the tokens before the cursor cannot tell -------------------------------

  private astOf(q: Frame): Query | undefined {
    const select = this.context.tokens[q.selectIndex];
    return select ? findAstQuery(this.ast, select.start) : undefined;
  }

  private isAggregateQuery(q: Frame): boolean {
    const query = this.astOf(q);
    if (!query) return false;
    return (
      !!query.groupBy ||
      query.select.some((s) => s.kind === 'selectExpr' && isAggregateCall(s.expr))
    );
  }

  /** Field paths written in GROUP BY, except the one being typed at the cursor. */
  private groupedPaths(q: Frame): string[] {
    const cursor = this.context.range;
    const items = this.astOf(q)?.groupBy?.items ?? [];
    return items
      .filter(
        (e) => e.kind === 'field' && !(e.range.start <= cursor.end && e.range.end >= cursor.start),
      )
      .map((e) => (e.kind === 'field' ? pathText(e) : ''))
      .filter((p) => p !== '' && !p.endsWith('.'));
  }

  private pathCandidates(q: Frame, paths: string[]): Candidate[] {
    const out: Candidate[] = [];
    for (const path of paths) {
      const field = this.fieldOf(q, path.split('.'));
      if (field) out.push(fieldPathCandidate(path, field));
    }
    return out;
  }

  // --- by clause -------------------------------------------------------------------------------

  private inQuery(q: Frame): Group[] {
    const seg = q.segment;
    switch (q.clause) {
      case 'SELECT':
        return q.typeofTokens ? this.typeof(q, q.typeofTokens) : this.selectItem(q);
      case 'FROM':
        return this.fromClause(q);
      case 'USING':
        if (q.pending) return [keywords('SCOPE')];
        return seg.length === 0 ? [SCOPES] : this.nextClauses(q);
      case 'WHERE':
      case 'HAVING':
        return this.condition(q, q);
      case 'WITH':
        return seg.length === 0 ? [WITH_MODES] : this.nextClauses(q);
      case 'GROUP':
        return q.pending ? [keywords('BY')] : this.groupBy(q);
      case 'ORDER':
        return q.pending ? [keywords('BY')] : this.orderBy(q);
      case 'LIMIT':
      case 'OFFSET':
        return itemToken(seg[0])?.type === 'number' && seg.length === 1 ? this.nextClauses(q) : [];
      case 'FOR':
        return seg.length === 0 ? [keywords('VIEW', 'REFERENCE', 'UPDATE')] : this.nextClauses(q);
      case 'UPDATE':
        return seg.length === 0 ? [keywords('TRACKING', 'VIEWSTAT')] : [];
      default:
        return [];
    }
  }

  /** Clauses that may follow the current one and precede any written after the cursor. */
  private nextClauses(q: Frame): Group[] {
    const current = CLAUSE_RANK[q.clause];
    const { minRank } = clausesAfter(this.context.tokens, this.context.afterIndex);
    const allowed =
      q.role === 'child' ? CHILD_CLAUSE_RANKS : q.role === 'semi' ? SEMI_CLAUSE_RANKS : undefined;
    const items = ROOT_CLAUSES.filter(
      ([r, c]) =>
        r > current &&
        r < minRank &&
        (!allowed || allowed.has(r)) &&
        (c.label !== 'HAVING' || q.clause === 'GROUP'),
    ).map(([, c]) => c);
    return [{ items }];
  }

  private selectItem(q: Frame): Group[] {
    const seg = q.segment;
    if (seg.length === 0) return this.selectStart(q);
    const read = readExpr(seg);
    if (read && read.expr.kind === 'path' && read.expr.dangling && read.next === seg.length) {
      const semi = q.role === 'semi';
      return this.pathMembers(q, read.expr.names, semi ? isIdOrReference : undefined, !semi);
    }
    // After a whole item: the FROM, unless one is already written further on.
    return clausesAfter(this.context.tokens, this.context.afterIndex).from
      ? []
      : [keywords('FROM')];
  }

  private selectStart(q: Frame): Group[] {
    const target = this.objectOf(q);
    const groups: Group[] = [];
    if (q.role === 'semi') {
      if (target) groups.push(...this.semiJoinFields(q, target));
      return groups;
    }
    if (target) groups.push({ items: target.candidates.fieldsAndRelationships });
    const functions: Candidate[] = [];
    if (q.role === 'root') {
      if (q.segmentStart === 'clause') functions.push(COUNT_ROWS);
      functions.push(...AGGREGATE_FUNCTION_CANDIDATES, ...DATE_FUNCTION_CANDIDATES);
    }
    functions.push(TO_LABEL, FORMAT, CONVERT_CURRENCY);
    if (q.role === 'root') functions.push(GROUPING, DISTANCE);
    functions.push(...FIELDS_FUNCTIONS);
    groups.push({ items: functions });
    const more: Candidate[] = [];
    if (!target || target.candidates.polymorphic.length > 0) more.push(TYPEOF_KEYWORD);
    if (!target || target.candidates.children.length > 0) more.push(SUBQUERY_SNIPPET);
    groups.push({ items: more });
    return groups;
  }

  /** A semi-join returns one Id or reference field; those pointing at the outer field's object first. */
  private semiJoinFields(q: Frame, target: Target): Group[] {
    const outer = q.parent ? queryOf(q.parent) : undefined;
    const read = readExpr(q.comparison ?? []);
    const outerField =
      outer && read?.expr.kind === 'path' ? this.fieldOf(outer, read.expr.names) : undefined;
    const outerObject = outer ? this.objectOf(outer)?.describe?.name : undefined;
    const wanted = new Set(
      (outerField?.type === 'id' ? [outerObject ?? ''] : (outerField?.referenceTo ?? [])).map((n) =>
        n.toLowerCase(),
      ),
    );
    const own = target.describe?.name.toLowerCase() ?? '';
    const preferred = target.candidates.fields.filter((c) => {
      const f = c.field;
      if (!f) return false;
      if (f.type === 'id') return wanted.has(own);
      return f.type === 'reference' && f.referenceTo.some((r) => wanted.has(r.toLowerCase()));
    });
    return [{ items: preferred }, { items: target.candidates.fields, filter: isIdOrReference }];
  }

  private typeof(q: Frame, written: CursorContext['tokens']): Group[] {
    const target = this.objectOf(q);
    const relName = written[0];
    if (!relName) return target ? [{ items: target.candidates.polymorphic }] : [];
    const lookup = target?.describe
      ? this.catalog.parentRelationship(target.describe.name, relName.text)
      : undefined;
    let state: 'afterRel' | 'type' | 'then' | 'field' | 'dot' | 'afterField' = 'afterRel';
    let branch: string | null = null; // null: ELSE
    let hasElse = false;
    const used = new Set<string>();
    let names: string[] = [];
    for (const t of written.slice(1)) {
      const word = t.type === 'word' ? t.upper : '';
      if (word === 'WHEN' && state !== 'type') state = 'type';
      else if (word === 'THEN' && state === 'then') state = 'field';
      else if (word === 'ELSE' && state !== 'type') {
        state = 'field';
        branch = null;
        hasElse = true;
      } else if (t.type === 'word' && state === 'type') {
        branch = t.text;
        used.add(t.text.toLowerCase());
        state = 'then';
      } else if (t.type === 'word' && state === 'field') {
        names = [t.text];
        state = 'afterField';
      } else if (t.type === 'word' && state === 'dot') {
        names.push(t.text);
        state = 'afterField';
      } else if (t.text === '.' && state === 'afterField') state = 'dot';
      else if (t.text === ',' && state === 'afterField') state = 'field';
    }
    const branchTarget = (): Target | undefined => {
      if (branch === null) return { candidates: nameObjectCandidates(this.catalog), hops: 1 };
      return targetOf(this.catalog.describe(branch));
    };
    switch (state) {
      case 'afterRel':
        return [keywords('WHEN')];
      case 'type': {
        const types = (lookup?.referenceTo ?? []).filter((name) => !used.has(name.toLowerCase()));
        return [
          {
            items: types.map((name) => {
              const label = this.catalog.describe(name)?.label;
              return candidate(name, 'object', label ? `object · ${label}` : 'object');
            }),
          },
        ];
      }
      case 'then':
        return [keywords('THEN')];
      case 'field': {
        const t = branchTarget();
        return t
          ? [{ items: branch === null ? t.candidates.fields : t.candidates.fieldsAndRelationships }]
          : [];
      }
      case 'dot': {
        let t = branchTarget();
        for (const name of names) t = t && followRelationship(this.catalog, t, name);
        return t ? [{ items: t.candidates.fieldsAndRelationships }] : [];
      }
      case 'afterField':
        return [hasElse ? keywords('END') : keywords('WHEN', 'ELSE', 'END')];
    }
  }

  private fromClause(q: Frame): Group[] {
    const seg = q.segment;
    if (seg.length === 0) {
      if (q.role !== 'child') return [{ items: objectListCandidates(this.catalog) }];
      const parent = q.parent ? this.objectOf(queryOf(q.parent)) : undefined;
      return parent ? [{ items: parent.candidates.children }] : [];
    }
    const allWords = seg.every((i) => itemToken(i)?.type === 'word');
    return allWords && seg.length <= 2 ? this.nextClauses(q) : [];
  }

  /** Inside a function's parentheses: the fields it accepts, or FIELDS' modes. */
  private inCall(frame: Frame, q: Frame): Group[] {
    const name = frame.callName ?? '';
    const seg = frame.segment;
    if (name === 'FIELDS')
      return seg.length === 0 && frame.args.length === 0 ? [{ items: FIELDS_MODES }] : [];
    if (name === 'DISTANCE' && frame.args.length > 0) {
      if (seg.length > 0) return [];
      return frame.args.length === 1
        ? [{ items: [GEOLOCATION] }]
        : [
            {
              items: [
                candidate("'mi'", 'value', 'miles'),
                candidate("'km'", 'value', 'kilometres'),
              ],
            },
          ];
    }
    if (name === 'GEOLOCATION') return [];
    const own = functionArgumentFilter(name);
    const clause = isAggregateName(name) ? undefined : clauseFilter(q.clause);
    const filter = both(own, clause);
    if (seg.length === 0) {
      if (frame.args.length > 0) return [];
      const target = this.objectOf(q);
      const groups: Group[] = target
        ? [{ items: target.candidates.fieldsAndRelationships, filter }]
        : [];
      if (DATE_FUNCTION_CANDIDATES.some((c) => c.label === name))
        groups.push({ items: [CONVERT_TIMEZONE] });
      if (name === 'FORMAT')
        groups.push({ items: [...AGGREGATE_FUNCTION_CANDIDATES, CONVERT_CURRENCY] });
      return groups;
    }
    const read = readExpr(seg);
    if (read && read.expr.kind === 'path' && read.expr.dangling && read.next === seg.length) {
      return this.pathMembers(q, read.expr.names, filter);
    }
    return [];
  }

  // --- conditions --------------------------------------------------------------------------------

  private condition(frame: Frame, q: Frame): Group[] {
    const seg = frame.segment;
    const having = q.clause === 'HAVING';
    if (seg.length === 0) {
      const groups: Group[] = [];
      const target = this.objectOf(q);
      if (having) {
        const grouped = this.pathCandidates(q, this.groupedPaths(q));
        groups.push({ items: AGGREGATE_FUNCTION_CANDIDATES });
        if (grouped.length > 0) groups.push({ items: grouped });
        else if (target)
          groups.push({ items: target.candidates.fields, filter: (f) => f.groupable });
      } else {
        if (target)
          groups.push({
            items: target.candidates.fieldsAndRelationships,
            filter: (f) => f.filterable,
          });
        groups.push({ items: [...DATE_FUNCTION_CANDIDATES, TO_LABEL, DISTANCE] });
      }
      if (frame.segmentStart === 'clause' || frame.segmentStart === 'open')
        groups.push({ items: [NOT_KEYWORD] });
      return groups;
    }
    const read = readExpr(seg);
    if (!read) return [];
    if (read.expr.kind === 'path' && read.expr.dangling) {
      return read.next === seg.length
        ? this.pathMembers(q, read.expr.names, (f) => f.filterable)
        : [];
    }
    const left = this.leftSide(q, read.expr);
    if (read.next === seg.length) {
      return [{ items: operatorsFor(left.field, left.isCall).map((op) => OPERATORS[op]!) }];
    }
    if (read.next === seg.length - 1 && isWordToken(itemToken(seg[read.next]), 'NOT')) {
      return [{ items: [OPERATORS['NOT IN']!] }];
    }
    const operator = readOperator(seg, read.next);
    if (!operator) return [];
    const value = seg.slice(operator.next);
    if (value.length === 0) {
      if (['IN', 'NOT IN', 'INCLUDES', 'EXCLUDES'].includes(operator.op)) return [];
      return this.values(left, operator.op, new Set());
    }
    if (!isCompleteValue(value)) return [];
    const logical = frame.logicalOp ? keywords(frame.logicalOp) : keywords('AND', 'OR');
    return frame === q ? [logical, ...this.nextClauses(q)] : [logical];
  }

  private values(
    left: LeftSide,
    op: string,
    used: ReadonlySet<string>,
    quotedOnly = false,
  ): Group[] {
    const groups: Group[] = [];
    const field = left.field;
    const equality = op === '=' || op === '!=';
    if (
      field &&
      isPicklist(field) &&
      (equality || ['IN', 'NOT IN', 'INCLUDES', 'EXCLUDES'].includes(op))
    ) {
      groups.push({ items: picklistCandidates(field, left.labels), exclude: used });
    }
    if (quotedOnly) return groups;
    if (field?.type === 'boolean' && equality) groups.push({ items: BOOLEAN_VALUES });
    if (field && isDateLike(field) && !['LIKE', 'INCLUDES', 'EXCLUDES'].includes(op)) {
      groups.push({ items: DATE_LITERAL_CANDIDATES });
    }
    if (equality && field?.type !== 'boolean' && !left.isCall) groups.push({ items: NULL_VALUE });
    if (!field && !left.isCall && equality) groups.push({ items: BOOLEAN_VALUES });
    return groups;
  }

  /** The comparison an IN list belongs to: its left side and operator. */
  private listComparison(frame: Frame, q: Frame): { left: LeftSide; op: string } | undefined {
    const items = frame.comparison ?? [];
    const read = readExpr(items);
    if (!read) return undefined;
    const operator = readOperator(items, read.next);
    if (!operator) return undefined;
    return { left: this.leftSide(q, read.expr), op: operator.op };
  }

  private inList(frame: Frame): Group[] {
    const q = queryOf(frame);
    const comparison = this.listComparison(frame, q);
    if (!comparison) return [];
    const groups = this.values(comparison.left, comparison.op, writtenValues(frame.args));
    const field = comparison.left.field;
    const semiJoinable =
      (comparison.op === 'IN' || comparison.op === 'NOT IN') && (!field || isIdOrReference(field));
    if (frame.args.length === 0 && semiJoinable && q.clause === 'WHERE') {
      groups.unshift({ items: [SELECT_KEYWORD] });
    }
    return groups;
  }

  /** Inside quotes: picklist values only, replacing the whole string. */
  private valuesInString(frame: Frame, q: Frame): Group[] {
    if (frame.type === 'list') {
      const comparison = this.listComparison(frame, q);
      if (!comparison || frame.segment.length > 0) return [];
      return this.values(comparison.left, comparison.op, writtenValues(frame.args), true);
    }
    if (frame.type !== 'query' && frame.type !== 'group') return [];
    if (q.clause !== 'WHERE' && q.clause !== 'HAVING') return [];
    const seg = frame.segment;
    const read = readExpr(seg);
    if (!read) return [];
    const operator = readOperator(seg, read.next);
    if (!operator || operator.next !== seg.length) return [];
    return this.values(this.leftSide(q, read.expr), operator.op, new Set(), true);
  }

  // --- GROUP BY / ORDER BY ---------------------------------------------------------------------

  private groupBy(q: Frame): Group[] {
    const seg = q.segment;
    const target = this.objectOf(q);
    const groupable: FieldFilter = (f) => f.groupable;
    if (seg.length === 0) {
      const groups: Group[] = [];
      // Selected but not yet grouped fields first: they must be grouped for the query to run.
      const grouped = new Set(this.groupedPaths(q).map((p) => p.toLowerCase()));
      const selected = (this.astOf(q)?.select ?? [])
        .flatMap((s) =>
          s.kind === 'selectExpr' && s.expr.kind === 'field' ? [pathText(s.expr)] : [],
        )
        .filter((p) => p !== '' && !p.endsWith('.') && !grouped.has(p.toLowerCase()));
      groups.push({ items: this.pathCandidates(q, selected), filter: groupable });
      if (target)
        groups.push({ items: target.candidates.fieldsAndRelationships, filter: groupable });
      groups.push({ items: DATE_FUNCTION_CANDIDATES });
      if (q.segmentStart === 'by') groups.push({ items: ROLLUP_CUBE });
      return groups;
    }
    const read = readExpr(seg);
    if (!read) return [];
    if (read.expr.kind === 'path' && read.expr.dangling) {
      return read.next === seg.length ? this.pathMembers(q, read.expr.names, groupable) : [];
    }
    return read.next === seg.length ? this.nextClauses(q) : [];
  }

  private orderBy(q: Frame): Group[] {
    const seg = q.segment;
    const sortable: FieldFilter = (f) => f.sortable;
    if (seg.length === 0) {
      const target = this.objectOf(q);
      const groups: Group[] = [];
      if (target)
        groups.push({ items: target.candidates.fieldsAndRelationships, filter: sortable });
      const functions = [...DATE_FUNCTION_CANDIDATES, DISTANCE];
      if (this.isAggregateQuery(q)) functions.unshift(...AGGREGATE_FUNCTION_CANDIDATES);
      groups.push({ items: functions });
      return groups;
    }
    const read = readExpr(seg);
    if (!read) return [];
    if (read.expr.kind === 'path' && read.expr.dangling) {
      return read.next === seg.length ? this.pathMembers(q, read.expr.names, sortable) : [];
    }
    const rest = seg.slice(read.next).map((i) => itemToken(i)?.upper ?? '?');
    const nulls = keywords('NULLS FIRST', 'NULLS LAST');
    const tail = rest.join(' ');
    if (tail === '') return [keywords('ASC', 'DESC'), nulls, ...this.nextClauses(q)];
    if (tail === 'ASC' || tail === 'DESC') return [nulls, ...this.nextClauses(q)];
    if (tail === 'NULLS' || tail.endsWith(' NULLS')) return [keywords('FIRST', 'LAST')];
    if (/^((ASC|DESC) )?NULLS (FIRST|LAST)$/.test(tail)) return this.nextClauses(q);
    return [];
  }
}

function clauseFilter(clause: Clause): FieldFilter | undefined {
  switch (clause) {
    case 'WHERE':
      return (f) => f.filterable;
    case 'GROUP':
    case 'HAVING':
      return (f) => f.groupable;
    case 'ORDER':
      return (f) => f.sortable;
    default:
      return undefined;
  }
}

function both(a: FieldFilter | undefined, b: FieldFilter | undefined): FieldFilter | undefined {
  if (!a) return b;
  if (!b) return a;
  return (f) => a(f) && b(f);
}

/** The query (root, subquery or semi-join) whose SELECT starts at `start`. */
function findAstQuery(query: Query, start: number): Query | undefined {
  if (query.range.start === start) return query;
  for (const item of query.select) {
    if (item.kind !== 'selectSubquery') continue;
    const found = findAstQuery(item.query, start);
    if (found) return found;
  }
  return findInCondition(query.where, start) ?? findInCondition(query.having, start);
}

function findInCondition(condition: Condition | undefined, start: number): Query | undefined {
  if (!condition) return undefined;
  switch (condition.kind) {
    case 'compare':
      return condition.right?.kind === 'semiJoin'
        ? findAstQuery(condition.right.query, start)
        : undefined;
    case 'and':
    case 'or':
      for (const operand of condition.operands) {
        const found = findInCondition(operand, start);
        if (found) return found;
      }
      return undefined;
    case 'not':
      return findInCondition(condition.operand, start);
    case 'paren':
      return findInCondition(condition.inner, start);
  }
}
