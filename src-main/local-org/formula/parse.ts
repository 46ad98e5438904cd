// The parser of the local org's formula language: the Salesforce-like expressions that formula
// fields and validation rules are written in. It knows the grammar and the functions' names and
// arities; types and field names are the compiler's business (compile-sqlite.ts).

/** A formula that cannot be parsed or compiled. The message names the place and the problem. */
export class FormulaError extends Error {
  override readonly name = 'FormulaError';
  constructor(
    readonly formula: string,
    /** What is wrong, without the formula or the place. */
    readonly detail: string,
    /** 1-based; one past the last character when the formula ends too early. */
    readonly column: number,
  ) {
    super(`Formula '${shorten(formula)}' : ${detail} at column ${column}`);
  }
}

function shorten(formula: string): string {
  const oneLine = formula.replace(/\s+/g, ' ');
  return oneLine.length > 120 ? `${oneLine.slice(0, 117)}...` : oneLine;
}

export type BinaryOperator =
  '*' | '/' | '+' | '-' | '&' | '=' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||';

export type FormulaNode =
  | { kind: 'number'; text: string; column: number }
  | { kind: 'text'; value: string; column: number }
  | { kind: 'boolean'; value: boolean; column: number }
  | { kind: 'null'; column: number }
  /** `Name`, or a parent path: relationship names then a field (`Account.Owner.Name`). */
  | { kind: 'field'; path: string[]; column: number }
  | { kind: 'unary'; operator: '-' | '!'; operand: FormulaNode; column: number }
  | {
      kind: 'binary';
      operator: BinaryOperator;
      /** As written (`<>`, `AND`), for messages. */
      written: string;
      left: FormulaNode;
      right: FormulaNode;
      column: number;
    }
  /** `name` is upper case. */
  | { kind: 'call'; name: string; args: FormulaNode[]; column: number };

/** Parameter counts; max null: any number from min up. */
export const FORMULA_FUNCTIONS: Readonly<Record<string, { min: number; max: number | null }>> = {
  AND: { min: 1, max: null },
  OR: { min: 1, max: null },
  NOT: { min: 1, max: 1 },
  IF: { min: 3, max: 3 },
  ISBLANK: { min: 1, max: 1 },
  ISNULL: { min: 1, max: 1 },
  BLANKVALUE: { min: 2, max: 2 },
  ISPICKVAL: { min: 2, max: 2 },
  TEXT: { min: 1, max: 1 },
  VALUE: { min: 1, max: 1 },
  LEN: { min: 1, max: 1 },
  UPPER: { min: 1, max: 1 },
  LOWER: { min: 1, max: 1 },
  TRIM: { min: 1, max: 1 },
  LEFT: { min: 2, max: 2 },
  RIGHT: { min: 2, max: 2 },
  CONTAINS: { min: 2, max: 2 },
  BEGINS: { min: 2, max: 2 },
  ABS: { min: 1, max: 1 },
  ROUND: { min: 2, max: 2 },
  MIN: { min: 1, max: null },
  MAX: { min: 1, max: null },
  TODAY: { min: 0, max: 0 },
  NOW: { min: 0, max: 0 },
  DATE: { min: 3, max: 3 },
  DATEVALUE: { min: 1, max: 1 },
};

/** Relationship hops a parent path may take (`A.B.C.D.E.Field` is the deepest). */
export const MAX_PATH_HOPS = 5;

type TokenKind = 'number' | 'text' | 'name' | 'op' | 'end';
interface Token {
  kind: TokenKind;
  /** The operator or name as written; a text literal's value with escapes resolved. */
  text: string;
  column: number;
}

const OPERATORS = ['&&', '||', '==', '!=', '<>', '<=', '>=', '<', '>', '=', '+', '-', '*', '/'];
const SINGLE = new Set(['&', '!', '(', ')', ',']);
const ESCAPES: Record<string, string> = {
  n: '\n',
  r: '\r',
  t: '\t',
  "'": "'",
  '"': '"',
  '\\': '\\',
};

function tokenize(formula: string): Token[] {
  const tokens: Token[] = [];
  const fail = (detail: string, index: number): never => {
    throw new FormulaError(formula, detail, index + 1);
  };
  let i = 0;
  while (i < formula.length) {
    const ch = formula[i] ?? '';
    if (/\s/.test(ch)) {
      i++;
    } else if (formula.startsWith('/*', i)) {
      const end = formula.indexOf('*/', i + 2);
      if (end < 0) fail('the comment is not closed; end it with */', i);
      i = end + 2;
    } else if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(formula[i + 1] ?? ''))) {
      const match = /^[0-9]*(\.[0-9]+)?/.exec(formula.slice(i));
      const text = match?.[0] ?? '';
      if (/[A-Za-z_.]/.test(formula[i + text.length] ?? '')) {
        fail(`'${formula.slice(i, i + text.length + 1)}' is not a number`, i);
      }
      tokens.push({ kind: 'number', text, column: i + 1 });
      i += text.length;
    } else if (ch === "'" || ch === '"') {
      const start = i;
      let value = '';
      i++;
      for (;;) {
        const c = formula[i];
        if (c === undefined) fail(`the text starting here is not closed; end it with ${ch}`, start);
        if (c === ch) break;
        if (c === '\0') fail('text cannot hold a NUL character', i);
        if (c === '\\') {
          const escaped = ESCAPES[formula[i + 1] ?? ''];
          if (escaped === undefined) {
            fail(`unknown escape '\\${formula[i + 1] ?? ''}'; use \\' \\" \\\\ \\n \\r or \\t`, i);
          }
          value += escaped;
          i += 2;
        } else {
          value += c;
          i++;
        }
      }
      i++;
      tokens.push({ kind: 'text', text: value, column: start + 1 });
    } else if (/[A-Za-z]/.test(ch)) {
      const match = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*/.exec(formula.slice(i));
      const text = match?.[0] ?? '';
      if (formula[i + text.length] === '.') {
        fail(`expected a field name after '${text}.'`, i + text.length + 1);
      }
      tokens.push({ kind: 'name', text, column: i + 1 });
      i += text.length;
    } else if (ch === '$') {
      fail('global variables ($User, $Profile, $Setup ...) are not supported by the local org', i);
    } else {
      const op = OPERATORS.find((o) => formula.startsWith(o, i)) ?? (SINGLE.has(ch) ? ch : null);
      if (op === null) fail(`unexpected character '${ch}'`, i);
      else {
        tokens.push({ kind: 'op', text: op, column: i + 1 });
        i += op.length;
      }
    }
  }
  tokens.push({ kind: 'end', text: '', column: formula.length + 1 });
  return tokens;
}

