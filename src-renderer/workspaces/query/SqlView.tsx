import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, type ApiResult } from '../../../src-shared/api';
import { api } from '../../api';
import { Editor, type CodeEditor } from '../../components/Editor';
import { navigate } from '../../state/route';
import { ResultGrid } from './ResultGrid';
import { resultColumns, type ResultColumn } from './result-model';

type Compiled = ApiResult<'sql.compile'>;
type SqlRun = ApiResult<'sql.run'>;

export interface SqlState {
  soql: string;
  compiled: Compiled | null;
  run: (SqlRun & { columns: ResultColumn[] }) | null;
  busy: 'compiling' | 'running' | null;
  error: { code: string; message: string } | null;
}

const initial: SqlState = { soql: '', compiled: null, run: null, busy: null, error: null };

function asError(error: unknown): { code: string; message: string } {
  if (error instanceof ApiError) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

/** The SOQL compiled to Postgres over the mapped tables, and its answer. */
export function useSqlQuery() {
  const [state, setState] = useState<SqlState>(initial);
  const runId = useRef(0);

  const compile = useCallback(async (soql: string) => {
    const id = ++runId.current;
    setState((s) => ({ ...s, soql, busy: 'compiling', error: null }));
    try {
      const compiled = await api.sql.compile({ soql });
      if (id === runId.current) setState((s) => ({ ...s, compiled, busy: null }));
    } catch (e) {
      if (id === runId.current) {
        setState((s) => ({ ...s, compiled: null, busy: null, error: asError(e) }));
      }
    }
  }, []);

  const run = useCallback(async (soql: string) => {
    const id = ++runId.current;
    setState((s) => ({ ...s, soql, busy: 'running', error: null }));
    try {
      const answer = await api.sql.run({ soql });
      if (id !== runId.current) return;
      const { records, totalSize: _total, durationMs: _ms, ...compiled } = answer;
      setState({
        soql,
        compiled,
        run: { ...answer, columns: resultColumns(soql, records) },
        busy: null,
        error: null,
      });
    } catch (e) {
      if (id === runId.current)
        setState((s) => ({ ...s, run: null, busy: null, error: asError(e) }));
    }
  }, []);

  return { state, compile, run };
}

interface SqlViewProps {
  state: SqlState;
  onRun: () => void;
  onCompile: () => void;
}

/** What to do about an error from the SQL side, as a button or two. */
function ErrorActions({ code, message }: { code: string; message: string }) {
  const [starting, setStarting] = useState(false);
  if (code === 'NO_ACTIVE_DATABASE') {
    return (
      <div className="query-error__actions">
        <button
          type="button"
          className="button button--small button--primary"
          disabled={starting}
          onClick={() => {
            setStarting(true);
            api.embeddedPostgres
              .start()
              .catch(() => undefined)
              .finally(() => setStarting(false));
          }}
        >
          {starting ? 'Starting embedded Postgres…' : 'Use embedded Postgres'}
        </button>
        <button
          type="button"
          className="button button--small"
          onClick={() => navigate('connections')}
        >
          Open Connections
        </button>
      </div>
    );
  }
  if (/not mapped|no mapping|mapping/i.test(message)) {
    return (
      <div className="query-error__actions">
        <button type="button" className="button button--small" onClick={() => navigate('mappings')}>
          Open Mappings
        </button>
      </div>
    );
  }
  return null;
}

export function SqlView({ state, onRun, onCompile }: SqlViewProps) {
  const editorRef = useRef<CodeEditor | null>(null);
  const sqlText = state.compiled?.sql ?? '';

  useEffect(() => {
    const editor = editorRef.current;
    if (editor && editor.getValue() !== sqlText) editor.setValue(sqlText);
  }, [sqlText]);

  return (
    <div className="query-sql">
      <div className="query-toolbar">
        <button
          type="button"
          className="button button--primary button--small"
          onClick={onRun}
          disabled={state.busy !== null}
        >
          {state.busy === 'running' ? 'Running on Postgres…' : 'Run on Postgres'}
        </button>
        <button
          type="button"
          className="button button--small"
          onClick={onCompile}
          disabled={state.busy !== null}
        >
          {state.busy === 'compiling' ? 'Compiling…' : 'Show SQL'}
        </button>
        {state.compiled ? (
          <span className="muted query-toolbar__note">
            Reads {state.compiled.tables.join(', ') || 'no table'} in schema{' '}
            <code>{state.compiled.schemaName}</code>
            {state.compiled.params.length > 0
              ? ` · ${state.compiled.params.length} parameters`
              : ''}
          </span>
        ) : null}
      </div>
      {state.error ? (
        <div className="query-error" role="alert" aria-label="Postgres error">
          <pre className="query-error__message">{state.error.message}</pre>
          <ErrorActions code={state.error.code} message={state.error.message} />
        </div>
      ) : null}
      <div className="query-sql__code" hidden={!state.compiled}>
        <Editor
          initialValue={sqlText}
          language="pgsql"
          readOnly
          ariaLabel="SQL compiled from the query"
          onEditor={(editor) => {
            editorRef.current = editor;
          }}
        />
      </div>
      {state.run ? (
        <>
          <p className="query-status" role="status" aria-label="Postgres result status">
            {state.run.records.length.toLocaleString()} rows · {state.run.durationMs} ms on Postgres
          </p>
          <ResultGrid
            records={state.run.records}
            columns={state.run.columns}
            ariaLabel="Postgres results"
          />
        </>
      ) : !state.error && !state.compiled ? (
        <p className="query-hint muted">
          Run the query over the mapped tables of the active database (Ctrl+Enter), or show the SQL
          it compiles to.
        </p>
      ) : null}
    </div>
  );
}
