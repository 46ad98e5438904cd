import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { GlobalSObject } from '../../../src-shared/salesforce';
import { api } from '../../api';
import { Editor, type CodeEditor } from '../../components/Editor';
import { EmptyState } from '../../components/EmptyState';
import { monaco } from '../../components/monaco';
import { DescribeCatalogStore } from '../../state/describe-catalog';
import { useHashLocation } from '../../state/route';
import { useActiveProfiles, useStudio } from '../../state/studio';
import { FirstStep } from '../FirstStep';
import { CompareView, useCompare } from './CompareView';
import { QueryLibrary } from './QueryLibrary';
import { ResultGrid } from './ResultGrid';
import { errorPosition, toCsv, toJson } from './result-model';
import {
  ORG_MARKERS,
  SOQL_LANGUAGE,
  attachEagerSuggest,
  attachSoqlDiagnostics,
  registerSoqlLanguage,
  setSoqlCatalog,
  soqlEditorOptions,
} from './soql-language';
import { SqlView, useSqlQuery } from './SqlView';
import { needsRerun } from './org-query-state';
import { useOrgQuery } from './use-org-query';
import './query.css';

type Tab = 'results' | 'sql' | 'compare';

const TEXT_KEY = 'connect-studio.query.text';
const DEFAULT_SOQL = 'SELECT Id, Name FROM Account LIMIT 100';
const isMac = /Mac/i.test(navigator.platform);
const runKey = isMac ? '⌘↵' : 'Ctrl+Enter';

/** What a run sends: the selection if any, else everything, and where it starts in the model. */
interface RunSource {
  soql: string;
  /** Model offset of the first character of `soql`. */
  startOffset: number;
}

function runSource(editor: CodeEditor): RunSource | null {
  const model = editor.getModel();
  if (!model) return null;
  const selection = editor.getSelection();
  const useSelection = selection !== null && !selection.isEmpty();
  const text = useSelection ? model.getValueInRange(selection) : model.getValue();
  const base = useSelection ? model.getOffsetAt(selection.getStartPosition()) : 0;
  const trimmed = text.trim();
  if (!trimmed) return null;
  // The API trims what it is sent; positions in its errors count from the first non-space.
  return { soql: trimmed, startOffset: base + (text.length - text.trimStart().length) };
}

/** Puts the org's error where it points (`Row:1:Column:17` of what was sent). */
function markOrgError(editor: CodeEditor, source: RunSource, message: string): void {
  const model = editor.getModel();
  const position = errorPosition(message);
  if (!model || !position) return;
  const lines = source.soql.split('\n');
  let offset = 0;
  for (let i = 0; i < position.line - 1 && i < lines.length; i++) offset += lines[i]!.length + 1;
  offset += position.column - 1;
  const start = model.getPositionAt(source.startOffset + Math.min(offset, source.soql.length));
  const word = model.getWordAtPosition(start);
  const endColumn = word && word.startColumn === start.column ? word.endColumn : start.column + 1;
  const lastLine = message.trim().split('\n').pop() ?? message;
  monaco.editor.setModelMarkers(model, ORG_MARKERS, [
    {
      severity: monaco.MarkerSeverity.Error,
      message: `The org: ${lastLine}`,
      startLineNumber: start.lineNumber,
      startColumn: start.column,
      endLineNumber: start.lineNumber,
      endColumn,
    },
  ]);
  editor.revealPositionInCenterIfOutsideViewport(start);
}

