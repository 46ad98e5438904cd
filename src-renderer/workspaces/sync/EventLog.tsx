import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { SyncLogEntry } from '../../../src-shared/api';
import { triggerLogRoute } from '../../state/route';
import { useStudio } from '../../state/studio';
import { formatClock } from './format';

type LevelFilter = 'all' | 'warning' | 'error';

const LEVEL_RANK: Record<SyncLogEntry['level'], number> = { info: 0, warning: 1, error: 2 };
const FILTER_RANK: Record<LevelFilter, number> = { all: 0, warning: 1, error: 2 };

/** Lines within this many pixels of the bottom count as "at the bottom" (keeps following). */
const STICK_PX = 24;

/**
 * The live event log: newest last, following new lines unless the user scrolled up. Memoised:
 * the dashboard re-renders every second for its countdowns, the log only when lines come.
 */
export const EventLog = memo(function EventLog({
  entries,
  error,
}: {
  entries: SyncLogEntry[];
  error: string | null;
}) {
  const { notify } = useStudio();
  const [filter, setFilter] = useState<LevelFilter>('all');
  const list = useRef<HTMLOListElement>(null);
  const [following, setFollowing] = useState(true);

  const shown = useMemo(
    () => entries.filter((e) => LEVEL_RANK[e.level] >= FILTER_RANK[filter]),
    [entries, filter],
  );

  // After new lines render, keep the newest in view while following.
  const followingRef = useRef(following);
  useLayoutEffect(() => {
    followingRef.current = following;
    const el = list.current;
    if (el && following) el.scrollTop = el.scrollHeight;
  }, [shown, following]);

  // The box changes height too (the window, the mapping rows above it, a wrapped line): while
  // following, the newest line stays at the bottom through that as well.
  useEffect(() => {
    const el = list.current;
    if (!el) return;
    const observer = new ResizeObserver(() => {
      if (followingRef.current) el.scrollTop = el.scrollHeight;
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const onScroll = () => {
    const el = list.current;
    if (!el) return;
    setFollowing(el.scrollHeight - el.scrollTop - el.clientHeight <= STICK_PX);
  };

  const copy = async () => {
    const text = shown.map(lineText).join('\n');
    try {
      await navigator.clipboard.writeText(text);
      notify('info', `Copied ${shown.length} log lines.`);
    } catch {
      notify('error', 'The browser did not allow copying; select the lines and copy them by hand.');
    }
  };

  return (
    <section className="sync-log" aria-label="Event log">
      <header className="sync-log__header">
        <h2>Event log</h2>
        <span className="muted">
          {shown.length === entries.length
            ? `${entries.length} lines`
            : `${shown.length} of ${entries.length} lines`}
        </span>
        <span className="spacer" />
        <label className="sync-log__filter">
          <span>Show</span>
          <select
            value={filter}
            onChange={(e) => setFilter(e.target.value as LevelFilter)}
            aria-label="Log level"
          >
            <option value="all">Everything</option>
            <option value="warning">Warnings and errors</option>
            <option value="error">Errors only</option>
          </select>
        </label>
        <button
          className="button button--small"
          onClick={() => void copy()}
          disabled={shown.length === 0}
          title="Copy the lines shown, as text"
        >
          Copy
        </button>
      </header>
      {error ? (
        <p className="sync-log__message sync-log__message--error" role="alert">
          The log could not be read: {error}
        </p>
      ) : null}
      <div className="sync-log__body">
        <ol
          ref={list}
          className="sync-log__lines"
          role="log"
          aria-label="Engine events"
          aria-live="off"
          onScroll={onScroll}
          tabIndex={0}
        >
          {shown.length === 0 ? (
            <li className="sync-log__empty muted">
              {entries.length === 0
                ? 'No events yet. Loads, polls, writes and errors appear here as they happen.'
                : 'No lines at this level.'}
            </li>
          ) : (
            shown.map((e) => (
              <li key={e.id} className={`sync-log__line sync-log__line--${e.level}`}>
                <time dateTime={e.at} title={e.at}>
                  {formatClock(e.at)}
                </time>
                <span className="sync-log__level">{e.level === 'info' ? '' : e.level}</span>
                <span className="sync-log__object">{e.objectName ?? ''}</span>
                <span className="sync-log__text">
                  {withoutObject(e)}
                  <FailedRowsLink entry={e} />
                </span>
              </li>
            ))
          )}
        </ol>
        {!following ? (
          <button
            className="button button--small sync-log__jump"
            onClick={() => setFollowing(true)}
            title="Scroll to the newest line and follow new ones"
          >
            ↓ Newest
          </button>
        ) : null}
      </div>
    </section>
  );
});

/**
 * A write batch with refused records links to them: its line begins with the table
 * (`opportunity: insert of 3 through collections: 2 ok, 1 failed; see Trigger Log`).
 */
function FailedRowsLink({ entry: e }: { entry: SyncLogEntry }) {
  if (e.kind !== 'write.batch' || e.level !== 'error') return null;
  const table = e.message.slice(0, e.message.indexOf(':'));
  if (!table) return null;
  return (
    <>
      {' '}
      <a
        className="sync-log__link"
        href={`#/${triggerLogRoute({ states: ['FAILED'], table })}`}
        title={`The failed ${table} rows in Trigger Log, with why Salesforce refused them`}
      >
        Open failed rows
      </a>
    </>
  );
}

/** The message without a leading "Account: " where the object column already says it. */
function withoutObject(e: SyncLogEntry): string {
  const prefix = e.objectName ? `${e.objectName}: ` : null;
  return prefix && e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
}

function lineText(e: SyncLogEntry): string {
  return [e.at, e.level.toUpperCase(), e.kind, e.objectName ?? '-', e.message].join('\t');
}
