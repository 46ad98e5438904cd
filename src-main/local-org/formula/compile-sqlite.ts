// Compiles a formula (parse.ts) to one SQLite expression over a record's row. Formula fields
// become columns of the object's VIEW and validation rules run as SQL against the row about to
// be saved, so everything a formula reads is reached from the row: its own columns directly,
// parent fields through correlated subqueries, other formula fields by inlining their SQL.
//
// Values as stored: text; booleans 0/1; numbers REAL/INTEGER; dates 'YYYY-MM-DD'; datetimes
// 'YYYY-MM-DDTHH:MM:SS.sssZ' (UTC), so dates and datetimes compare correctly as text.
// A view definition cannot hold parameters, so text literals are written as SQL literals with
// quotes doubled, and identifiers are double-quoted with quotes doubled.

import { quoteIdentifier } from '../../../src-shared/soql';
import type { OrgField, OrgObject, OrgSchema } from '../schema/model';
import { FormulaError, parseFormula, type FormulaNode } from './parse';

export interface FormulaScope {
  /** The object the formula belongs to. */
  object: OrgObject;
  schema: OrgSchema;
  /** SQL that names the row's table/view alias, e.g. 't'. Columns are quoted field names. */
  rowAlias: string;
  /** The SQL table that holds an object's stored columns (e.g. `"data_Account"`). */
  tableOf(objectName: string): string;
}

export type FormulaType = 'text' | 'number' | 'boolean' | 'date' | 'datetime';

export interface CompiledFormula {
  /** One SQL expression; booleans are 0/1 and never NULL, blank text is NULL. */
  sql: string;
  type: FormulaType;
  /** Every field the SQL reads or inlines (lookups followed included), in first-use order. */
  references: Array<{ object: string; field: string }>;
}

/** How deep formula fields may refer to formula fields. */
export const MAX_FORMULA_NESTING = 10;

type ValueKind = FormulaType | 'picklist' | 'multipicklist' | 'null';

interface Typed {
  sql: string;
  kind: ValueKind;
  /** The field reference as written, when the value is one (for picklist messages). */
  written?: string;
}

const KIND_NAMES: Record<ValueKind, string> = {
  text: 'Text',
  number: 'Number',
  boolean: 'Boolean',
  date: 'Date',
  datetime: 'Date/Time',
  picklist: 'Picklist',
  multipicklist: 'Multi-Select Picklist',
  null: 'Null',
};

const FIELD_KINDS: Readonly<Record<string, ValueKind>> = {
  id: 'text',
  reference: 'text',
  string: 'text',
  textarea: 'text',
  email: 'text',
  phone: 'text',
  url: 'text',
  combobox: 'text',
  encryptedstring: 'text',
  picklist: 'picklist',
  multipicklist: 'multipicklist',
  boolean: 'boolean',
  int: 'number',
  long: 'number',
  double: 'number',
  currency: 'number',
  percent: 'number',
  date: 'date',
  datetime: 'datetime',
};

const DATETIME_FORMAT = `'%Y-%m-%dT%H:%M:%fZ'`;

/** Compiles a formula for reading (a view column). Throws FormulaError. */
export function compileFormula(text: string, scope: FormulaScope): CompiledFormula {
  const compilation = new Compilation(scope);
  const result = compilation.formulaValue(text, scope.object, scope.rowAlias, []);
  return { sql: result.sql, type: result.type, references: compilation.references };
}

/** Compiles a validation rule's condition: a boolean formula, 1 when the record is refused. */
export function compileValidationCondition(text: string, scope: FormulaScope): CompiledFormula {
  const compiled = compileFormula(text, scope);
  if (compiled.type !== 'boolean') {
    throw new FormulaError(
      text,
      `a validation rule's condition must give TRUE or FALSE, but this one gives ` +
        `${KIND_NAMES[compiled.type]}; compare it with something, e.g. ISBLANK(...) or ... > 0`,
      1,
    );
  }
  return compiled;
}

