// A hand-written, error-tolerant recursive-descent parser for SOQL. It never throws: every
// problem becomes a Diagnostic and the parser carries on, so a query being typed still has a
// tree for completion. Structural rules a real org enforces in its grammar are enforced here
// too: clause order, no AND/OR mixing without parentheses, NOT only at the head of a group.
import type {
  ComparisonOperator,
  Condition,
  DateLiteral,
  FieldPath,
  FieldsMode,
  ForMode,
  FromClause,
  FunctionArg,
  FunctionCall,
  GroupByClause,
  Identifier,
  Literal,
  LiteralList,
  NumberLiteral,
  OrderByItem,
  Query,
  Range,
  SelectItem,
  SemiJoin,
  TypeofBranch,
  ValueExpr,
  WithClause,
} from './ast';
import type { Diagnostic } from './diagnostics';
import { DATE_LITERALS, PARAMETRIC_DATE_LITERALS } from './date-literals';
import { tokenize, type Token } from './lexer';

export interface ParseResult {
  query: Query;
  diagnostics: Diagnostic[];
  tokens: Token[];
}

/** Clause order of a query, as the org enforces it. */
export const CLAUSE_RANK = {
  USING: 1,
  WHERE: 2,
  WITH: 3,
  GROUP: 4,
  HAVING: 5,
  ORDER: 6,
  LIMIT: 7,
  OFFSET: 8,
  FOR: 9,
  UPDATE: 10,
} as const satisfies Record<string, number>;

/** Words that end a SELECT item, a FROM or a condition: they start the next clause. */
const CLAUSE_KEYWORDS = new Set(['FROM', ...Object.keys(CLAUSE_RANK)]);

/** Words that can never be an alias (the documented reserved list plus clause keywords). */
const NOT_AN_ALIAS = new Set([
  ...CLAUSE_KEYWORDS,
  'AND',
  'ASC',
  'DESC',
  'EXCLUDES',
  'FIRST',
  'IN',
  'INCLUDES',
  'LAST',
  'LIKE',
  'NOT',
  'NULL',
  'NULLS',
  'OR',
  'SELECT',
  'WHEN',
  'THEN',
  'ELSE',
  'END',
  'TYPEOF',
  // Apex's `ALL ROWS` suffix: REST rejects it at ALL (soql.md §1.13), not as an alias.
  'ALL',
]);

const COMPARISON_OPERATORS = new Set(['=', '!=', '<>', '<', '<=', '>', '>=']);

const MAX_NESTING = 64;
const MAX_DIAGNOSTICS = 100;

export function parseSoql(text: string): ParseResult {
  const tokens = tokenize(text);
  const parser = new Parser(tokens);
  const query = parser.parseRoot();
  return { query, diagnostics: parser.diagnostics, tokens };
}

class Parser {
  readonly diagnostics: Diagnostic[] = [];
  private pos = 0;
  /** Set after a syntax error until the parser has resynchronised; hides cascades. */
  private panicking = false;
  private depth = 0;
  private lastUnexpected: Token | undefined;

  constructor(private readonly tokens: Token[]) {}

  // --- token helpers ------------------------------------------------------------------------

  private get tok(): Token {
    return this.tokens[this.pos]!;
  }

