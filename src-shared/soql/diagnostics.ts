import type { Range } from './ast';

/**
 * One problem in a query. `errorCode` and `message` are worded as a real org words them
 * (MALFORMED_QUERY, INVALID_FIELD, INVALID_TYPE …), so users recognise them and the local org
 * can answer with them unchanged.
 */
export interface Diagnostic {
  errorCode: string;
  message: string;
  range: Range;
  severity: 'error' | 'warning';
}

export interface LineColumn {
  /** 1-based, as Salesforce reports `ERROR at Row:r:Column:c`. */
  line: number;
  column: number;
}

/** 1-based line and column of an offset. */
export function lineColumnAt(text: string, offset: number): LineColumn {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/**
 * A lookup from offset to line and column for one text, for callers placing many diagnostics:
 * the line starts are found once, then each offset is a binary search.
 */
export function lineColumnIndex(text: string): (offset: number) => LineColumn {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    const at = Math.max(0, Math.min(offset, text.length));
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= at) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: at - starts[low]! + 1 };
  };
}

/**
 * The message a real org sends for a positional error: the query excerpt around the error, a
 * caret under it, `ERROR at Row:r:Column:c`, then the text. The excerpt window (about 30
 * characters either side, widened to whitespace) follows observed samples; the exact algorithm
 * is UNCONFIRMED.
 */
export function salesforceErrorMessage(text: string, diagnostic: Diagnostic): string {
  const { line, column } = lineColumnAt(text, diagnostic.range.start);
  const lines = text.split('\n');
  const source = lines[line - 1] ?? '';
  let from = Math.max(0, column - 1 - 30);
  let to = Math.min(source.length, column - 1 + 30);
  while (from > 0 && source[from - 1] !== ' ') from--;
  while (to < source.length && source[to] !== ' ') to++;
  const excerpt = source.slice(from, to);
  const caret = ' '.repeat(Math.max(0, column - 1 - from)) + '^';
  return `\n${excerpt}\n${caret}\nERROR at Row:${line}:Column:${column}\n${diagnostic.message}`;
}