export function sqlTextLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Per-call state: alias numbering and the fields read, shared by inlined formulas. */
class Compilation {
  readonly references: Array<{ object: string; field: string }> = [];
  private readonly seen = new Set<string>();
  private aliasCount = 0;

  constructor(private readonly scope: FormulaScope) {}

  alias(prefix: string): string {
    let name: string;
    do name = `${prefix}${++this.aliasCount}`;
    while (name === this.scope.rowAlias);
    return name;
  }

  reference(object: OrgObject, field: OrgField): void {
    const key = `${object.name}.${field.name}`.toLowerCase();
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.references.push({ object: object.name, field: field.name });
  }

  /**
   * A formula's value over `object`'s row named `rowAlias`, as a formula field gives it (the
   * top formula, or one inlined); `stack`: the formula fields being inlined, outermost first.
   */
  formulaValue(
    formula: string,
    object: OrgObject,
    rowAlias: string,
    stack: string[],
  ): { sql: string; type: FormulaType } {
    const walk = new FormulaWalk(this, this.scope, formula, object, rowAlias, stack);
    const result = walk.node(parseFormula(formula));
    switch (result.kind) {
      case 'picklist':
      case 'multipicklist':
        throw new FormulaError(
          formula,
          `a formula cannot give a picklist value; wrap it in TEXT(${result.written ?? '...'})`,
          1,
        );
      case 'null':
        return { sql: result.sql, type: 'text' };
      case 'text':
        // Salesforce never holds empty text: a blank text result reads as null.
        return { sql: `NULLIF(${result.sql}, '')`, type: 'text' };
      case 'boolean':
        // A checkbox is never blank; a condition over blank values counts as false.
        return { sql: `COALESCE(${result.sql}, 0)`, type: 'boolean' };
      default:
        return { sql: result.sql, type: result.kind };
    }
  }
}

/** Compiles the nodes of one formula text (the top one, or an inlined formula field's). */
class FormulaWalk {
  constructor(
    private readonly compilation: Compilation,
    private readonly scope: FormulaScope,
    private readonly formula: string,
    private readonly object: OrgObject,
    private readonly rowAlias: string,
    private readonly stack: string[],
  ) {}

  private fail(detail: string, column: number): never {
    throw new FormulaError(this.formula, detail, column);
  }

  /** Checks a value's type; NULL fits anywhere. `what`: "operator '<'" or "function 'LEN()'". */
  private expect(value: Typed, allowed: readonly ValueKind[], what: string, column: number): void {
    if (value.kind === 'null' || allowed.includes(value.kind)) return;
    if ((value.kind === 'picklist' || value.kind === 'multipicklist') && value.written) {
      const name = value.written;
      this.fail(
        `Field ${name} is a picklist field. Picklist fields are only supported in certain ` +
          `functions: use ISPICKVAL(${name}, 'value'), TEXT(${name}) or ISBLANK(${name})`,
        column,
      );
    }
    const expected = allowed.map((kind) => KIND_NAMES[kind]).join(' or ');
    this.fail(
      `Incorrect parameter type for ${what}. Expected ${expected}, received ${KIND_NAMES[value.kind]}`,
      column,
    );
  }

  /** Two values that must share a type (IF branches, BLANKVALUE, MIN/MAX): the common kind. */
  private unify(values: Typed[], allowed: readonly ValueKind[], what: string, column: number) {
    let kind: ValueKind = 'null';
    for (const value of values) {
      this.expect(value, kind === 'null' ? allowed : [kind], what, column);
      if (value.kind !== 'null') kind = value.kind;
    }
    return kind;
  }