// Binary levels from loosest to tightest (Salesforce's order). Names are matched upper case.
const LEVELS: ReadonlyArray<Readonly<Record<string, BinaryOperator>>> = [
  { '||': '||', OR: '||' },
  { '&&': '&&', AND: '&&' },
  { '=': '=', '==': '=', '!=': '!=', '<>': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' },
  { '&': '&' },
  { '+': '+', '-': '-' },
  { '*': '*', '/': '/' },
];

/** Parses one formula; throws FormulaError naming the column of the first problem. */
export function parseFormula(formula: string): FormulaNode {
  const tokens = tokenize(formula);
  let pos = 0;
  const peek = (): Token => tokens[pos] ?? tokens[tokens.length - 1]!;
  const fail = (detail: string, token: Token): never => {
    throw new FormulaError(formula, detail, token.column);
  };
  const isOp = (token: Token, text: string) => token.kind === 'op' && token.text === text;
  const expect = (text: string, what: string): void => {
    const token = peek();
    if (!isOp(token, text)) fail(`expected ${what}`, token);
    pos++;
  };

  const operatorAt = (level: number, token: Token): BinaryOperator | undefined => {
    if (token.kind === 'op') return LEVELS[level]?.[token.text];
    // Infix AND/OR as words; a following '(' would make them a call, which cannot come here.
    if (token.kind === 'name') return LEVELS[level]?.[token.text.toUpperCase()];
    return undefined;
  };

  const binary = (level: number): FormulaNode => {
    if (level >= LEVELS.length) return unary();
    let left = binary(level + 1);
    for (;;) {
      const token = peek();
      const operator = operatorAt(level, token);
      if (operator === undefined) return left;
      pos++;
      const right = binary(level + 1);
      left = { kind: 'binary', operator, written: token.text, left, right, column: token.column };
    }
  };

  const unary = (): FormulaNode => {
    const token = peek();
    const isNot = token.kind === 'name' && token.text.toUpperCase() === 'NOT';
    if (isOp(token, '-') || isOp(token, '!') || isNot) {
      pos++;
      const operator = isOp(token, '-') ? '-' : '!';
      return { kind: 'unary', operator, operand: unary(), column: token.column };
    }
    return primary();
  };

  const primary = (): FormulaNode => {
    const token = peek();
    const column = token.column;
    if (token.kind === 'number') {
      pos++;
      return { kind: 'number', text: token.text, column };
    }
    if (token.kind === 'text') {
      pos++;
      return { kind: 'text', value: token.text, column };
    }
    if (isOp(token, '(')) {
      pos++;
      const inner = binary(0);
      expect(')', "')' to close the '(' at column " + column);
      return inner;
    }
    if (token.kind !== 'name') return fail('expected a value', token);
    pos++;
    const upper = token.text.toUpperCase();
    if (isOp(peek(), '(')) return call(token, upper);
    if (upper === 'TRUE' || upper === 'FALSE')
      return { kind: 'boolean', value: upper === 'TRUE', column };
    if (upper === 'NULL') return { kind: 'null', column };
    if (upper === 'AND' || upper === 'OR') return fail('expected a value', token);
    const path = token.text.split('.');
    if (path.length - 1 > MAX_PATH_HOPS) {
      fail(`'${token.text}' goes through more than ${MAX_PATH_HOPS} relationships`, token);
    }
    return { kind: 'field', path, column };
  };

  const call = (nameToken: Token, name: string): FormulaNode => {
    const arity = FORMULA_FUNCTIONS[name];
    if (arity === undefined) {
      const hint = name.includes('.') ? '' : '; the functions here are ' + functionList();
      return fail(`Unknown function ${nameToken.text}. Check spelling${hint}`, nameToken);
    }
    pos++; // '('
    const args: FormulaNode[] = [];
    if (!isOp(peek(), ')')) {
      for (;;) {
        args.push(binary(0));
        if (!isOp(peek(), ',')) break;
        pos++;
      }
    }
    expect(')', `',' or ')' in the parameters of ${name}()`);
    if (args.length < arity.min || (arity.max !== null && args.length > arity.max)) {
      const expected = arity.max === null ? `${arity.min} or more` : String(arity.min);
      fail(
        `Incorrect number of parameters for function '${name}()'. Expected ${expected}, ` +
          `received ${args.length}`,
        nameToken,
      );
    }
    return { kind: 'call', name, args, column: nameToken.column };
  };

  const node = binary(0);
  const rest = peek();
  if (rest.kind !== 'end') {
    const what = rest.kind === 'text' ? 'text' : `'${rest.text}'`;
    fail(`unexpected ${what}; join values with an operator such as && or +`, rest);
  }
  return node;
}

function functionList(): string {
  return Object.keys(FORMULA_FUNCTIONS).join(', ');
}
