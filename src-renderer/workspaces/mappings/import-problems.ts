// Why an import was refused, in sentences a person can act on: a problem inside a mapping names
// the mapping's object ("Account: access must be …") rather than a JSON path, and a key the
// message already starts with is not said twice ("access access must be …").

export interface ImportProblem {
  /** Where in the file, as the parser writes it: `mappings[0].config.access`, `(file)`. */
  path: string;
  message: string;
}

/** `1 problem to fix in bad.json:` — the heading above the list. */
export function importProblemsHeading(file: string, count: number): string {
  return `${count} problem${count === 1 ? '' : 's'} to fix in ${file}:`;
}

const TOKEN = /\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;

/** The keys and indexes of a path the parser formatted; null when it is not one. */
function pathTokens(path: string): Array<string | number> | null {
  const tokens: Array<string | number> = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < path.length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(path);
    if (!match || TOKEN.lastIndex === at) return null;
    if (match[1] !== undefined) tokens.push(match[1]);
    else if (match[2] !== undefined) tokens.push(Number(match[2]));
    else tokens.push(JSON.parse(match[3]!) as string);
  }
  return tokens;
}

function formatTokens(tokens: ReadonlyArray<string | number>): string {
  let out = '';
  for (const token of tokens) {
    if (typeof token === 'number') out += `[${token}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(token)) out += out ? `.${token}` : token;
    else out += `[${JSON.stringify(token)}]`;
  }
  return out;
}

/** The object names of the file's mappings, by position, as far as the JSON can be read. */
function objectNames(text: string | null): Array<string | null> {
  if (text === null) return [];
  try {
    const root: unknown = JSON.parse(text);
    const mappings =
      typeof root === 'object' && root !== null && 'mappings' in root ? root.mappings : undefined;
    if (!Array.isArray(mappings)) return [];
    return mappings.map((m: unknown) =>
      typeof m === 'object' &&
      m !== null &&
      'object_name' in m &&
      typeof m.object_name === 'string' &&
      m.object_name.trim() !== ''
        ? m.object_name
        : null,
    );
  } catch {
    return [];
  }
}

/**
 * Each problem as one line: the mapping it is in (by object name, or "Mapping 2" when the object
 * name is what is wrong), what is left of the path when the message does not name it, then the
 * message.
 */
export function importProblemLines(text: string | null, problems: readonly ImportProblem[]) {
  const names = objectNames(text);
  return problems.map((problem): string => {
    const { path, message } = problem;
    if (path === '(file)') return message.startsWith('not ') ? `The file is ${message}` : message;
    if (path === '(top level)') return message.charAt(0).toUpperCase() + message.slice(1);
    const tokens = pathTokens(path);
    if (tokens === null) return `${path}: ${message}`;
    let where: string | null = null;
    let rest = tokens;
    if (tokens[0] === 'mappings' && typeof tokens[1] === 'number') {
      const index = tokens[1];
      where = names[index] ?? `Mapping ${index + 1}`;
      rest = tokens.slice(2);
    }
    const last = rest.at(-1);
    if (typeof last === 'string' && message.startsWith(`${last} `)) rest = rest.slice(0, -1);
    // Inside a mapping every setting is under config: saying so adds nothing.
    if (where !== null && rest[0] === 'config') rest = rest.slice(1);
    const inside = formatTokens(rest);
    if (where === null) return inside ? `${inside}: ${message}` : message;
    return inside ? `${where} (${inside}): ${message}` : `${where}: ${message}`;
  });
}