  node(node: FormulaNode): Typed {
    switch (node.kind) {
      case 'number':
        return { sql: node.text.startsWith('.') ? `0${node.text}` : node.text, kind: 'number' };
      case 'text':
        return { sql: sqlTextLiteral(node.value), kind: 'text' };
      case 'boolean':
        return { sql: node.value ? '1' : '0', kind: 'boolean' };
      case 'null':
        return { sql: 'NULL', kind: 'null' };
      case 'field':
        return this.field(node.path, node.column);
      case 'unary': {
        const operand = this.node(node.operand);
        if (node.operator === '-') {
          this.expect(operand, ['number'], "operator '-'", node.column);
          return { sql: `(-${operand.sql})`, kind: 'number' };
        }
        this.expect(operand, ['boolean'], "function 'NOT()'", node.column);
        return { sql: `(NOT ${operand.sql})`, kind: 'boolean' };
      }
      case 'binary':
        return this.binary(node);
      case 'call':
        return this.call(node.name, node.args, node.column);
    }
  }

  private binary(node: Extract<FormulaNode, { kind: 'binary' }>): Typed {
    const left = this.node(node.left);
    const right = this.node(node.right);
    const what = `operator '${node.written}'`;
    const column = node.column;
    const op = node.operator;
    const l = left.kind;
    const r = right.kind;
    switch (op) {
      case '&&':
      case '||':
        this.expect(left, ['boolean'], what, column);
        this.expect(right, ['boolean'], what, column);
        return { sql: `(${left.sql} ${op === '&&' ? 'AND' : 'OR'} ${right.sql})`, kind: 'boolean' };
      case '&':
        this.expect(left, ['text'], what, column);
        this.expect(right, ['text'], what, column);
        return { sql: concat(left.sql, right.sql), kind: 'text' };
      case '*':
      case '/': {
        this.expect(left, ['number'], what, column);
        this.expect(right, ['number'], what, column);
        // REAL division: SQLite divides integers as integers (7 / 2 = 3).
        const sql =
          op === '*'
            ? `(${left.sql} * ${right.sql})`
            : `(CAST(${left.sql} AS REAL) / ${right.sql})`;
        return { sql, kind: 'number' };
      }
      case '+':
      case '-': {
        if (op === '+' && (l === 'text' || r === 'text')) {
          // Salesforce lets + join text as & does.
          this.expect(left, ['text'], what, column);
          this.expect(right, ['text'], what, column);
          return { sql: concat(left.sql, right.sql), kind: 'text' };
        }
        if (l === 'date' || l === 'datetime') {
          if (op === '-' && r === l)
            return { sql: dayDifference(left.sql, right.sql), kind: 'number' };
          this.expect(right, op === '-' ? ['number', l] : ['number'], what, column);
          return { sql: shiftByDays(left, right.sql, op), kind: l };
        }
        if (op === '+' && (r === 'date' || r === 'datetime')) {
          this.expect(left, ['number'], what, column);
          return { sql: shiftByDays(right, left.sql, '+'), kind: r };
        }
        this.expect(left, ['number'], what, column);
        this.expect(right, ['number'], what, column);
        return { sql: `(${left.sql} ${op} ${right.sql})`, kind: 'number' };
      }
      default:
        return this.comparison(op, left, right, what, column);
    }
  }

  private comparison(op: string, left: Typed, right: Typed, what: string, column: number): Typed {
    const equality = op === '=' || op === '!=';
    const comparable: ValueKind[] = equality
      ? ['number', 'text', 'date', 'datetime', 'boolean']
      : ['number', 'text', 'date', 'datetime'];
    this.expect(left, comparable, what, column);
    this.expect(right, left.kind === 'null' ? comparable : [left.kind], what, column);
    const kind = left.kind === 'null' ? right.kind : left.kind;
    if (equality && (left.kind === 'null' || right.kind === 'null')) {
      // `X = NULL` asks whether X is blank, as in Salesforce.
      const other = left.kind === 'null' ? right : left;
      const blank = isBlank(other.sql, other.kind);
      return { sql: op === '=' ? blank : `(NOT ${blank})`, kind: 'boolean' };
    }
    if (kind === 'text') {
      // Blank text is '' in Salesforce comparisons; = on text is case-sensitive there as here.
      const sqlOp = op === '!=' ? '<>' : op;
      return {
        sql: `(COALESCE(${left.sql}, '') ${sqlOp} COALESCE(${right.sql}, ''))`,
        kind: 'boolean',
      };
    }
    if (equality) {
      // UNCONFIRMED: Salesforce's result for `blank = 5` / `blank != 5`; we say false / true
      // (IS / IS NOT) rather than leave it unknown.
      const sqlOp = op === '=' ? 'IS' : 'IS NOT';
      return { sql: `(${left.sql} ${sqlOp} ${right.sql})`, kind: 'boolean' };
    }
    // A blank operand makes the result NULL, which counts as false.
    return { sql: `(${left.sql} ${op} ${right.sql})`, kind: 'boolean' };
  }

