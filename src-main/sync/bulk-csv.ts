// CSV as Bulk 2.0 speaks it (RFC 4180: comma, LF or CRLF, fields quoted when they hold a comma,
// quote or line break, quotes doubled). The reader is on the initial-load path (a million rows),
// so it scans with indexOf/charCodeAt and builds each row's object directly.

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

export class CsvFormatError extends Error {
  override readonly name = 'CsvFormatError';
}

export interface ParsedCsv {
  columns: string[];
  /** Rows keyed by header; a missing trailing field is ''. */
  rows: Array<Record<string, string>>;
}

/** Parses a CSV document whose first line is the header. */
export function parseCsv(text: string): ParsedCsv {
  const length = text.length;
  let position = 0;
  // A byte-order mark is not part of the first column's name.
  if (text.charCodeAt(0) === 0xfeff) position = 1;

  let field = '';
  /** Reads one field at `position`; leaves `position` on the delimiter/line end after it. */
  const readField = (): void => {
    if (text.charCodeAt(position) === QUOTE) {
      let start = position + 1;
      let value = '';
      for (;;) {
        const close = text.indexOf('"', start);
        if (close < 0) {
          throw new CsvFormatError(
            `A quoted CSV field opened at character ${position} is never closed.`,
          );
        }
        if (text.charCodeAt(close + 1) === QUOTE) {
          value += text.slice(start, close + 1);
          start = close + 2;
          continue;
        }
        value += text.slice(start, close);
        position = close + 1;
        break;
      }
      const next = text.charCodeAt(position);
      if (position < length && next !== COMMA && next !== LF && next !== CR) {
        throw new CsvFormatError(
          `Unexpected character after a closing quote at character ${position} of the CSV.`,
        );
      }
      field = value;
      return;
    }
    let end = position;
    while (end < length) {
      const c = text.charCodeAt(end);
      if (c === COMMA || c === LF || c === CR) break;
      end++;
    }
    field = text.slice(position, end);
    position = end;
  };
  /** Steps over the delimiter after a field; true when the line (or text) ended. */
  const endOfLine = (): boolean => {
    if (position >= length) return true;
    const c = text.charCodeAt(position);
    if (c === COMMA) {
      position++;
      return false;
    }
    if (c === CR) {
      position++;
      if (text.charCodeAt(position) === LF) position++;
      return true;
    }
    position++; // LF
    return true;
  };

  const columns: string[] = [];
  if (length > position) {
    for (;;) {
      readField();
      columns.push(field);
      if (endOfLine()) break;
    }
  }
  const width = columns.length;
  const rows: Array<Record<string, string>> = [];
  while (position < length) {
    const lineStart = position;
    const row: Record<string, string> = {};
    let index = 0;
    for (;;) {
      readField();
      const column = columns[index];
      if (column === undefined) {
        throw new CsvFormatError(
          `A CSV row (character ${lineStart}) has more than the header's ${width} fields.`,
        );
      }
      row[column] = field;
      index++;
      if (endOfLine()) break;
    }
    // A blank line (a lone empty field) is skipped unless the file has a single column.
    if (index === 1 && width > 1 && field === '' && text.charCodeAt(lineStart) !== QUOTE) continue;
    for (; index < width; index++) row[columns[index]!] = '';
    rows.push(row);
  }
  return { columns, rows };
}

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Writes a header and rows as CSV with LF line endings. */
export function writeCsv(columns: string[], rows: string[][]): string {
  const lines = [columns.map(csvField).join(',')];
  for (const row of rows) lines.push(row.map(csvField).join(','));
  return lines.join('\n') + '\n';
}
