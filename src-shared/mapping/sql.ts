// SQL text helpers for the planner. Every identifier that comes from a mapping or a describe goes
// through quoteIdentifier; every literal through quoteLiteral. Nothing else builds SQL from names.

/** Postgres keeps at most NAMEDATALEN - 1 = 63 bytes of an identifier and cuts the rest. */
export const MAX_IDENTIFIER_BYTES = 63;

export class SqlNameError extends Error {
  override readonly name = 'SqlNameError';
}

function utf8Length(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint < 0x10000) return 3;
  return 4;
}

export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (const ch of text) bytes += utf8Length(ch.codePointAt(0)!);
  return bytes;
}

/** A name Postgres can hold at all: not empty, no NUL character (the wire protocol forbids it). */
export function assertIdentifier(name: string, what: string): void {
  if (name.length === 0) throw new SqlNameError(`${what} is empty; give it a name.`);
  if (name.includes('\u0000')) {
    throw new SqlNameError(
      `${what} ${JSON.stringify(name)} contains a NUL character, which Postgres cannot store in a name.`,
    );
  }
}

/**
 * The name Postgres will actually store: cut to 63 bytes on a character boundary, as the server
 * does. The planner names things with this so a snapshot read back compares equal.
 */
export function truncateIdentifier(name: string): string {
  if (utf8ByteLength(name) <= MAX_IDENTIFIER_BYTES) return name;
  let bytes = 0;
  let out = '';
  for (const ch of name) {
    const size = utf8Length(ch.codePointAt(0)!);
    if (bytes + size > MAX_IDENTIFIER_BYTES) break;
    bytes += size;
    out += ch;
  }
  return out;
}

/** `"name"` with embedded double quotes doubled: safe for any name that passes assertIdentifier. */
export function quoteIdentifier(name: string): string {
  assertIdentifier(name, 'An SQL name');
  return `"${name.replaceAll('"', '""')}"`;
}

/** `"schema"."name"`. */
export function qualifiedName(schema: string, name: string): string {
  return `${quoteIdentifier(schema)}.${quoteIdentifier(name)}`;
}

/**
 * A standard-conforming string literal. Backslashes need no escaping with
 * standard_conforming_strings on (the default since 9.1); E'' strings are never produced.
 */
export function quoteLiteral(value: string): string {
  if (value.includes('\u0000')) {
    throw new SqlNameError(`A text value contains a NUL character, which Postgres cannot store.`);
  }
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * Wraps a function body in dollar quotes whose tag does not occur inside it, so no text in the
 * body (a schema name in a literal, say) can end the body early.
 */
export function dollarQuote(body: string, tag = 'fn'): string {
  let candidate = tag;
  // The closing tag must be the first occurrence, also where the body's tail meets it.
  const clashes = (t: string) => `${body}$${t}$`.indexOf(`$${t}$`) !== body.length;
  for (let n = 1; clashes(candidate); n++) candidate = `${tag}${n}`;
  return `$${candidate}$${body}$${candidate}$`;
}