  private call(name: string, argNodes: FormulaNode[], column: number): Typed {
    const args = argNodes.map((arg) => this.node(arg));
    const what = `function '${name}()'`;
    const arg = (index: number, allowed: readonly ValueKind[]): string => {
      const value = args[index];
      if (value === undefined)
        return this.fail(`${name}() is missing parameter ${index + 1}`, column);
      this.expect(value, allowed, what, argNodes[index]?.column ?? column);
      return value.sql;
    };
    const first = args[0] ?? { sql: 'NULL', kind: 'null' as const };
    switch (name) {
      case 'AND':
      case 'OR': {
        const parts = args.map((_, i) => arg(i, ['boolean']));
        return { sql: `(${parts.join(name === 'AND' ? ' AND ' : ' OR ')})`, kind: 'boolean' };
      }
      case 'NOT':
        return { sql: `(NOT ${arg(0, ['boolean'])})`, kind: 'boolean' };
      case 'IF': {
        const condition = arg(0, ['boolean']);
        const branches = args.slice(1);
        const kind = this.unify(
          branches,
          ['number', 'text', 'boolean', 'date', 'datetime'],
          what,
          column,
        );
        return {
          sql: `(CASE WHEN ${condition} THEN ${args[1]?.sql} ELSE ${args[2]?.sql} END)`,
          kind,
        };
      }
      case 'ISBLANK':
        return { sql: isBlank(first.sql, first.kind), kind: 'boolean' };
      case 'ISNULL':
        // Salesforce: text is never null, so ISNULL on text is always false (use ISBLANK).
        arg(0, ['number', 'text', 'boolean', 'date', 'datetime']);
        return { sql: first.kind === 'text' ? '0' : `(${first.sql} IS NULL)`, kind: 'boolean' };
      case 'BLANKVALUE': {
        const kind = this.unify(
          args,
          ['number', 'text', 'boolean', 'date', 'datetime'],
          what,
          column,
        );
        const [value, fallback] = [args[0]?.sql, args[1]?.sql];
        const sql =
          kind === 'text'
            ? `(CASE WHEN COALESCE(${value}, '') = '' THEN ${fallback} ELSE ${value} END)`
            : `COALESCE(${value}, ${fallback})`;
        return { sql, kind };
      }
      case 'ISPICKVAL': {
        if (first.kind !== 'picklist') {
          this.fail(
            `Incorrect parameter type for function 'ISPICKVAL()'. Expected Picklist, received ` +
              `${KIND_NAMES[first.kind]}; the first parameter must be a picklist field`,
            argNodes[0]?.column ?? column,
          );
        }
        const value = arg(1, ['text']);
        return { sql: `(COALESCE(${first.sql}, '') = COALESCE(${value}, ''))`, kind: 'boolean' };
      }
      case 'TEXT':
        return { sql: this.text(first, arg), kind: 'text' };
      case 'VALUE':
        return { sql: this.value(arg(0, ['text'])), kind: 'number' };
      case 'LEN':
        return { sql: `length(COALESCE(${arg(0, ['text'])}, ''))`, kind: 'number' };
      case 'UPPER':
      case 'LOWER':
      case 'TRIM':
        // SQLite's upper/lower change ASCII letters only; Salesforce's follow the locale.
        return { sql: `${name.toLowerCase()}(${arg(0, ['text'])})`, kind: 'text' };
      case 'LEFT': {
        const [textSql, count] = [arg(0, ['text']), arg(1, ['number'])];
        return { sql: `substr(${textSql}, 1, max(CAST(${count} AS INTEGER), 0))`, kind: 'text' };
      }
      case 'RIGHT': {
        const [textSql, count] = [arg(0, ['text']), arg(1, ['number'])];
        const sql = `(CASE WHEN ${count} >= 1 THEN substr(${textSql}, -CAST(${count} AS INTEGER)) ELSE '' END)`;
        return { sql, kind: 'text' };
      }
      case 'CONTAINS': {
        const [textSql, part] = [arg(0, ['text']), arg(1, ['text'])];
        return {
          sql: `(instr(COALESCE(${textSql}, ''), COALESCE(${part}, '')) > 0)`,
          kind: 'boolean',
        };
      }
      case 'BEGINS': {
        const [textSql, prefix] = [arg(0, ['text']), arg(1, ['text'])];
        const p = `COALESCE(${prefix}, '')`;
        return {
          sql: `(substr(COALESCE(${textSql}, ''), 1, length(${p})) = ${p})`,
          kind: 'boolean',
        };
      }
      case 'ABS':
        return { sql: `abs(${arg(0, ['number'])})`, kind: 'number' };
      case 'ROUND':
        return {
          sql: this.round(arg(0, ['number']), arg(1, ['number']), argNodes[1]),
          kind: 'number',
        };
      case 'MIN':
      case 'MAX': {
        const kind = this.unify(args, ['number', 'date', 'datetime'], what, column);
        // One argument would make SQLite's min/max the aggregate.
        if (args.length === 1) return { sql: first.sql, kind };
        return { sql: `${name.toLowerCase()}(${args.map((a) => a.sql).join(', ')})`, kind };
      }
      case 'TODAY':
        return { sql: `date('now')`, kind: 'date' };
      case 'NOW':
        return { sql: `strftime(${DATETIME_FORMAT}, 'now')`, kind: 'datetime' };
      case 'DATE': {
        const parts = [arg(0, ['number']), arg(1, ['number']), arg(2, ['number'])];
        return {
          sql: this.validDate(`printf('%04d-%02d-%02d', ${parts.join(', ')})`),
          kind: 'date',
        };
      }
      case 'DATEVALUE': {
        const value = arg(0, ['text', 'date', 'datetime']);
        // A datetime's date in UTC, as Salesforce's DATEVALUE gives it.
        if (first.kind === 'datetime') return { sql: `substr(${value}, 1, 10)`, kind: 'date' };
        if (first.kind === 'date') return { sql: value, kind: 'date' };
        return { sql: this.validDate(`trim(${value})`), kind: 'date' };
      }
      default:
        return this.fail(`Unknown function ${name}. Check spelling`, column);
    }
  }