function download(name: string, type: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Runs `action` on the query, unless the editor is empty. */
function ifWritten(soql: string, action: (soql: string) => Promise<void>): void {
  if (soql) void action(soql);
}

function initialText(fromHash: string | null): string {
  if (fromHash) return fromHash;
  try {
    return localStorage.getItem(TEXT_KEY) ?? DEFAULT_SOQL;
  } catch {
    return DEFAULT_SOQL;
  }
}

export function QueryWorkspace() {
  const { org } = useActiveProfiles();
  const [orgKey, setOrgKey] = useState<string | null>(null);
  if (!org) {
    return (
      <div className="workspace">
        <header className="workspace__header">
          <h1>Query</h1>
          <p className="muted">
            SOQL with relationship completion, and the same query over Postgres.
          </p>
        </header>
        <EmptyState
          icon="query"
          title="Query across relationships"
          action={<FirstStep needs={['org']} />}
        >
          <p>
            Write SOQL with completion for fields, parent paths and child subqueries; see nested
            results; run the same query as SQL over the mapped tables and compare the two answers
            record by record.
          </p>
        </EmptyState>
      </div>
    );
  }
  // Another org means a new catalog and empty results: remount. The profile alone does not say
  // which org it reaches (an edit or a new sign-in may point it elsewhere); the studio's orgKey
  // does.
  return (
    <QueryView
      key={`${org.id} ${org.updatedAt} ${orgKey ?? ''}`}
      orgKey={orgKey}
      onOrgChanged={setOrgKey}
    />
  );
}

/** Calls `changed` when an answer names another org than the one known before it. */
function orgKeyWatcher(initial: string | null, changed: (orgKey: string) => void) {
  let known = initial;
  return (orgKey: string | undefined) => {
    if (!orgKey) return;
    const before = known;
    known = orgKey;
    if (before !== null && before !== orgKey) changed(orgKey);
  };
}

interface QueryViewProps {
  /** The org this view was made for, when known. */
  orgKey: string | null;
  /** The studio answered for another org than this view was made for. */
  onOrgChanged(orgKey: string): void;
}

function QueryView({ orgKey, onOrgChanged }: QueryViewProps) {
  const { settings } = useStudio();
  const location = useHashLocation();
  const soqlFromHash = location.workspace === 'query' ? location.params.get('soql') : null;

  // Both props stay the same for the view's life (its key includes orgKey; onOrgChanged is a
  // state setter), so the store is made once.
  const store = useMemo(() => {
    const noteOrg = orgKeyWatcher(orgKey, onOrgChanged);
    return new DescribeCatalogStore({
      listObjects: async () => {
        const answer = await api.schema.objects();
        noteOrg(answer.orgKey);
        return answer.objects.map((o): GlobalSObject => ({
          name: o.name,
          label: o.label,
          keyPrefix: o.keyPrefix,
          custom: o.custom,
          queryable: o.queryable,
        }));
      },
      describeMany: (objects) => api.schema.describeMany({ objects }),
    });
  }, [orgKey, onOrgChanged]);

  useEffect(() => {
    registerSoqlLanguage();
    setSoqlCatalog(store);
    const offs = [
      api.on('schema.describeUpdated', ({ object }) => store.invalidate(object)),
      api.on('schema.objectsUpdated', () => void store.reloadObjectList().catch(() => undefined)),
    ];
    return () => {
      setSoqlCatalog(null);
      offs.forEach((off) => off());
    };
  }, [store]);

  const [tab, setTab] = useState<Tab>('results');
  const [queryAll, setQueryAll] = useState(false);
  const [libraryOpen, setLibraryOpen] = useState(false);
  const [libraryKey, setLibraryKey] = useState(0);
  const editorRef = useRef<CodeEditor | null>(null);
  const [firstText] = useState(() => initialText(soqlFromHash));

  const orgQuery = useOrgQuery();
  const sql = useSqlQuery();
  const compare = useCompare();

  const apiVersionRef = useRef<string | undefined>(settings?.defaultApiVersion);
  useEffect(() => {
    apiVersionRef.current = settings?.defaultApiVersion;
  }, [settings?.defaultApiVersion]);

  const runOnOrg = useCallback(async () => {
    const editor = editorRef.current;
    if (!editor) return;
    const source = runSource(editor);
    if (!source) return;
    const model = editor.getModel();
    if (model) monaco.editor.setModelMarkers(model, ORG_MARKERS, []);
    const error = await orgQuery.run(source.soql, queryAll);
    setLibraryKey((k) => k + 1);
    if (error) markOrgError(editor, source, error.message);
  }, [orgQuery, queryAll]);

  const currentSoql = useCallback(() => {
    const editor = editorRef.current;
    return editor ? (runSource(editor)?.soql ?? '') : '';
  }, []);

  const runCurrentTab = useCallback(() => {
    const soql = currentSoql();
    if (!soql) return;
    if (tab === 'results') void runOnOrg();
    else if (tab === 'sql') void sql.run(soql);
    else void compare.run(soql);
  }, [tab, currentSoql, runOnOrg, sql, compare]);

  // Monaco's command is bound once; it calls whatever run is current.
  const runRef = useRef(runCurrentTab);
  useEffect(() => {
    runRef.current = runCurrentTab;
  }, [runCurrentTab]);

  const onEditor = useCallback(
    (editor: CodeEditor | null) => {
      editorRef.current = editor;
      if (!editor) return;
      editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => runRef.current());
      // Monaco binds formatting to Ctrl+Shift+I on Linux; Shift+Alt+F works everywhere here.
      editor.addCommand(monaco.KeyMod.Shift | monaco.KeyMod.Alt | monaco.KeyCode.KeyF, () => {
        void editor.getAction('editor.action.formatDocument')?.run();
      });
      const detach = attachSoqlDiagnostics(editor, store, () => apiVersionRef.current);
      const detachSuggest = attachEagerSuggest(editor);
      const changes = editor.onDidChangeModelContent(() => {
        const model = editor.getModel();
        // The org's error was about the text as it was sent.
        if (model) monaco.editor.setModelMarkers(model, ORG_MARKERS, []);
        try {
          localStorage.setItem(TEXT_KEY, editor.getValue());
        } catch {
          // storage full or disabled: the text is just not remembered
        }
      });
      editor.onDidDispose(() => {
        detach();
        detachSuggest();
        changes.dispose();
      });
      editor.focus();
    },
    [store],
  );

  // `#/query?soql=…` (Schema's "Open in Query"): put that text in the editor.
  useEffect(() => {
    const editor = editorRef.current;
    if (soqlFromHash && editor && editor.getValue() !== soqlFromHash) {
      editor.setValue(soqlFromHash);
      editor.focus();
    }
  }, [soqlFromHash]);

  const pick = useCallback((soql: string) => {
    const editor = editorRef.current;
    if (!editor) return;
    const model = editor.getModel();
    if (model) {
      editor.pushUndoStop();
      editor.executeEdits('query-library', [{ range: model.getFullModelRange(), text: soql }]);
      editor.pushUndoStop();
    }
    editor.focus();
  }, []);

  const format = () => {
    const editor = editorRef.current;
    if (!editor) return;
    editor.focus();
    void editor.getAction('editor.action.formatDocument')?.run();
  };

  useEffect(() => {
    if (!libraryOpen) return;
    const onKey = (e: KeyboardEvent) => {
      // An Escape the editor used (closing its suggestions) leaves the panel open.
      if (e.key === 'Escape' && !e.defaultPrevented) setLibraryOpen(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [libraryOpen]);

  const q = orgQuery.state;
  const loaded = q.records.length;

  return (
    <div className="query-workspace">
      <div className="query-main">
        <header className="query-header">
          <h1>Query</h1>
          <div className="segmented query-tabs" role="tablist" aria-label="Query views">
            {(
              [
                ['results', 'Salesforce'],
                ['sql', 'SQL (Postgres)'],
                ['compare', 'Compare'],
              ] as const
            ).map(([id, label]) => (
              <button
                key={id}
                type="button"
                role="tab"
                aria-selected={tab === id}
                className={tab === id ? 'is-selected' : ''}
                onClick={() => setTab(id)}
              >
                {label}
              </button>
            ))}
          </div>
          <span className="spacer" />
          <button
            type="button"
            className={'button button--small' + (libraryOpen ? ' is-pressed' : '')}
            aria-pressed={libraryOpen}
            onClick={() => setLibraryOpen((open) => !open)}
          >
            History &amp; saved
          </button>
        </header>

        <div className="query-editor">
          <Editor
            initialValue={firstText}
            language={SOQL_LANGUAGE}
            ariaLabel="SOQL query"
            placeholder={`SELECT Id, Name FROM Account — ${runKey} runs it`}
            onEditor={onEditor}
            options={soqlEditorOptions}
          />
        </div>

        {tab === 'results' ? (
          <>
            <div className="query-toolbar">
              <button
                type="button"
                className="button button--primary button--small"
                onClick={() => void runOnOrg()}
                disabled={q.running}
                title={`Run (${runKey}); with a selection, runs the selection`}
              >
                {q.running ? 'Running…' : 'Run'}
              </button>
              <label className="query-toggle">
                <input
                  type="checkbox"
                  checked={queryAll}
                  onChange={(e) => setQueryAll(e.target.checked)}
                />
                Include deleted and archived (queryAll)
              </label>
              <button type="button" className="button button--small button--quiet" onClick={format}>
                Format
              </button>
              <span className="spacer" />
              <button
                type="button"
                className="button button--small"
                disabled={loaded === 0}
                onClick={() =>
                  download('query-results.csv', 'text/csv', toCsv(q.records, q.columns))
                }
              >
                Export CSV
              </button>
              <button
                type="button"
                className="button button--small"
                disabled={loaded === 0}
                onClick={() =>
                  download('query-results.json', 'application/json', toJson(q.records))
                }
              >
                Export JSON
              </button>
            </div>

            {q.error ? (
              <div className="query-error" role="alert" aria-label="Query error">
                <pre className="query-error__message">{q.error.message}</pre>
              </div>
            ) : null}

            {q.pageError ? (
              <div className="query-error" role="alert" aria-label="Page error">
                <pre className="query-error__message">{q.pageError.message}</pre>
                <div className="query-error__actions">
                  {needsRerun(q.pageError) ? (
                    <button
                      type="button"
                      className="button button--small"
                      onClick={() => void orgQuery.run(q.soql, q.all)}
                    >
                      Run the query again
                    </button>
                  ) : (
                    <button
                      type="button"
                      className="button button--small"
                      onClick={() => void orgQuery.more()}
                    >
                      Try again
                    </button>
                  )}
                </div>
              </div>
            ) : null}

            {q.soql && !q.running && !q.error ? (
              <div className="query-status" role="status" aria-label="Result status">
                <span data-testid="row-count">
                  {loaded.toLocaleString()} of {q.totalSize.toLocaleString()} rows
                </span>
                <span>· {q.durationMs.toLocaleString()} ms</span>
                <span>
                  · {q.apiCalls} API call{q.apiCalls === 1 ? '' : 's'}
                </span>
                {q.cursor && q.pageError ? (
                  <span className="muted">· the next page failed</span>
                ) : q.cursor ? (
                  <>
                    <span className="muted">
                      · {q.loadingMore ? 'loading more…' : 'scroll for more'}
                    </span>
                    {q.loadingAll ? (
                      <button
                        type="button"
                        className="button button--small"
                        onClick={orgQuery.stop}
                      >
                        Stop
                      </button>
                    ) : (
                      <button
                        type="button"
                        className="button button--small"
                        onClick={() => void orgQuery.loadAll()}
                      >
                        Load all
                      </button>
                    )}
                  </>
                ) : null}
              </div>
            ) : null}

            {q.soql && !q.error && !q.running ? (
              <ResultGrid
                records={q.records}
                columns={q.columns}
                ariaLabel="Query results"
                // After a failed page, only the banner's button asks again (no retry loop).
                onScrollNearEnd={q.cursor && !q.pageError ? () => void orgQuery.more() : undefined}
              />
            ) : q.running ? (
              <p className="query-hint muted" role="status">
                Running the query…
              </p>
            ) : !q.error ? (
              <p className="query-hint muted">
                Write a query above and press {runKey} (or Run). Completion knows fields, parent
                paths such as Account.Owner.Name and child relationships in subqueries.
              </p>
            ) : null}
          </>
        ) : tab === 'sql' ? (
          <SqlView
            state={sql.state}
            onRun={() => ifWritten(currentSoql(), sql.run)}
            onCompile={() => ifWritten(currentSoql(), sql.compile)}
          />
        ) : (
          <CompareView state={compare.state} onRun={() => ifWritten(currentSoql(), compare.run)} />
        )}
      </div>
      {libraryOpen ? (
        <QueryLibrary
          refreshKey={libraryKey}
          currentSoql={() => editorRef.current?.getValue() ?? ''}
          onPick={pick}
          onClose={() => setLibraryOpen(false)}
        />
      ) : null}
    </div>
  );
}
