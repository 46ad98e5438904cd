// Where the cursor is, in the terms completion needs: which (sub)query, which clause, what has
// been written of the current item. Read from the tokens rather than the tree, because text being
// typed is broken in ways a tree cannot show (an unclosed `COUNT(`, a `TYPEOF` without END):
// the scan keeps a stack of open parentheses, each known as a subquery, a function call, an
// IN-list or a condition group, and clause keywords close whatever is left open inside a query.
import { CLAUSE_RANK as PARSER_CLAUSE_RANK } from './parser';
import type { Range } from './ast';
import type { Token } from './lexer';

export type Clause =
  | 'NONE'
  | 'SELECT'
  | 'FROM'
  | 'USING'
  | 'WHERE'
  | 'WITH'
  | 'GROUP'
  | 'HAVING'
  | 'ORDER'
  | 'LIMIT'
  | 'OFFSET'
  | 'FOR'
  | 'UPDATE';

/** Clause order a real org enforces (the parser's), with the places before FROM added. */
export const CLAUSE_RANK: Record<Clause, number> = {
  NONE: -2,
  SELECT: -1,
  FROM: 0,
  ...PARSER_CLAUSE_RANK,
};

const CLAUSES_AFTER_FROM = new Set<string>(Object.keys(PARSER_CLAUSE_RANK));

/** One thing written in the current item: a token, or a closed parenthesis (call, list…). */
export type Item = { kind: 'token'; token: Token } | { kind: 'group'; frame: Frame };

/** How the current item started, which decides e.g. whether NOT may come next. */
export type SegmentStart = 'clause' | 'AND' | 'OR' | 'NOT' | 'open' | 'comma' | 'by';

export interface Frame {
  /** query: the root or a parenthesised SELECT; call: `fn(`; list: `IN (`; group: other `(`. */
  type: 'query' | 'call' | 'list' | 'group';
  parent?: Frame;
  /** Index of the `(` that opened the frame; -1 for the root. */
  openIndex: number;
  /** For query frames: root, parent-to-child subquery, or semi-/anti-join. */
  role: 'root' | 'child' | 'semi';
  /** Index of the SELECT token of a query frame, -1 until seen. */
  selectIndex: number;
  clause: Clause;
  /** A second keyword still owed: GROUP/ORDER → BY, USING → SCOPE. */
  pending?: 'BY' | 'SCOPE';
  segment: Item[];
  segmentStart: SegmentStart;
  /** The first AND/OR at this level: the other one needs parentheses. */
  logicalOp?: 'AND' | 'OR';
  /** Upper-cased name of the function a call frame belongs to. */
  callName?: string;
  /** Finished arguments of a call, items of a list (comma-separated). */
  args: Item[][];
  /** For list and semi-join frames: the comparison written before the `(` (left side and operator). */
  comparison?: Item[];
  /** Tokens after TYPEOF while the TYPEOF … END is open. */
  typeofTokens?: Token[];
}

export interface CursorContext {
  tokens: Token[];
  /** The innermost frame at the cursor. */
  frame: Frame;
  /** The word (or in-string text) typed before the cursor, which candidates must match. */
  partial: string;
  /** What an accepted item replaces: the word at the cursor, or an empty range at the cursor. */
  range: Range;
  /** The cursor is inside a string literal (a value being typed). */
  inString: boolean;
  /** The cursor is inside a number or date: nothing to offer. */
  inLiteral: boolean;
  /** Index of the first token not read (the word at the cursor, or the first after it). */
  endIndex: number;
  /** Index of the first token after the word at the cursor. */
  afterIndex: number;
}

function newFrame(type: Frame['type'], parent: Frame | undefined, openIndex: number): Frame {
  return {
    type,
    parent,
    openIndex,
    role: 'root',
    selectIndex: -1,
    clause: 'NONE',
    segment: [],
    segmentStart: 'open',
    args: [],
  };
}

export function queryOf(frame: Frame): Frame {
  let f: Frame = frame;
  while (f.type !== 'query' && f.parent) f = f.parent;
  return f;
}

export function isWordToken(t: Token | undefined, upper?: string): boolean {
  return t !== undefined && t.type === 'word' && (upper === undefined || t.upper === upper);
}

function isPunctToken(t: Token | undefined, text: string): boolean {
  return t !== undefined && t.type === 'punct' && t.text === text;
}

function lastToken(items: Item[]): Token | undefined {
  const last = items.at(-1);
  return last?.kind === 'token' ? last.token : undefined;
}

