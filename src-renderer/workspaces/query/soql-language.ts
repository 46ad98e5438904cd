// The 'soql' language for Monaco: Monarch highlighting, completion from the shared engine over
// the renderer's describe catalog, diagnostics from validateSoql as markers, and formatting
// (Shift+Alt+F) through formatSoql. Registered once; the catalog it reads is set by the editor
// that is in use (one Query workspace at a time).
import { monaco, type Monaco } from '../../components/monaco';
import type { CodeEditor } from '../../components/Editor';
import type { DescribeCatalogStore } from '../../state/describe-catalog';
import {
  DATE_LITERALS,
  PARAMETRIC_DATE_LITERALS,
  completeSoql,
  formatSoql,
  parseSoql,
  validateSoql,
  type CompletionItem,
  type CompletionKind,
} from '../../../src-shared/soql';

export const SOQL_LANGUAGE = 'soql';
/** Marker owners: our own checks, and the org's answer to the last run. */
export const SOQL_MARKERS = 'soql';
export const ORG_MARKERS = 'soql-org';

/**
 * Completion answers in well under a millisecond: show it at once, not after Monaco's typing
 * pause, and everywhere (SOQL has no comments; in strings it offers picklist values).
 */
export const soqlEditorOptions: monaco.editor.IStandaloneEditorConstructionOptions = {
  quickSuggestionsDelay: 0,
  quickSuggestions: true,
};

/** How long completion waits for a describe it needs before answering with what it has. */
const COMPLETION_WAIT_MS = 600;

let catalogStore: DescribeCatalogStore | null = null;

/** The catalog completion and diagnostics read (null: none, e.g. no active org). */
export function setSoqlCatalog(store: DescribeCatalogStore | null): void {
  catalogStore = store;
}

// prettier-ignore
const KEYWORDS = [
  'SELECT', 'FROM', 'WHERE', 'AND', 'OR', 'NOT', 'IN', 'LIKE', 'INCLUDES', 'EXCLUDES', 'GROUP',
  'BY', 'HAVING', 'ORDER', 'ASC', 'DESC', 'NULLS', 'FIRST', 'LAST', 'LIMIT', 'OFFSET', 'WITH',
  'TYPEOF', 'WHEN', 'THEN', 'ELSE', 'END', 'USING', 'SCOPE', 'FOR', 'VIEW', 'REFERENCE',
  'UPDATE', 'TRACKING', 'VIEWSTAT', 'ROLLUP', 'CUBE', 'SECURITY_ENFORCED', 'USER_MODE',
  'SYSTEM_MODE', 'DATA', 'CATEGORY', 'AT', 'ABOVE', 'BELOW', 'ABOVE_OR_BELOW', 'NULL', 'TRUE',
  'FALSE', 'FIELDS', 'ALL', 'STANDARD', 'CUSTOM',
];

// prettier-ignore
const FUNCTIONS = [
  'AVG', 'COUNT', 'COUNT_DISTINCT', 'MIN', 'MAX', 'SUM', 'CALENDAR_MONTH', 'CALENDAR_QUARTER',
  'CALENDAR_YEAR', 'DAY_IN_MONTH', 'DAY_IN_WEEK', 'DAY_IN_YEAR', 'DAY_ONLY', 'FISCAL_MONTH',
  'FISCAL_QUARTER', 'FISCAL_YEAR', 'HOUR_IN_DAY', 'WEEK_IN_MONTH', 'WEEK_IN_YEAR',
  'CONVERTTIMEZONE', 'CONVERTCURRENCY', 'TOLABEL', 'FORMAT', 'GROUPING', 'DISTANCE',
  'GEOLOCATION',
];