  /** `(SELECT body(v) FROM (SELECT valueSql AS v))`: uses a value several times, computed once. */
  private withValue(valueSql: string, body: (v: string) => string): string {
    const v = this.compilation.alias('v');
    return `(SELECT ${body(v)} FROM (SELECT ${valueSql} AS ${v}))`;
  }

  private text(
    first: Typed,
    arg: (index: number, allowed: readonly ValueKind[]) => string,
  ): string {
    if (first.kind === 'picklist') return first.sql;
    // UNCONFIRMED: whether Salesforce's TEXT takes a checkbox; we refuse and point at IF.
    const value = arg(0, ['text', 'number', 'date', 'datetime']);
    switch (first.kind) {
      case 'number':
        // Whole numbers without '.0' (TEXT(100) is '100'). UNCONFIRMED: Salesforce may keep a
        // currency field's scale; we print the shortest form.
        return this.withValue(
          value,
          (v) =>
            `CASE WHEN ${v} = CAST(${v} AS INTEGER) THEN CAST(CAST(${v} AS INTEGER) AS TEXT) ` +
            `ELSE CAST(${v} AS TEXT) END`,
        );
      case 'datetime':
        // Salesforce's TEXT(datetime): 'YYYY-MM-DD HH:MM:SSZ' in UTC.
        return `strftime('%Y-%m-%d %H:%M:%SZ', ${value})`;
      default:
        return value;
    }
  }