/** Finds the cursor in the tokens and reads everything before it into frames. */
export function cursorContext(text: string, tokens: Token[], offset: number): CursorContext {
  let endIndex = 0;
  while (endIndex < tokens.length - 1 && tokens[endIndex]!.end < offset) endIndex++;
  // tokens[endIndex] is the first token ending at or after the cursor (maybe EOF).
  let partial = '';
  let range: Range = { start: offset, end: offset };
  let inString = false;
  let inLiteral = false;
  let afterIndex = endIndex;
  const at = tokens[endIndex]!;
  if (at.type !== 'eof' && at.start < offset) {
    if (at.type === 'word') {
      partial = text.slice(at.start, offset);
      range = { start: at.start, end: at.end };
      afterIndex = endIndex + 1;
    } else if (at.type === 'string') {
      // The lexer reports an unclosed string as a problem spanning the whole token.
      const unclosed =
        at.problem !== undefined && at.problem.start === at.start && at.problem.end === at.end;
      if (offset < at.end || unclosed) {
        inString = true;
        partial = text.slice(at.start + 1, offset);
        range = { start: at.start, end: at.end };
        afterIndex = endIndex + 1;
      } else {
        endIndex++;
      }
    } else if (at.type === 'number' || at.type === 'date' || at.type === 'datetime') {
      inLiteral = true;
    } else {
      // Punctuation ending at the cursor is complete (`.`, `=`, `(`): read it.
      endIndex++;
    }
  }
  if (afterIndex < endIndex) afterIndex = endIndex;
  const frame = scanFrames(tokens, endIndex);
  return { tokens, frame, partial, range, inString, inLiteral, endIndex, afterIndex };
}

function scanFrames(tokens: Token[], endIndex: number): Frame {
  let top = newFrame('query', undefined, -1);
  const push = (item: Item) => top.segment.push(item);
  const reset = (frame: Frame, start: SegmentStart) => {
    frame.segment = [];
    frame.segmentStart = start;
  };
  for (let i = 0; i < endIndex; i++) {
    const t = tokens[i]!;
    const q = queryOf(top);
    if (t.type === 'punct') {
      if (t.text === '(') {
        const next = tokens[i + 1];
        const inCondition = q.clause === 'WHERE' || q.clause === 'HAVING';
        const last = lastToken(top.segment);
        let frame: Frame;
        if (isWordToken(next, 'SELECT')) {
          frame = newFrame('query', top, i);
          frame.role = inCondition ? 'semi' : 'child';
          if (inCondition) frame.comparison = [...top.segment];
        } else if (
          inCondition &&
          last &&
          (isWordToken(last, 'IN') ||
            isWordToken(last, 'INCLUDES') ||
            isWordToken(last, 'EXCLUDES'))
        ) {
          frame = newFrame('list', top, i);
          frame.comparison = [...top.segment];
        } else if (last && last.type === 'word' && !q.typeofTokens) {
          frame = newFrame('call', top, i);
          frame.callName = last.upper;
        } else {
          frame = newFrame('group', top, i);
        }
        top = frame;
        continue;
      }
      if (t.text === ')') {
        if (top.parent) {
          if (top.type === 'call' || top.type === 'list') top.args.push(top.segment);
          const closed = top;
          top = top.parent;
          push({ kind: 'group', frame: closed });
        }
        continue;
      }
      if (t.text === ',') {
        if (top === q && q.typeofTokens) q.typeofTokens.push(t);
        else if (top.type === 'call' || top.type === 'list') {
          top.args.push(top.segment);
          reset(top, 'comma');
        } else if (
          top === q &&
          (q.clause === 'SELECT' || q.clause === 'GROUP' || q.clause === 'ORDER')
        ) {
          reset(q, 'comma');
        } else push({ kind: 'token', token: t });
        continue;
      }
      if (top === q && q.typeofTokens) q.typeofTokens.push(t);
      else push({ kind: 'token', token: t });
      continue;
    }
    if (t.type !== 'word') {
      if (top === q && q.typeofTokens) q.typeofTokens.push(t);
      else push({ kind: 'token', token: t });
      continue;
    }
    const word = t.upper;
    if (word === 'SELECT' && q.clause === 'NONE') {
      top = q;
      q.clause = 'SELECT';
      q.selectIndex = i;
      reset(q, 'clause');
      continue;
    }
    if (q.typeofTokens && top === q) {
      if (word === 'END') {
        q.typeofTokens = undefined;
        push({ kind: 'token', token: t });
        continue;
      }
      if (word !== 'FROM') {
        q.typeofTokens.push(t);
        continue;
      }
      q.typeofTokens = undefined;
    }
    if (word === 'FROM' && q.parent && q.clause !== 'SELECT' && q.clause !== 'NONE') {
      // A second FROM in a subquery whose `)` is not written yet: it belongs further out (see
      // findFrom). Close the subquery and read the FROM again in the enclosing query.
      top = q.parent;
      push({ kind: 'group', frame: q });
      i--;
      continue;
    }
    if (isClauseKeyword(tokens, i, q, top)) {
      top = q;
      q.clause = word as Clause;
      q.logicalOp = undefined;
      q.pending =
        word === 'GROUP' || word === 'ORDER' ? 'BY' : word === 'USING' ? 'SCOPE' : undefined;
      reset(q, 'clause');
      continue;
    }
    if (q.pending && top === q && q.segment.length === 0) {
      if (word === q.pending) {
        q.pending = undefined;
        q.segmentStart = 'by';
        continue;
      }
    }
    if (
      (q.clause === 'WHERE' || q.clause === 'HAVING') &&
      (top.type === 'query' || top.type === 'group')
    ) {
      if (word === 'AND' || word === 'OR') {
        top.logicalOp ??= word;
        reset(top, word);
        continue;
      }
      if (word === 'NOT' && top.segment.length === 0) {
        top.segmentStart = 'NOT';
        continue;
      }
    }
    if (word === 'TYPEOF' && top === q && q.clause === 'SELECT' && q.segment.length === 0) {
      q.typeofTokens = [];
      push({ kind: 'token', token: t });
      continue;
    }
    push({ kind: 'token', token: t });
  }
  return top;
}

