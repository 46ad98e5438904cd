// The SOQL syntax tree. Every node carries its source range (offsets into the query text,
// end exclusive), so diagnostics, completion and hover can point at it. A broken query still
// yields a tree: a missing name is an Identifier with an empty `name` and an empty range at the
// place it was expected, and a clause the parser could not read is left out (with a diagnostic).

export interface Range {
  start: number;
  end: number;
}

export interface Identifier {
  kind: 'identifier';
  /** As written (case kept); empty when the parser expected a name and found none. */
  name: string;
  range: Range;
}

/** `Name`, `Account.Owner.Name`, `a.Name` (alias prefix): one or more dotted identifiers. */
export interface FieldPath {
  kind: 'field';
  path: Identifier[];
  range: Range;
}

/** `COUNT(Id)`, `CALENDAR_YEAR(CreatedDate)`, `toLabel(Status)`, `DISTANCE(...)`, `COUNT()`. */
export interface FunctionCall {
  kind: 'call';
  name: Identifier;
  args: FunctionArg[];
  range: Range;
}

export type FunctionArg = FieldPath | FunctionCall | Literal;

/** Something that yields a value for one row: a field or a function of fields. */
export type ValueExpr = FieldPath | FunctionCall;

// ---------------------------------------------------------------------------------------------
// SELECT

/** A field or function in the SELECT list, with its alias when one is written. */
export interface SelectExpr {
  kind: 'selectExpr';
  expr: ValueExpr;
  alias?: Identifier;
  range: Range;
}

/** A parent-to-child subquery: `(SELECT … FROM Contacts …)`. */
export interface SelectSubquery {
  kind: 'selectSubquery';
  query: Query;
  range: Range;
}

export interface TypeofBranch {
  /** The object type after WHEN; undefined for the ELSE branch. */
  objectType?: Identifier;
  fields: FieldPath[];
  range: Range;
}

/** `TYPEOF What WHEN Account THEN Name, Phone ELSE Name END`. */
export interface SelectTypeof {
  kind: 'selectTypeof';
  field: FieldPath;
  whens: TypeofBranch[];
  otherwise?: TypeofBranch;
  range: Range;
}

export type FieldsMode = 'ALL' | 'STANDARD' | 'CUSTOM';

/** `FIELDS(ALL)`, `FIELDS(STANDARD)`, `FIELDS(CUSTOM)`. */
export interface SelectFields {
  kind: 'selectFields';
  mode: FieldsMode | null;
  range: Range;
}

export type SelectItem = SelectExpr | SelectSubquery | SelectTypeof | SelectFields;

// ---------------------------------------------------------------------------------------------
// Literals

export interface StringLiteral {
  kind: 'string';
  /** The value with escapes resolved. */
  value: string;
  /** The text as written, quotes included. */
  raw: string;
  range: Range;
}

export interface NumberLiteral {
  kind: 'number';
  value: number;
  raw: string;
  range: Range;
}

/** `USD5000`, `EUR12.50` — a currency amount with an ISO code (multi-currency orgs). */
export interface CurrencyLiteral {
  kind: 'currency';
  currency: string;
  value: number;
  raw: string;
  range: Range;
}

export interface BooleanLiteral {
  kind: 'boolean';
  value: boolean;
  range: Range;
}

export interface NullLiteral {
  kind: 'null';
  range: Range;
}

/** `2024-01-31` (unquoted). */
export interface DateValue {
  kind: 'date';
  raw: string;
  range: Range;
}

/** `2024-01-31T10:00:00Z`, `2024-01-31T10:00:00.000+02:00`. */
export interface DateTimeValue {
  kind: 'datetime';
  raw: string;
  range: Range;
}

/** `TODAY`, `LAST_N_DAYS:30`: a range of time relative to now. */
export interface DateLiteral {
  kind: 'dateLiteral';
  /** Upper-cased name: TODAY, LAST_N_DAYS, … */
  name: string;
  /** The `:n` of parametric literals. */
  n?: number;
  range: Range;
}

/** `:name` — Apex only; kept in the tree so the validator can say so. */
export interface BindVariable {
  kind: 'bind';
  name: string;
  range: Range;
}

export type Literal =
  | StringLiteral
  | NumberLiteral
  | CurrencyLiteral
  | BooleanLiteral
  | NullLiteral
  | DateValue
  | DateTimeValue
  | DateLiteral
  | BindVariable;

export interface LiteralList {
  kind: 'list';
  items: Literal[];
  range: Range;
}

/** A semi-join or anti-join: `Id IN (SELECT AccountId FROM Contact)`. */
export interface SemiJoin {
  kind: 'semiJoin';
  query: Query;
  range: Range;
}

// ---------------------------------------------------------------------------------------------
// Conditions (WHERE and HAVING)