  private peek(ahead = 1): Token {
    return this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)]!;
  }

  private prevEnd(): number {
    return this.pos > 0 ? this.tokens[this.pos - 1]!.end : 0;
  }

  private advance(): Token {
    const t = this.tok;
    if (t.type !== 'eof') this.pos++;
    return t;
  }

  private atEnd(): boolean {
    return this.tok.type === 'eof';
  }

  private isWord(upper: string, t: Token = this.tok): boolean {
    return t.type === 'word' && t.upper === upper;
  }

  private isPunct(p: string, t: Token = this.tok): boolean {
    return t.type === 'punct' && t.text === p;
  }

  private eat(p: string): boolean {
    if ((this.tok.type === 'punct' || this.tok.type === 'word') && this.tok.upper === p) {
      this.pos++;
      return true;
    }
    return false;
  }

  private expect(p: string): boolean {
    if (this.eat(p)) return true;
    this.unexpected();
    return false;
  }

  private isClauseStart(t: Token = this.tok): boolean {
    return t.type === 'word' && CLAUSE_KEYWORDS.has(t.upper);
  }

  /** End of the current (sub)query: end of text, or the `)` that closes a subquery. */
  private atQueryEnd(): boolean {
    return this.tok.type === 'eof' || this.isPunct(')');
  }

  // --- diagnostics -------------------------------------------------------------------------

  error(errorCode: string, message: string, range: Range): void {
    // An org reports only its first error; past a hundred, more only bury the useful ones.
    if (this.diagnostics.length >= MAX_DIAGNOSTICS) return;
    this.diagnostics.push({ errorCode, message, range, severity: 'error' });
  }

  private unexpected(t: Token = this.tok): void {
    // One token is reported once, even when recovery reaches it again (an empty query fails
    // at SELECT and again at the SELECT list, both on the end of the text).
    if (this.panicking || t === this.lastUnexpected) return;
    this.panicking = true;
    this.lastUnexpected = t;
    if (t.type === 'string' && t.problem) {
      this.error('MALFORMED_QUERY', t.problem.message, {
        start: t.problem.start,
        end: t.problem.end,
      });
      return;
    }
    const shown =
      t.type === 'eof' ? '<EOF>' : t.text.length > 60 ? `${t.text.slice(0, 60)}…` : t.text;
    this.error('MALFORMED_QUERY', `unexpected token: '${shown}'`, { start: t.start, end: t.end });
  }

  private calm(): void {
    this.panicking = false;
  }

  /** Skips to the next token for which `stop` holds, keeping parentheses balanced. */
  private skipUntil(stop: (t: Token) => boolean): void {
    let depth = 0;
    while (this.tok.type !== 'eof') {
      if (depth === 0 && stop(this.tok)) return;
      if (this.isPunct('(')) depth++;
      else if (this.isPunct(')')) {
        if (depth === 0) return;
        depth--;
      }
      this.pos++;
    }
  }

  /** prevEnd, or further when `last` is a placeholder for a missing piece (at the next token). */
  private endCovering(last: Range): number {
    return Math.max(this.prevEnd(), last.end);
  }

  private missingIdentifier(): Identifier {
    const at = this.prevEnd();
    // Place an empty name right where one is expected, so completion can find it.
    const start = this.tok.type === 'eof' ? this.tok.start : Math.max(at, this.tok.start);
    return { kind: 'identifier', name: '', range: { start, end: start } };
  }

  private identifier(): Identifier {
    const t = this.tok;
    if (t.type === 'word') {
      this.pos++;
      return { kind: 'identifier', name: t.text, range: { start: t.start, end: t.end } };
    }
    this.unexpected();
    return this.missingIdentifier();
  }

  // --- queries -----------------------------------------------------------------------------

  parseRoot(): Query {
    const query = this.parseQuery(false);
    if (this.tok.type !== 'eof') {
      this.unexpected();
      // Read on through stray tokens (e.g. an extra `)`) so later clauses still count.
      while (!this.atEnd()) {
        this.advance();
        if (this.isClauseStart()) this.parseClauses(query, 0);
      }
      query.range.end = Math.max(query.range.end, this.prevEnd(), furthestEnd(query));
    }
    return query;
  }

  private parseQuery(nested: boolean): Query {
    const start = this.tok.start;
    const query: Query = {
      kind: 'query',
      select: [],
      selectRange: { start: this.tok.start, end: this.tok.start },
      range: { start, end: start },
    };
    if (this.depth > MAX_NESTING) {
      this.error('MALFORMED_QUERY', 'The query nests too deeply to be read.', {
        start: this.tok.start,
        end: this.tok.end,
      });
      this.skipUntil(() => false);
      query.range.end = Math.max(start, this.prevEnd());
      return query;
    }
    this.depth++;
    try {
      if (!this.eat('SELECT')) {
        this.unexpected();
        this.skipUntil((t) => this.isWord('SELECT', t) || this.isWord('FROM', t));
        this.eat('SELECT');
      }
      this.calm();
      // After SELECT; never before the query's own start (SELECT missing at the very start).
      const selectStart = Math.max(start, this.prevEnd());
      query.select = this.parseSelectList();
      query.selectRange = { start: selectStart, end: Math.max(selectStart, this.tok.start) };
      if (this.eat('FROM')) {
        this.calm();
        query.from = this.parseFrom();
      } else if (!this.atQueryEnd() || !nested || query.select.length > 0) {
        this.unexpected();
      }
      this.parseClauses(query, 0);
      // Cover every part: an empty SELECT list or a missing name reaches the next token (for
      // completion), past prevEnd; and never end before the start (a query of only whitespace).
      query.range.end = Math.max(start, this.prevEnd(), furthestEnd(query));
      return query;
    } finally {
      this.depth--;
    }
  }

  /** Reads the clauses after FROM, in order; an out-of-order clause is an error but is kept. */
  private parseClauses(query: Query, fromRank: number): void {
    let rank = fromRank;
    while (!this.atQueryEnd()) {
      const t = this.tok;
      const clauseRank =
        t.type === 'word' ? (CLAUSE_RANK as Record<string, number>)[t.upper] : undefined;
      if (clauseRank === undefined) {
        this.unexpected();
        // Always move on: a second FROM is a clause start without a rank here, and skipping
        // to the next clause start would stop on it again (an endless loop).
        this.advance();
        this.skipUntil((x) => this.isClauseStart(x));
        continue;
      }
      if (clauseRank <= rank && !(clauseRank === CLAUSE_RANK.FOR && rank === clauseRank)) {
        this.unexpected();
      } else {
        this.calm();
      }
      rank = Math.max(rank, clauseRank);
      this.parseClause(query, t.upper);
    }
  }

  private parseClause(query: Query, keyword: string): void {
    const t = this.advance();
    switch (keyword) {
      case 'USING':
        this.expect('SCOPE');
        query.usingScope = this.identifier();
        return;
      case 'WHERE':
        query.where = this.parseCondition(false);
        return;
      case 'WITH':
        query.with = this.parseWith(t.start);
        return;
      case 'GROUP':
        this.expect('BY');
        query.groupBy = this.parseGroupBy(t.start);
        return;
      case 'HAVING':
        query.having = this.parseCondition(true);
        return;
      case 'ORDER':
        this.expect('BY');
        query.orderBy = this.parseOrderBy();
        return;
      case 'LIMIT':
        query.limit = this.parseCount();
        return;
      case 'OFFSET':
        query.offset = this.parseCount();
        return;
      case 'FOR':
        this.parseFor(query);
        return;
      case 'UPDATE':
        if (this.eat('TRACKING')) query.update = 'TRACKING';
        else if (this.eat('VIEWSTAT')) query.update = 'VIEWSTAT';
        else this.unexpected();
        return;
    }
  }

  private parseCount(): NumberLiteral | undefined {
    const t = this.tok;
    if (t.type === 'number' && /^\d+$/.test(t.text)) {
      this.pos++;
      return { kind: 'number', value: Number(t.text), raw: t.text, range: span(t, t) };
    }
    this.unexpected();
    return undefined;
  }

  private parseFor(query: Query): void {
    const modes: ForMode[] = query.forModes ?? [];
    if (this.eat('VIEW')) modes.push('VIEW');
    else if (this.eat('REFERENCE')) modes.push('REFERENCE');
    else if (this.eat('UPDATE')) modes.push('UPDATE');
    else this.unexpected();
    query.forModes = modes;
  }

  private parseWith(start: number): WithClause | undefined {
    const t = this.tok;
    for (const mode of ['SECURITY_ENFORCED', 'USER_MODE', 'SYSTEM_MODE'] as const) {
      if (this.eat(mode)) return { mode, range: { start, end: t.end } };
    }
    if (this.isWord('DATA') && this.isWord('CATEGORY', this.peek())) {
      this.pos += 2;
      const first = this.pos;
      this.skipUntil((x) => this.isClauseStart(x));
      // Data category filters are passed through as written (tokens joined by single spaces).
      const text = this.tokens
        .slice(first, this.pos)
        .map((x) => x.text)
        .join(' ')
        .replace(/\( /g, '(')
        .replace(/ ([),])/g, '$1');
      return { mode: 'DATA CATEGORY', text, range: { start, end: this.prevEnd() } };
    }
    this.unexpected();
    return undefined;
  }

  // --- SELECT ------------------------------------------------------------------------------

  private parseSelectList(): SelectItem[] {
    const items: SelectItem[] = [];
    if (this.isWord('FROM') || this.atQueryEnd()) {
      this.unexpected();
      return items;
    }
    for (;;) {
      const item = this.parseSelectItem();
      if (item) items.push(item);
      else this.skipUntil((t) => this.isPunct(',', t) || this.isWord('FROM', t));
      if (this.eat(',')) {
        this.calm();
        if (this.isWord('FROM') || this.atQueryEnd()) {
          // `SELECT Id, FROM …`: keep an empty item where the next field goes.
          this.unexpected();
          const missing = this.missingIdentifier();
          items.push({
            kind: 'selectExpr',
            expr: { kind: 'field', path: [missing], range: missing.range },
            range: missing.range,
          });
          return items;
        }
        continue;
      }
      if (this.isWord('FROM') || this.atQueryEnd() || this.isClauseStart()) return items;
      // Two items without a comma, or junk.
      this.unexpected();
      this.skipUntil((t) => this.isPunct(',', t) || this.isWord('FROM', t));
      if (!this.isPunct(',')) return items;
    }
  }

  private parseSelectItem(): SelectItem | undefined {
    const t = this.tok;
    if (this.isPunct('(')) {
      this.pos++;
      this.calm();
      const query = this.parseQuery(true);
      // Unclosed: end where the subquery ends (its empty SELECT list may reach past prevEnd).
      const end = this.isPunct(')')
        ? this.advance().end
        : (this.unexpected(), Math.max(this.prevEnd(), query.range.end));
      return { kind: 'selectSubquery', query, range: { start: t.start, end } };
    }
    if (t.type !== 'word') {
      this.unexpected();
      return undefined;
    }
    if (t.upper === 'TYPEOF' && this.peek().type === 'word') return this.parseTypeof();
    if (t.upper === 'FIELDS' && this.isPunct('(', this.peek())) {
      this.pos += 2;
      let mode: FieldsMode | null = null;
      const m = this.tok;
      if (
        m.type === 'word' &&
        (m.upper === 'ALL' || m.upper === 'STANDARD' || m.upper === 'CUSTOM')
      ) {
        mode = m.upper;
        this.pos++;
      } else {
        this.unexpected();
        // Step over a wrong mode word (`FIELDS(AL)`), so the `)` and the FROM after it still count.
        if (m.type === 'word' && !this.isClauseStart(m)) this.pos++;
      }
      const end = this.isPunct(')') ? this.advance().end : (this.unexpected(), this.prevEnd());
      return { kind: 'selectFields', mode, range: { start: t.start, end } };
    }
    const expr = this.parseValueExpr();
    let alias: Identifier | undefined;
    const a = this.tok;
    if (a.type === 'word' && !NOT_AN_ALIAS.has(a.upper)) {
      this.pos++;
      alias = { kind: 'identifier', name: a.text, range: span(a, a) };
      // A dotted alias: the org names the whole of it (SalesforceLabs/EnhancedLightningGrid#78).
      if (this.isPunct('.') && this.peek().type === 'word') {
        let last = a;
        while (this.isPunct('.') && this.peek().type === 'word') {
          this.pos++;
          last = this.advance();
        }
        const name = this.tokens
          .slice(this.tokens.indexOf(a), this.pos)
          .map((t) => t.text)
          .join('');
        alias = { kind: 'identifier', name, range: span(a, last) };
        this.error('MALFORMED_QUERY', `invalid alias: ${name}`, alias.range);
      }
    }
    return {
      kind: 'selectExpr',
      expr,
      alias,
      range: { start: expr.range.start, end: alias ? alias.range.end : expr.range.end },
    };
  }

  private parseTypeof(): SelectItem {
    const start = this.advance().start;
    const field = this.parseFieldPath();
    const whens: TypeofBranch[] = [];
    let otherwise: TypeofBranch | undefined;
    while (this.isWord('WHEN')) {
      const w = this.advance();
      const objectType = this.identifier();
      this.expect('THEN');
      const fields = this.parseFieldList();
      const end = this.endCovering(fields.at(-1)!.range);
      whens.push({ objectType, fields, range: { start: w.start, end } });
    }
    if (whens.length === 0) this.unexpected();
    if (this.isWord('ELSE')) {
      const e = this.advance();
      const fields = this.parseFieldList();
      otherwise = {
        fields,
        range: { start: e.start, end: this.endCovering(fields.at(-1)!.range) },
      };
    }
    if (!this.eat('END')) this.unexpected();
    const last = otherwise ?? whens.at(-1) ?? field;
    const end = this.endCovering(last.range);
    return { kind: 'selectTypeof', field, whens, otherwise, range: { start, end } };
  }

  /** Plain field paths separated by commas (TYPEOF branches, GROUP BY ROLLUP). */
  private parseFieldList(): FieldPath[] {
    const fields = [this.parseFieldPath()];
    while (this.isPunct(',') && this.peek().type === 'word' && !this.isTypeofWord(this.peek())) {
      this.pos++;
      fields.push(this.parseFieldPath());
    }
    return fields;
  }

  private isTypeofWord(t: Token): boolean {
    return t.upper === 'WHEN' || t.upper === 'ELSE' || t.upper === 'END';
  }

  private parseFieldPath(): FieldPath {
    const first = this.identifier();
    const path = [first];
    while (this.isPunct('.')) {
      this.pos++;
      // `Account. FROM` while typing: a clause keyword not followed by a dot ends the path.
      const endsPath = this.isClauseStart() && !this.isPunct('.', this.peek());
      if (this.tok.type === 'word' && !endsPath) path.push(this.identifier());
      else {
        // `Account.` while typing: an empty last segment right after the dot.
        this.unexpected();
        const at = this.prevEnd();
        path.push({ kind: 'identifier', name: '', range: { start: at, end: at } });
        break;
      }
    }
    return {
      kind: 'field',
      path,
      range: { start: first.range.start, end: path.at(-1)!.range.end },
    };
  }

  private parseValueExpr(): ValueExpr {
    const t = this.tok;
    if (t.type === 'word' && this.isPunct('(', this.peek())) return this.parseCall();
    return this.parseFieldPath();
  }

  private parseCall(): FunctionCall {
    const nameToken = this.advance();
    const name: Identifier = {
      kind: 'identifier',
      name: nameToken.text,
      range: span(nameToken, nameToken),
    };
    this.pos++; // '('
    const args: FunctionArg[] = [];
    // Calls nest through their arguments; bound the depth as for conditions and subqueries, so
    // `COUNT(COUNT(COUNT(...` cannot exhaust the stack.
    this.depth++;
    try {
      if (this.depth > MAX_NESTING) {
        this.error('MALFORMED_QUERY', 'The expression nests too deeply to be read.', {
          start: nameToken.start,
          end: nameToken.end,
        });
        this.skipUntil(() => false);
      } else if (!this.isPunct(')')) {
        for (;;) {
          args.push(this.parseFunctionArg());
          if (!this.eat(',')) break;
        }
      }
    } finally {
      this.depth--;
    }
    let end: number;
    if (this.isPunct(')')) end = this.advance().end;
    else {
      this.unexpected();
      end = this.endCovering(args.at(-1)?.range ?? name.range);
    }
    return { kind: 'call', name, args, range: { start: nameToken.start, end } };
  }

  private parseFunctionArg(): FunctionArg {
    const t = this.tok;
    if (t.type === 'word' && !this.isLiteralWord(t)) return this.parseValueExpr();
    const literal = this.parseLiteral();
    if (literal) return literal;
    return this.parseFieldPath();
  }

  // --- FROM ----------------------------------------------------------------------------------

  private parseFrom(): FromClause {
    const name = this.identifier();
    const from: FromClause = { name, range: { ...name.range } };
    const a = this.tok;
    if (a.type === 'word' && !NOT_AN_ALIAS.has(a.upper)) {
      this.pos++;
      from.alias = { kind: 'identifier', name: a.text, range: span(a, a) };
    }
    while (this.isPunct(',')) {
      this.pos++;
      const path = this.parseFieldPath();
      const alias = this.identifier();
      (from.relatedAliases ??= []).push({ path, alias });
    }
    // A missing name sits after the previous token's end; keep the range the right way round.
    const last = from.relatedAliases?.at(-1)?.alias ?? from.alias ?? name;
    from.range.end = Math.max(from.range.start, this.endCovering(last.range));
    return from;
  }

  // --- GROUP BY / ORDER BY -------------------------------------------------------------------

  private parseGroupBy(start: number): GroupByClause {
    if ((this.isWord('ROLLUP') || this.isWord('CUBE')) && this.isPunct('(', this.peek())) {
      const type = this.advance().upper === 'ROLLUP' ? 'rollup' : 'cube';
      this.pos++;
      const items: ValueExpr[] = [this.parseValueExpr()];
      while (this.eat(',')) items.push(this.parseValueExpr());
      this.expect(')');
      return { type, items, range: { start, end: this.endCovering(items.at(-1)!.range) } };
    }
    const items: ValueExpr[] = [this.parseValueExpr()];
    while (this.eat(',')) items.push(this.parseValueExpr());
    return { type: 'plain', items, range: { start, end: this.endCovering(items.at(-1)!.range) } };
  }

  private parseOrderBy(): OrderByItem[] {
    const items: OrderByItem[] = [];
    do {
      const expr = this.parseValueExpr();
      const item: OrderByItem = { expr, range: { ...expr.range } };
      if (this.eat('ASC')) item.direction = 'ASC';
      else if (this.eat('DESC')) item.direction = 'DESC';
      if (this.eat('NULLS')) {
        if (this.eat('FIRST')) item.nulls = 'FIRST';
        else if (this.eat('LAST')) item.nulls = 'LAST';
        else this.unexpected();
      }
      item.range.end = this.endCovering(expr.range);
      items.push(item);
    } while (this.eat(','));
    return items;
  }

  // --- conditions ----------------------------------------------------------------------------

  /**
   * `cond (AND cond)* | cond (OR cond)* | NOT cond` — the org's own shape: one operator per
   * level, and NOT only heads a group of its own.
   */
  private parseCondition(having: boolean): Condition | undefined {
    if (this.atQueryEnd() || this.isClauseStart()) {
      this.unexpected();
      return undefined;
    }
    const start = this.tok.start;
    if (this.isWord('NOT')) {
      this.pos++;
      const operand = this.parseConditional(having);
      if (!operand) return undefined;
      const not: Condition = { kind: 'not', operand, range: { start, end: operand.range.end } };
      if (this.isWord('AND') || this.isWord('OR')) {
        // `NOT a AND b`: the org wants `(NOT a) AND b`.
        this.unexpected();
        return this.continueChain(not, having);
      }
      return not;
    }
    const first = this.parseConditional(having);
    if (!first) return undefined;
    return this.continueChain(first, having);
  }

  private continueChain(first: Condition, having: boolean): Condition {
    if (!this.isWord('AND') && !this.isWord('OR')) return first;
    const op = this.tok.upper as 'AND' | 'OR';
    const operands: Condition[] = [first];
    while (this.isWord('AND') || this.isWord('OR')) {
      const opToken = this.advance();
      if (opToken.upper !== op) {
        // Mixing AND and OR at one level: the org reports the second operator.
        this.error(
          'MALFORMED_QUERY',
          `unexpected token: '${opToken.text}'`,
          span(opToken, opToken),
        );
        this.panicking = true;
      }
      if (this.isWord('NOT')) {
        // `a AND NOT b`: NOT must start its own parenthesised group.
        this.unexpected();
        const notToken = this.advance();
        const operand = this.parseConditional(having);
        if (operand) {
          operands.push({
            kind: 'not',
            operand,
            range: { start: notToken.start, end: operand.range.end },
          });
        }
        continue;
      }
      const next = this.parseConditional(having);
      if (next) operands.push(next);
      else break;
    }
    return {
      kind: op === 'AND' ? 'and' : 'or',
      operands,
      range: { start: first.range.start, end: operands.at(-1)!.range.end },
    };
  }

  private parseConditional(having: boolean): Condition | undefined {
    const t = this.tok;
    if (this.isPunct('(')) {
      this.pos++;
      this.depth++;
      try {
        if (this.depth > MAX_NESTING) {
          this.error('MALFORMED_QUERY', 'The condition nests too deeply to be read.', span(t, t));
          this.skipUntil(() => false);
          return undefined;
        }
        const inner = this.parseCondition(having);
        let end: number;
        if (this.isPunct(')')) end = this.advance().end;
        else {
          this.unexpected();
          // Unclosed: still cover the inner condition, whose empty slots may reach past prevEnd.
          end = Math.max(this.prevEnd(), inner?.range.end ?? 0);
        }
        if (!inner) return undefined;
        return { kind: 'paren', inner, range: { start: t.start, end } };
      } finally {
        this.depth--;
      }
    }
    // AND, OR and NOT are reserved: `WHERE AND x = 1` or `NOT NOT x = 1` fail at the keyword,
    // not at the word after it (which the org would never reach as a field name).
    if (t.type !== 'word' || t.upper === 'AND' || t.upper === 'OR' || t.upper === 'NOT') {
      this.unexpected();
      this.skipUntil((x) => this.isClauseStart(x) || this.isWord('AND', x) || this.isWord('OR', x));
      return undefined;
    }
    return this.parseComparison();
  }

  private parseComparison(): Condition | undefined {
    const left = this.parseValueExpr();
    const opToken = this.tok;
    let operator: ComparisonOperator | undefined;
    if (opToken.type === 'punct' && COMPARISON_OPERATORS.has(opToken.text)) {
      operator = opToken.text as ComparisonOperator;
      this.pos++;
    } else if (opToken.type === 'word') {
      if (opToken.upper === 'NOT' && this.isWord('IN', this.peek())) {
        operator = 'NOT IN';
        this.pos += 2;
      } else if (['LIKE', 'IN', 'INCLUDES', 'EXCLUDES'].includes(opToken.upper)) {
        operator = opToken.upper as ComparisonOperator;
        this.pos++;
      }
    }
    if (!operator) {
      this.unexpected();
      // Keep the left side in the tree (completion after `WHERE Na`); the operator is missing.
      return {
        kind: 'compare',
        left,
        operator: '=',
        operatorRange: { start: opToken.start, end: opToken.start },
        // Reach the empty operator slot, so the comparison holds every range it carries.
        range: { start: left.range.start, end: Math.max(left.range.end, opToken.start) },
      };
    }
    const operatorRange = { start: opToken.start, end: this.prevEnd() };
    let right: Literal | LiteralList | SemiJoin | undefined;
    if (
      operator === 'IN' ||
      operator === 'NOT IN' ||
      operator === 'INCLUDES' ||
      operator === 'EXCLUDES'
    ) {
      right = this.parseListOrSemiJoin();
    } else {
      right = this.parseLiteral();
      if (!right) this.unexpected();
    }
    return {
      kind: 'compare',
      left,
      operator,
      operatorRange,
      right,
      range: { start: left.range.start, end: right ? right.range.end : operatorRange.end },
    };
  }

  private parseListOrSemiJoin(): LiteralList | SemiJoin | Literal | undefined {
    const open = this.tok;
    if (!this.isPunct('(')) {
      // `IN :ids` (Apex bind) or a bare value: read it so the validator can explain. Only a
      // bind stands alone; any other bare value is a syntax error at the value.
      const literal = this.parseLiteral();
      if (!literal) this.unexpected();
      else if (literal.kind !== 'bind') this.unexpected(open);
      return literal;
    }
    this.pos++;
    if (this.isWord('SELECT')) {
      this.calm();
      const query = this.parseQuery(true);
      const end = this.isPunct(')')
        ? this.advance().end
        : (this.unexpected(), Math.max(this.prevEnd(), query.range.end));
      return { kind: 'semiJoin', query, range: { start: open.start, end } };
    }
    const items: Literal[] = [];
    if (!this.isPunct(')')) {
      for (;;) {
        const item = this.parseLiteral();
        if (item) items.push(item);
        else {
          this.unexpected();
          this.skipUntil((t) => this.isPunct(',', t));
        }
        if (!this.eat(',')) break;
      }
    } else {
      this.unexpected();
    }
    const end = this.isPunct(')') ? this.advance().end : (this.unexpected(), this.prevEnd());
    return { kind: 'list', items, range: { start: open.start, end } };
  }

  private isLiteralWord(t: Token): boolean {
    return (
      t.upper === 'TRUE' ||
      t.upper === 'FALSE' ||
      t.upper === 'NULL' ||
      DATE_LITERALS.has(t.upper) ||
      PARAMETRIC_DATE_LITERALS.has(t.upper) ||
      CURRENCY_LITERAL.test(t.text)
    );
  }

  private parseLiteral(): Literal | undefined {
    const t = this.tok;
    const range = span(t, t);
    switch (t.type) {
      case 'string':
        this.pos++;
        if (t.problem) {
          this.unexpected(t);
        }
        return { kind: 'string', value: t.value ?? '', raw: t.text, range };
      case 'number':
        this.pos++;
        return { kind: 'number', value: Number(t.text), raw: t.text, range };
      case 'date':
        this.pos++;
        return { kind: 'date', raw: t.text, range };
      case 'datetime':
        this.pos++;
        return { kind: 'datetime', raw: t.text, range };
      case 'punct':
        if (t.text === ':' && this.peek().type === 'word') {
          this.pos += 2;
          const name = this.tokens[this.pos - 1]!;
          this.error('MALFORMED_QUERY', 'Bind variables only allowed in Apex code', span(t, name));
          return { kind: 'bind', name: name.text, range: span(t, name) };
        }
        return undefined;
      case 'word':
        break;
      default:
        return undefined;
    }
    if (t.upper === 'TRUE' || t.upper === 'FALSE') {
      this.pos++;
      return { kind: 'boolean', value: t.upper === 'TRUE', range };
    }
    if (t.upper === 'NULL') {
      this.pos++;
      return { kind: 'null', range };
    }
    if (DATE_LITERALS.has(t.upper)) {
      this.pos++;
      return { kind: 'dateLiteral', name: t.upper, range };
    }
    if (PARAMETRIC_DATE_LITERALS.has(t.upper)) {
      this.pos++;
      const literal: DateLiteral = { kind: 'dateLiteral', name: t.upper, range: { ...range } };
      if (this.isPunct(':') && this.peek().type === 'number') {
        this.pos++;
        const n = this.advance();
        literal.n = Number(n.text);
        literal.range.end = n.end;
        if (!/^\d+$/.test(n.text)) {
          this.error('MALFORMED_QUERY', `unexpected token: '${n.text}'`, span(n, n));
        }
      } else {
        this.unexpected();
      }
      return literal;
    }
    const currency = CURRENCY_LITERAL.exec(t.text);
    if (currency) {
      this.pos++;
      return {
        kind: 'currency',
        currency: currency[1]!.toUpperCase(),
        value: Number(currency[2]),
        raw: t.text,
        range,
      };
    }
    return undefined;
  }
}

/** `USD5000`, `EUR12.5` — the lexer reads them as one word (digits may follow letters). */
const CURRENCY_LITERAL = /^([A-Za-z]{3})(\d+(?:\.\d+)?)$/;

/** The furthest end of any part of a query (parts hold placeholders for missing pieces). */
function furthestEnd(query: Query): number {
  const ranges: (Range | undefined)[] = [
    query.selectRange,
    query.select.at(-1)?.range,
    query.from?.range,
    query.usingScope?.range,
    query.where?.range,
    query.with?.range,
    query.groupBy?.range,
    query.having?.range,
    query.orderBy?.at(-1)?.range,
    query.limit?.range,
    query.offset?.range,
  ];
  return Math.max(0, ...ranges.map((r) => r?.end ?? 0));
}

function span(from: Token, to: Token): Range {
  return { start: from.start, end: to.end };
}