/** Whether the word at `i` starts a clause of query `q` (rather than naming something). */
function isClauseKeyword(tokens: Token[], i: number, q: Frame, top: Frame): boolean {
  const t = tokens[i]!;
  const word = t.upper;
  if (isPunctToken(tokens[i + 1], '.')) return false; // `Order.OrderNumber`: a relationship
  if (word === 'FROM') return q.clause === 'SELECT' || q.clause === 'NONE';
  if (!CLAUSES_AFTER_FROM.has(word) || q.clause === 'NONE') return false;
  // `FROM Group`, `FROM Order`: the object name position takes any word.
  if (q.clause === 'FROM' && top === q && q.segment.length === 0) return false;
  if (word === 'UPDATE' && q.clause === 'FOR' && top === q && q.segment.length === 0) return false;
  return true;
}

export interface FromInfo {
  name: string;
  alias?: string;
}

/**
 * The FROM of a query frame, wherever it is (often after the cursor). Reads on from the SELECT,
 * skipping nested subqueries; parentheses left open by the user (`COUNT(` while typing) do not
 * hide a FROM, since a FROM can never stand inside a call.
 */
export function findFrom(tokens: Token[], q: Frame): FromInfo | undefined {
  const start = q.selectIndex >= 0 ? q.selectIndex + 1 : q.openIndex + 1;
  // Open parentheses: a subquery's (with whether its FROM was seen), or any other.
  const open: { subquery: boolean; from: boolean }[] = [];
  for (let i = start; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type === 'punct') {
      if (t.text === '(')
        open.push({ subquery: isWordToken(tokens[i + 1], 'SELECT'), from: false });
      else if (t.text === ')') {
        if (open.length === 0) return undefined;
        open.pop();
      }
      continue;
    }
    if (t.type !== 'word' || t.upper !== 'FROM') continue;
    // A second FROM inside a subquery means its `)` is not written yet (`(SELECT Id FROM Con
    // FROM Account` while typing): the subquery ends there and the FROM belongs further out.
    let inner = open.findLastIndex((p) => p.subquery);
    while (inner >= 0 && open[inner]!.from) {
      open.length = inner;
      inner = open.findLastIndex((p) => p.subquery);
    }
    if (inner >= 0) {
      open[inner]!.from = true;
      continue;
    }
    const name = tokens[i + 1];
    if (!isWordToken(name) || isPunctToken(tokens[i + 2], '.')) return undefined;
    const alias = tokens[i + 2];
    const info: FromInfo = { name: name!.text };
    if (isWordToken(alias) && !CLAUSES_AFTER_FROM.has(alias!.upper)) info.alias = alias!.text;
    return info;
  }
  return undefined;
}

/**
 * Clauses of the cursor's query written after the cursor: whether FROM is there and the lowest
 * rank of a later clause, so completion offers only clauses that fit in between.
 */
export function clausesAfter(
  tokens: Token[],
  fromIndex: number,
): { from: boolean; minRank: number } {
  let depth = 0;
  let from = false;
  let minRank = Number.POSITIVE_INFINITY;
  for (let i = fromIndex; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type === 'punct') {
      if (t.text === '(') depth++;
      else if (t.text === ')') {
        if (depth === 0) break;
        depth--;
      }
      continue;
    }
    if (depth > 0 || t.type !== 'word' || isPunctToken(tokens[i + 1], '.')) continue;
    if (t.upper === 'FROM') from = true;
    else if (CLAUSES_AFTER_FROM.has(t.upper)) {
      // The word right after FROM is the object name, even when it is `Group` or `Order`.
      if (isWordToken(tokens[i - 1], 'FROM')) continue;
      minRank = Math.min(minRank, CLAUSE_RANK[t.upper as Clause]);
    }
  }
  return { from, minRank };
}
