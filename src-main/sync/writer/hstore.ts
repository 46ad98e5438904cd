// The text form of hstore, as the log triggers store `values` and `old`: `"key"=>"value",
// "k2"=>NULL`, with `\"` and `\\` escaped inside quotes. Parsed by hand: a drain reads tens of
// thousands of these, and a regular expression per pair is several times slower.

export class HstoreParseError extends Error {
  override readonly name = 'HstoreParseError';
}

const QUOTE = 0x22; // "
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const EQUALS = 0x3d;
const GREATER = 0x3e;

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/**
 * Key/value pairs of an hstore's text (null values stay null). Also reads the unquoted tokens
 * hstore accepts as input, so a hand-edited row parses too. An empty or null text is no pairs.
 */
export function parseHstore(text: string | null | undefined): Map<string, string | null> {
  const pairs = new Map<string, string | null>();
  if (!text) return pairs;
  const length = text.length;
  let pos = 0;

  const fail = (what: string): never => {
    throw new HstoreParseError(
      `The trigger-log value ${JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text)} ` +
        `is not hstore text: ${what} at character ${pos + 1}.`,
    );
  };
  const skipSpaces = () => {
    while (pos < length && isSpace(text.charCodeAt(pos))) pos++;
  };

  /** A quoted or bare token; `quoted` says which (a bare NULL is a null value). */
  const readToken = (): { value: string; quoted: boolean } => {
    if (text.charCodeAt(pos) === QUOTE) {
      pos++;
      const start = pos;
      const end = text.indexOf('"', pos);
      if (end < 0) fail('an unterminated quote');
      const escape = text.indexOf('\\', pos);
      if (escape < 0 || escape > end) {
        // The common case: no escapes inside.
        pos = end + 1;
        return { value: text.slice(start, end), quoted: true };
      }
      let value = '';
      let from = start;
      for (;;) {
        const backslash = text.indexOf('\\', from);
        const quote = text.indexOf('"', from);
        if (quote < 0) fail('an unterminated quote');
        if (backslash >= 0 && backslash < quote) {
          value += text.slice(from, backslash) + text.charAt(backslash + 1);
          from = backslash + 2;
          continue;
        }
        value += text.slice(from, quote);
        pos = quote + 1;
        return { value, quoted: true };
      }
    }
    const start = pos;
    while (pos < length) {
      const code = text.charCodeAt(pos);
      if (isSpace(code) || code === COMMA || code === EQUALS) break;
      if (code === BACKSLASH) pos++;
      pos++;
    }
    if (pos === start) fail('a missing key or value');
    return { value: text.slice(start, pos).replace(/\\(.)/g, '$1'), quoted: false };
  };

  skipSpaces();
  while (pos < length) {
    const key = readToken().value;
    skipSpaces();
    if (text.charCodeAt(pos) !== EQUALS || text.charCodeAt(pos + 1) !== GREATER) fail('"=>"');
    pos += 2;
    skipSpaces();
    const token = readToken();
    pairs.set(key, !token.quoted && token.value.toUpperCase() === 'NULL' ? null : token.value);
    skipSpaces();
    if (pos < length) {
      if (text.charCodeAt(pos) !== COMMA) fail('a comma between pairs');
      pos++;
      skipSpaces();
    }
  }
  return pairs;
}

/** hstore text of key/value pairs, as Postgres prints it (what parseHstore reads back). */
export function formatHstore(pairs: ReadonlyMap<string, string | null>): string {
  const quote = (text: string) => `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  return [...pairs]
    .map(([key, value]) => `${quote(key)}=>${value === null ? 'NULL' : quote(value)}`)
    .join(', ');
}
