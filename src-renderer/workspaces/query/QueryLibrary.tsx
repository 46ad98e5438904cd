import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { ApiResult } from '../../../src-shared/api';
import { api } from '../../api';
import { Icon } from '../../components/Icon';

type HistoryEntry = ApiResult<'query.history'>['entries'][number];
type SavedQuery = ApiResult<'query.saved'>['queries'][number];

interface QueryLibraryProps {
  /** Bumped after each run or save: the lists reload. */
  refreshKey: number;
  currentSoql: () => string;
  onPick: (soql: string) => void;
  onClose: () => void;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

function when(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const sameDay = date.toDateString() === new Date().toDateString();
  return sameDay
    ? date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

async function fetchLibrary(): Promise<[HistoryEntry[], SavedQuery[]]> {
  const [h, s] = await Promise.all([api.query.history({ limit: 100 }), api.query.saved()]);
  return [h.entries, s.queries];
}

/** History and saved queries; picking one puts it in the editor. */
export function QueryLibrary({ refreshKey, currentSoql, onPick, onClose }: QueryLibraryProps) {
  const [history, setHistory] = useState<HistoryEntry[] | null>(null);
  const [saved, setSaved] = useState<SavedQuery[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      const [h, s] = await fetchLibrary();
      setHistory(h);
      setSaved(s);
      setError(null);
    } catch (e) {
      setError(errorText(e));
    }
  }, []);

  useEffect(() => {
    let current = true;
    fetchLibrary().then(
      ([h, s]) => {
        if (!current) return;
        setHistory(h);
        setSaved(s);
        setError(null);
      },
      (e: unknown) => {
        if (current) setError(errorText(e));
      },
    );
    return () => {
      current = false;
    };
  }, [refreshKey]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const soql = currentSoql().trim();
    if (!name.trim() || !soql) return;
    setBusy(true);
    try {
      await api.query.save({ name: name.trim(), soql });
      setName('');
      await load();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (id: string) => {
    try {
      await api.query.removeSaved({ id });
      await load();
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <aside
      className="query-library"
      aria-label="Query history and saved queries"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <header className="query-library__header">
        <h2>Queries</h2>
        <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
          <Icon name="close" size={16} />
        </button>
      </header>
      {error ? (
        <p className="query-library__error" role="alert">
          {error}
        </p>
      ) : null}

      <section aria-label="Saved queries">
        <h3>Saved</h3>
        <form className="query-library__save" onSubmit={(e) => void save(e)}>
          <input
            type="text"
            placeholder="Name for the query in the editor"
            aria-label="Name for the saved query"
            value={name}
            maxLength={120}
            onChange={(e) => setName(e.target.value)}
          />
          <button type="submit" className="button button--small" disabled={busy || !name.trim()}>
            Save
          </button>
        </form>
        {saved === null ? (
          <p className="muted">Loading…</p>
        ) : saved.length === 0 ? (
          <p className="muted">Nothing saved yet: name the query in the editor and save it.</p>
        ) : (
          <ul className="query-library__list">
            {saved.map((q) => (
              <li key={q.id}>
                <button
                  type="button"
                  className="query-library__item"
                  onClick={() => onPick(q.soql)}
                >
                  <span className="query-library__name">{q.name}</span>
                  <code className="query-library__soql">{q.soql}</code>
                </button>
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Delete saved query ${q.name}`}
                  onClick={() => void remove(q.id)}
                >
                  <Icon name="close" size={14} />
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-label="Query history">
        <h3>History</h3>
        {history === null ? (
          <p className="muted">Loading…</p>
        ) : history.length === 0 ? (
          <p className="muted">Queries you run appear here.</p>
        ) : (
          <ul className="query-library__list">
            {history.map((entry) => (
              <li key={entry.id}>
                <button
                  type="button"
                  className="query-library__item"
                  onClick={() => onPick(entry.soql)}
                >
                  <code className="query-library__soql">{entry.soql}</code>
                  <span className="query-library__meta">
                    {when(entry.ranAt)} ·{' '}
                    {entry.error ? (
                      <span className="query-library__failed">failed</span>
                    ) : (
                      `${(entry.rowCount ?? 0).toLocaleString()} rows`
                    )}
                    {entry.durationMs !== null ? ` · ${entry.durationMs} ms` : ''}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
    </aside>
  );
}
