// CSV as Bulk API 2.0 speaks it (salesforce-rest.md §2.15, §2.16): a job names its column
// delimiter and line ending; fields may be quoted, with "" for a quote inside, and a quoted
// field may hold delimiters and line breaks. Written by hand: one small reader and writer, no
// dependency.

export const COLUMN_DELIMITERS = {
  COMMA: ',',
  TAB: '\t',
  PIPE: '|',
  SEMICOLON: ';',
  CARET: '^',
  BACKQUOTE: '`',
} as const;

export type ColumnDelimiter = keyof typeof COLUMN_DELIMITERS;

export const LINE_ENDINGS = { LF: '\n', CRLF: '\r\n' } as const;

export type LineEnding = keyof typeof LINE_ENDINGS;

export const isColumnDelimiter = (value: unknown): value is ColumnDelimiter =>
  typeof value === 'string' && Object.hasOwn(COLUMN_DELIMITERS, value);

export const isLineEnding = (value: unknown): value is LineEnding =>
  typeof value === 'string' && Object.hasOwn(LINE_ENDINGS, value);

/** A CSV text that cannot be read, with the 1-based line where reading stopped. */
export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`${message} (line ${line})`);
    this.name = 'CsvError';
  }
}

/**
 * Reads CSV text into rows of strings. Either line ending ends a record, whatever the job says
 * (a file saved on another system still reads). Blank lines are skipped, or read as a record
 * of one empty field with `blankLines: 'empty-record'` (a one-column file whose value is
 * empty writes exactly that: an empty line). A byte-order mark is
 * dropped. A quote inside an unquoted field is kept as a character; a quoted field must close
 * and be followed by a delimiter or the end of the record.
 */
export function parseCsv(
  text: string,
  delimiter: string = ',',
  options: { blankLines?: 'skip' | 'empty-record' } = {},
): string[][] {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new Error(`Unusable CSV delimiter ${JSON.stringify(delimiter)}`);
  }
  const rows: string[][] = [];
  const length = text.length;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let row: string[] = [];
  // Whether the current record has anything yet (so a blank line is not a one-field record).
  let started = false;

  const keepBlank = options.blankLines === 'empty-record';
  const endRecord = (): void => {
    if (started) rows.push(row);
    else if (keepBlank) rows.push(['']);
    row = [];
    started = false;
  };

  while (pos < length) {
    const c = text[pos];
    if (c === '"') {
      // A quoted field: up to the closing quote that is not doubled.
      const startLine = line;
      let value = '';
      let from = pos + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote < 0) throw new CsvError('A quoted field is never closed', startLine);
        value += text.slice(from, quote);
        for (let i = from; i < quote; i++) if (text.charCodeAt(i) === 10) line++;
        if (text[quote + 1] === '"') {
          value += '"';
          from = quote + 2;
          continue;
        }
        pos = quote + 1;
        break;
      }
      row.push(value);
      started = true;
      const next = text[pos];
      if (next === delimiter) {
        pos++;
        if (pos === length) row.push('');
      } else if (next === '\n') {
        pos++;
        line++;
        endRecord();
      } else if (next === '\r' && text[pos + 1] === '\n') {
        pos += 2;
        line++;
        endRecord();
      } else if (next !== undefined) {
        throw new CsvError(
          `Unexpected character ${JSON.stringify(next)} after a closing quote; ` +
            'a quote inside a quoted field must be doubled ("")',
          line,
        );
      }
      continue;
    }
    // An unquoted field: up to the next delimiter or line break.
    let end = pos;
    while (end < length) {
      const d = text[end];
      if (d === delimiter || d === '\n' || (d === '\r' && text[end + 1] === '\n')) break;
      end++;
    }
    const value = text.slice(pos, end);
    const stop = text[end];
    if (value !== '' || started || stop === delimiter) {
      row.push(value);
      started = true;
    }
    if (stop === delimiter) {
      pos = end + 1;
      // A delimiter at the very end of the text leaves one empty field behind it.
      if (pos === length) row.push('');
    } else if (stop === '\n') {
      pos = end + 1;
      line++;
      endRecord();
    } else if (stop === '\r') {
      pos = end + 2;
      line++;
      endRecord();
    } else {
      pos = end;
    }
  }
  // Text that does not end with a line break still has its last record to close.
  if (started) endRecord();
  return rows;
}

/** One field, always quoted (as Salesforce writes its result files), quotes doubled. */
export const quoteCsvField = (value: string): string => `"${value.replaceAll('"', '""')}"`;

/** One record without its line ending. */
export const csvRecord = (fields: readonly string[], delimiter: string = ','): string =>
  fields.map(quoteCsvField).join(delimiter);

/** Rows as CSV text, each record followed by the line ending. */
export function writeCsv(
  rows: readonly (readonly string[])[],
  options: { delimiter?: string; lineEnding?: string } = {},
): string {
  const delimiter = options.delimiter ?? ',';
  const lineEnding = options.lineEnding ?? '\n';
  let out = '';
  for (const row of rows) out += csvRecord(row, delimiter) + lineEnding;
  return out;
}