/** Monarch tokens. SOQL has no comments; words are keywords only by spelling (case-insensitive). */
const soqlTokens: monaco.languages.IMonarchLanguage = {
  ignoreCase: true,
  defaultToken: '',
  keywords: KEYWORDS,
  functions: FUNCTIONS,
  dateLiterals: [...DATE_LITERALS],
  parametricDateLiterals: [...PARAMETRIC_DATE_LITERALS],
  tokenizer: {
    root: [
      [/\s+/, 'white'],
      [/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})/, 'date'],
      [/\d{4}-\d{2}-\d{2}/, 'date'],
      [/[A-Za-z]{3}\d+(\.\d+)?\b/, 'number'], // currency literal: USD5000
      [/\d+(\.\d+)?/, 'number'],
      [/:[A-Za-z_]\w*/, 'variable'],
      [
        /[A-Za-z_][\w]*(?=\s*:\s*\d)/,
        { cases: { '@parametricDateLiterals': 'date-literal', '@default': 'identifier' } },
      ],
      [
        /[A-Za-z_][\w]*/,
        {
          cases: {
            '@dateLiterals': 'date-literal',
            '@keywords': 'keyword',
            '@functions': 'predefined',
            '@default': 'identifier',
          },
        },
      ],
      [/'/, { token: 'string.quote', next: '@string' }],
      [/[()]/, '@brackets'],
      [/[,.]/, 'delimiter'],
      [/[=<>!]+/, 'operator'],
    ],
    string: [
      [/[^\\']+/, 'string'],
      [/\\./, 'string.escape'],
      [/'/, { token: 'string.quote', next: '@pop' }],
    ],
  },
};

const kindOf: Record<CompletionKind, monaco.languages.CompletionItemKind> = {
  keyword: monaco.languages.CompletionItemKind.Keyword,
  object: monaco.languages.CompletionItemKind.Class,
  field: monaco.languages.CompletionItemKind.Field,
  relationship: monaco.languages.CompletionItemKind.Reference,
  childRelationship: monaco.languages.CompletionItemKind.Module,
  function: monaco.languages.CompletionItemKind.Function,
  value: monaco.languages.CompletionItemKind.Value,
  dateLiteral: monaco.languages.CompletionItemKind.Constant,
  snippet: monaco.languages.CompletionItemKind.Snippet,
};

/** Monaco's suggestion for one engine item; `model` turns offsets into positions. */
export function toMonacoSuggestion(
  item: CompletionItem,
  model: monaco.editor.ITextModel,
): monaco.languages.CompletionItem {
  const start = model.getPositionAt(item.range.start);
  const end = model.getPositionAt(item.range.end);
  const suggestion: monaco.languages.CompletionItem = {
    label: item.label,
    kind: kindOf[item.kind],
    insertText: item.insertText ?? item.label,
    range: new monaco.Range(start.lineNumber, start.column, end.lineNumber, end.column),
  };
  if (item.detail) suggestion.detail = item.detail;
  if (item.sortText) suggestion.sortText = item.sortText;
  if (item.kind === 'snippet') {
    suggestion.insertTextRules = monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet;
  }
  // A function's `(` or a relationship's `.` leads straight to what comes next.
  if (suggestion.insertText.endsWith('(') || suggestion.insertText.endsWith('.')) {
    suggestion.command = { id: 'editor.action.triggerSuggest', title: 'Suggest' };
  }
  return suggestion;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let registered = false;

/** Registers the language, its completion and its formatter (once per page). */
export function registerSoqlLanguage(m: Monaco = monaco): void {
  if (registered) return;
  registered = true;
  m.languages.register({ id: SOQL_LANGUAGE, aliases: ['SOQL', 'soql'] });
  m.languages.setMonarchTokensProvider(SOQL_LANGUAGE, soqlTokens);
  m.languages.setLanguageConfiguration(SOQL_LANGUAGE, {
    brackets: [['(', ')']],
    autoClosingPairs: [
      { open: '(', close: ')' },
      { open: "'", close: "'", notIn: ['string'] },
    ],
    surroundingPairs: [
      { open: '(', close: ')' },
      { open: "'", close: "'" },
    ],
    wordPattern: /[A-Za-z_][\w]*|\d+(\.\d+)?/,
  });

  m.languages.registerCompletionItemProvider(SOQL_LANGUAGE, {
    triggerCharacters: ['.', ' ', '(', ','],
    async provideCompletionItems(model, position) {
      const store = catalogStore;
      if (!store) return { suggestions: [] };
      const text = model.getValue();
      const versionAtRequest = model.getVersionId();
      // Load what the query reaches; wait a little, so the first list already has the fields.
      let settled = false;
      const loading = Promise.all([store.ensureObjectList(), store.ensureReached(text)]).then(
        () => {
          settled = true;
        },
        () => {
          settled = true; // no describes (the org is unreachable): complete keywords only
        },
      );
      await Promise.race([loading, delay(COMPLETION_WAIT_MS)]);
      if (!settled) {
        // The describe came late: ask again once it is here, if nothing was typed meanwhile.
        void loading.then(() => retriggerWhereUnchanged(model, versionAtRequest));
      }
      const items = completeSoql(text, model.getOffsetAt(position), store.catalog());
      return { suggestions: items.map((item) => toMonacoSuggestion(item, model)) };
    },
  });

  m.languages.registerDocumentFormattingEditProvider(SOQL_LANGUAGE, {
    provideDocumentFormattingEdits(model) {
      const parsed = parseSoql(model.getValue());
      // A query that does not parse is left as typed: formatting would drop the broken part.
      if (parsed.diagnostics.some((d) => d.severity === 'error')) return [];
      return [{ range: model.getFullModelRange(), text: formatSoql(parsed.query) }];
    },
  });
}

function retriggerWhereUnchanged(model: monaco.editor.ITextModel, version: number): void {
  if (model.isDisposed() || model.getVersionId() !== version) return;
  for (const editor of monaco.editor.getEditors()) {
    if (editor.getModel() === model && editor.hasTextFocus()) {
      editor.trigger('soql-catalog', 'editor.action.triggerSuggest', {});
    }
  }
}

/**
 * Opens suggestions as the first letter of a word is typed. Monaco's own quick suggestions wait
 * for a timer task, which the browser runs only after painting the typed letter; asking here, in
 * the keystroke's own task, lets the list appear in that same frame. Returns a disposer.
 */
export function attachEagerSuggest(editor: CodeEditor): () => void {
  // onDidType is on every code editor at run time; the standalone typings leave it out.
  const typing = editor as unknown as {
    onDidType(listener: (typed: string) => void): { dispose(): void };
  };
  const listener = typing.onDidType((typed) => {
    if (!/^[A-Za-z_]$/.test(typed)) return;
    const model = editor.getModel();
    const position = editor.getPosition();
    if (!model || !position) return;
    const before = model.getLineContent(position.lineNumber).charAt(position.column - 3);
    if (/[\w.]/.test(before)) return; // inside a word: the open list filters itself
    editor.trigger('soql', 'editor.action.triggerSuggest', { auto: true });
  });
  return () => listener.dispose();
}

/**
 * Keeps diagnostics on an editor: after each pause in typing, loads what the query reaches and
 * validates it against the catalog. Answers nothing while the catalog cannot load (an unknown
 * object would otherwise be reported for every name). Returns a disposer.
 */
export function attachSoqlDiagnostics(
  editor: CodeEditor,
  store: DescribeCatalogStore,
  apiVersion: () => string | undefined,
  debounceMs = 300,
): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;
  const check = async () => {
    const model = editor.getModel();
    if (!model || model.isDisposed()) return;
    const version = model.getVersionId();
    const text = model.getValue();
    try {
      await Promise.all([store.ensureObjectList(), store.ensureReached(text)]);
    } catch {
      monaco.editor.setModelMarkers(model, SOQL_MARKERS, []);
      return;
    }
    if (disposed || model.isDisposed() || model.getVersionId() !== version) return;
    const version_ = apiVersion();
    const diagnostics = text.trim()
      ? validateSoql(text, store.catalog(), version_ ? { apiVersion: version_ } : {})
      : [];
    monaco.editor.setModelMarkers(
      model,
      SOQL_MARKERS,
      diagnostics.map((d) => {
        const start = model.getPositionAt(d.range.start);
        // An empty range (a missing name) still gets one character to underline.
        const end = model.getPositionAt(Math.max(d.range.end, d.range.start + 1));
        return {
          severity:
            d.severity === 'error' ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
          message: d.message,
          code: d.errorCode,
          startLineNumber: start.lineNumber,
          startColumn: start.column,
          endLineNumber: end.lineNumber,
          endColumn: end.column,
        };
      }),
    );
  };
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void check(), debounceMs);
  };
  const contentListener = editor.onDidChangeModelContent(schedule);
  // A describe arriving may settle names that were unknown a moment ago.
  const unsubscribe = store.subscribe(schedule);
  schedule();
  return () => {
    disposed = true;
    clearTimeout(timer);
    contentListener.dispose();
    unsubscribe();
  };
}