  /** VALUE(text): the number, or NULL when the text is not one (Salesforce shows #Error!). */
  private value(textSql: string): string {
    return this.withValue(`trim(${textSql})`, (v) => {
      const unsigned = `ltrim(${v}, '+-')`;
      const isNumber =
        `${v} NOT GLOB '*[^0-9.+-]*' AND length(${v}) - length(${unsigned}) <= 1 ` +
        `AND ${unsigned} NOT GLOB '*[+-]*' AND ${unsigned} NOT GLOB '*.*.*' ` +
        `AND ${unsigned} GLOB '*[0-9]*'`;
      return `CASE WHEN ${isNumber} THEN CAST(${v} AS NUMERIC) END`;
    });
  }

  /** ROUND(x, n): half away from zero like Salesforce; SQLite's round ignores negative n. */
  private round(valueSql: string, digitsSql: string, digitsNode: FormulaNode | undefined): string {
    const literal =
      digitsNode?.kind === 'unary' &&
      digitsNode.operator === '-' &&
      digitsNode.operand.kind === 'number'
        ? Number(digitsNode.operand.text)
        : null;
    if (literal !== null && Number.isInteger(literal) && literal > 0) {
      const factor = `1${'0'.repeat(Math.min(literal, 18))}`;
      return `(round(${valueSql} / ${factor}.0) * ${factor})`;
    }
    return `round(${valueSql}, ${digitsSql})`;
  }

  private validDate(textSql: string): string {
    return this.withValue(textSql, (v) => `CASE WHEN date(${v}) = ${v} THEN ${v} END`);
  }

  /** A field or a parent path from this walk's row. */
  private field(path: string[], column: number): Typed {
    const written = path.join('.');
    let object = this.object;
    // The SQL giving the Id of the current parent record; null while still on the row itself.
    let parentId: string | null = null;
    let parentAlias = this.rowAlias;
    for (const relationshipName of path.slice(0, -1)) {
      const lower = relationshipName.toLowerCase();
      const lookup = object.fields.find(
        (f) => f.describe.relationshipName?.toLowerCase() === lower,
      );
      if (lookup === undefined) {
        const named = object.field(relationshipName);
        const hint = named?.describe.relationshipName
          ? `; to follow the lookup ${named.name}, write ${named.describe.relationshipName}`
          : "; a parent path goes through a lookup's relationship name (Account, Owner, Parent__r)";
        this.fail(
          `Relationship ${relationshipName} does not exist on ${object.name}${hint}`,
          column,
        );
      }
      const targets = lookup.describe.referenceTo;
      if (targets.length !== 1 || lookup.describe.polymorphicForeignKey) {
        this.fail(
          `${object.name}.${relationshipName} can point at ${targets.join(' or ')}; formulas in ` +
            'the local org cannot follow a polymorphic relationship',
          column,
        );
      }
      const target = this.scope.schema.object(targets[0] ?? '');
      if (target === undefined) {
        this.fail(
          `${object.name}.${relationshipName} points at ${targets[0]}, which this org does not have`,
          column,
        );
      }
      this.compilation.reference(object, lookup);
      const lookupValue: string =
        parentId === null
          ? `${this.rowAlias}.${quoteIdentifier(lookup.name)}`
          : `(SELECT ${parentAlias}.${quoteIdentifier(lookup.name)} FROM ${this.scope.tableOf(object.name)} ${parentAlias} WHERE ${parentAlias}."Id" = ${parentId})`;
      parentId = lookupValue;
      parentAlias = this.compilation.alias('p');
      object = target;
    }
    const fieldName = path[path.length - 1] ?? '';
    const field = object.field(fieldName);
    if (field === undefined) {
      const where = path.length > 1 ? ` on ${object.name}` : '';
      this.fail(`Field ${fieldName} does not exist${where}. Check spelling`, column);
    }
    this.compilation.reference(object, field);
    const value = this.fieldValue(object, field, parentAlias, written, column);
    const sql =
      parentId === null
        ? value.sql
        : `(SELECT ${value.sql} FROM ${this.scope.tableOf(object.name)} ${parentAlias} WHERE ${parentAlias}."Id" = ${parentId})`;
    // A missing parent's checkbox is false, like a checkbox on the row itself.
    return {
      sql: value.kind === 'boolean' && parentId !== null ? `COALESCE(${sql}, 0)` : sql,
      kind: value.kind,
      written,
    };
  }