export type ComparisonOperator =
  '=' | '!=' | '<>' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'IN' | 'NOT IN' | 'INCLUDES' | 'EXCLUDES';

export interface Comparison {
  kind: 'compare';
  left: ValueExpr;
  operator: ComparisonOperator;
  operatorRange: Range;
  /** Undefined when the query ends before the value (mid-typing). */
  right?: Literal | LiteralList | SemiJoin;
  range: Range;
}

/** A chain of one operator: `a AND b AND c`. Mixing AND and OR needs parentheses. */
export interface LogicalCondition {
  kind: 'and' | 'or';
  operands: Condition[];
  range: Range;
}

export interface NotCondition {
  kind: 'not';
  operand: Condition;
  range: Range;
}

/** Parentheses as written; kept so the formatter reproduces them and rules can see nesting. */
export interface ParenCondition {
  kind: 'paren';
  inner: Condition;
  range: Range;
}

export type Condition = Comparison | LogicalCondition | NotCondition | ParenCondition;

// ---------------------------------------------------------------------------------------------
// Clauses

export interface FromClause {
  /** The object (root query) or child relationship name (subquery). */
  name: Identifier;
  alias?: Identifier;
  /** The rare alias form `FROM Contact c, c.Account a`: parent paths given aliases. */
  relatedAliases?: { path: FieldPath; alias: Identifier }[];
  range: Range;
}

export type WithMode = 'SECURITY_ENFORCED' | 'USER_MODE' | 'SYSTEM_MODE' | 'DATA CATEGORY';

export interface WithClause {
  mode: WithMode;
  /** The raw text of a DATA CATEGORY filter; not interpreted. */
  text?: string;
  range: Range;
}

export interface GroupByClause {
  /** `plain` for `GROUP BY a, b`; `rollup`/`cube` for `GROUP BY ROLLUP(a, b)`. */
  type: 'plain' | 'rollup' | 'cube';
  items: ValueExpr[];
  range: Range;
}

export interface OrderByItem {
  expr: ValueExpr;
  direction?: 'ASC' | 'DESC';
  nulls?: 'FIRST' | 'LAST';
  range: Range;
}

export type ForMode = 'VIEW' | 'REFERENCE' | 'UPDATE';
export type UpdateMode = 'TRACKING' | 'VIEWSTAT';

export interface Query {
  kind: 'query';
  select: SelectItem[];
  /** Where the SELECT list is, including an empty one (for completion). */
  selectRange: Range;
  from?: FromClause;
  usingScope?: Identifier;
  where?: Condition;
  with?: WithClause;
  groupBy?: GroupByClause;
  having?: Condition;
  orderBy?: OrderByItem[];
  limit?: NumberLiteral;
  offset?: NumberLiteral;
  forModes?: ForMode[];
  update?: UpdateMode;
  range: Range;
}

export type Node =
  | Query
  | SelectItem
  | FieldPath
  | FunctionCall
  | Identifier
  | Literal
  | LiteralList
  | SemiJoin
  | Condition;

/** Aggregate functions: they make a query an aggregate query. */
export const AGGREGATE_FUNCTIONS = ['AVG', 'COUNT', 'COUNT_DISTINCT', 'MIN', 'MAX', 'SUM'] as const;

/** Date functions: usable in WHERE, GROUP BY, ORDER BY and (grouped) SELECT. */
export const DATE_FUNCTIONS = [
  'CALENDAR_MONTH',
  'CALENDAR_QUARTER',
  'CALENDAR_YEAR',
  'DAY_IN_MONTH',
  'DAY_IN_WEEK',
  'DAY_IN_YEAR',
  'DAY_ONLY',
  'FISCAL_MONTH',
  'FISCAL_QUARTER',
  'FISCAL_YEAR',
  'HOUR_IN_DAY',
  'WEEK_IN_MONTH',
  'WEEK_IN_YEAR',
] as const;

/** Every function the grammar knows, upper-cased. */
export const KNOWN_FUNCTIONS = new Set<string>([
  ...AGGREGATE_FUNCTIONS,
  ...DATE_FUNCTIONS,
  'CONVERTTIMEZONE',
  'CONVERTCURRENCY',
  'TOLABEL',
  'FORMAT',
  'GROUPING',
  'DISTANCE',
  'GEOLOCATION',
]);

export function isAggregateCall(expr: ValueExpr | FunctionArg): boolean {
  return (
    expr.kind === 'call' &&
    (AGGREGATE_FUNCTIONS as readonly string[]).includes(expr.name.name.toUpperCase())
  );
}

/** The dotted text of a field path: `Account.Owner.Name`. */
export function pathText(field: FieldPath): string {
  return field.path.map((p) => p.name).join('.');
}