  /** A field's value over the row of `object` named `alias`. */
  private fieldValue(
    object: OrgObject,
    field: OrgField,
    alias: string,
    written: string,
    column: number,
  ): Typed {
    if (field.formula !== null) return this.inline(object, field, alias, written, column);
    if (field.rollup !== null) {
      this.fail(
        `Field ${written} is a roll-up summary, which formulas in the local org cannot read yet; ` +
          'compute the value another way or leave it out',
        column,
      );
    }
    if (!field.stored) {
      const example = field.name.endsWith('Address')
        ? ` (such as ${field.name.replace(/Address$/, '')}City)`
        : '';
      this.fail(
        `Field ${written} is a compound field; refer to one of its components instead${example}`,
        column,
      );
    }
    const kind = FIELD_KINDS[field.type];
    if (kind === undefined) {
      this.fail(`Field ${written} has type ${field.type}, which formulas here cannot use`, column);
    }
    const column_ = `${alias}.${quoteIdentifier(field.name)}`;
    if (kind === 'boolean') return { sql: `COALESCE(${column_}, 0)`, kind };
    // UNCONFIRMED: formulas see a percent as a fraction (15% is 0.15), as Salesforce's do.
    if (field.type === 'percent') return { sql: `(${column_} / 100.0)`, kind };
    return { sql: column_, kind };
  }

  /** A formula field's SQL in place, over the row named `alias`. */
  private inline(
    object: OrgObject,
    field: OrgField,
    alias: string,
    written: string,
    column: number,
  ): Typed {
    const key = `${object.name}.${field.name}`;
    const formula = field.formula ?? '';
    if (this.stack.includes(key)) {
      this.fail(
        `formula fields refer to each other in a cycle: ${[...this.stack, key].join(' -> ')}`,
        column,
      );
    }
    if (this.stack.length >= MAX_FORMULA_NESTING) {
      this.fail(`formula fields nest more than ${MAX_FORMULA_NESTING} deep at ${key}`, column);
    }
    try {
      const value = this.compilation.formulaValue(formula, object, alias, [...this.stack, key]);
      return { sql: value.sql, kind: value.type, written };
    } catch (error) {
      if (!(error instanceof FormulaError)) throw error;
      return this.fail(
        `formula field ${key} cannot be computed: ${error.detail} (its column ${error.column})`,
        column,
      );
    }
  }
}

function concat(left: string, right: string): string {
  // Blank text joins as '' in Salesforce, where SQL's || would give NULL.
  return `(COALESCE(${left}, '') || COALESCE(${right}, ''))`;
}

function isBlank(sql: string, kind: ValueKind): string {
  const textual = kind === 'text' || kind === 'picklist' || kind === 'multipicklist';
  return textual ? `(${sql} IS NULL OR ${sql} = '')` : `(${sql} IS NULL)`;
}

function dayDifference(left: string, right: string): string {
  return `(julianday(${left}) - julianday(${right}))`;
}

function shiftByDays(base: Typed, daysSql: string, op: '+' | '-'): string {
  const days = op === '+' ? daysSql : `(-${daysSql})`;
  // A blank day count gives NULL (blank), as in Salesforce.
  const modifier = `(${days} || ' days')`;
  return base.kind === 'date'
    ? `date(${base.sql}, ${modifier})`
    : `strftime(${DATETIME_FORMAT}, ${base.sql}, ${modifier})`;
}
