import { memo, useEffect, useRef, useState, type RefObject } from 'react';
import { TRIGGER_LOG_ACTIONS } from '../../../src-shared/mapping';
import {
  chipStates,
  parseRecordQuery,
  QUICK_RANGES,
  recordQueryText,
  toggleState,
  type InspectorFilter,
  type TriggerLogSource,
} from './filter-model';
import { formatCount, fromLocalInput, toLocalInput } from './format';

/** Typing waits this long before the grid asks again; Enter asks at once. */
const TYPING_DEBOUNCE_MS = 300;

interface FilterBarProps {
  filter: InspectorFilter;
  onChange(filter: InspectorFilter): void;
  counts: Record<string, number>;
  tables: string[];
  textInputRef: RefObject<HTMLInputElement | null>;
}

const SOURCES: { id: TriggerLogSource; label: string; title: string }[] = [
  { id: 'both', label: 'Both', title: '_trigger_log and _trigger_log_archive' },
  { id: 'live', label: 'Live', title: '_trigger_log only: rows being sent or recently sent' },
  { id: 'archive', label: 'Archive', title: '_trigger_log_archive only: processed rows moved out' },
];

/** Memoized: rows arriving (live updates, pages) leave the filters alone. */
export const FilterBar = memo(function FilterBar({
  filter,
  onChange,
  counts,
  tables,
  textInputRef,
}: FilterBarProps) {
  const states = chipStates(counts, filter.states);
  const tableOptions =
    filter.table && !tables.includes(filter.table) ? [...tables, filter.table] : tables;
  return (
    <div className="tl-filters" role="search" aria-label="Trigger log filters">
      <div className="tl-filters__row">
        <DebouncedText
          label="Text in the message"
          placeholder="Text in the message   /"
          title="Rows whose Salesforce message contains this text, in any case (Enter applies at once). Press / to come here."
          value={filter.text ?? ''}
          inputRef={textInputRef}
          onCommit={(text) => onChange({ ...filter, text: text.trim() ? text : undefined })}
          className="tl-field--text"
        />
        <RecordBox filter={filter} onChange={onChange} />
        <select
          className="tl-select"
          aria-label="Table"
          title="The mapped table the change was made to"
          value={filter.table ?? ''}
          onChange={(e) => onChange({ ...filter, table: e.target.value || undefined })}
        >
          <option value="">All tables</option>
          {tableOptions.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <select
          className="tl-select"
          aria-label="Action"
          title="What the change was"
          value={filter.action ?? ''}
          onChange={(e) =>
            onChange({
              ...filter,
              action: (e.target.value || undefined) as InspectorFilter['action'],
            })
          }
        >
          <option value="">Any action</option>
          {TRIGGER_LOG_ACTIONS.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
        <TimeRange filter={filter} onChange={onChange} />
      </div>
      <div className="tl-filters__row">
        <div className="tl-chips" role="group" aria-label="States">
          {states.map((state) => {
            const on = filter.states.includes(state);
            const n = counts[state] ?? 0;
            return (
              <button
                key={state}
                type="button"
                className={`tl-chip tl-chip--${state.toLowerCase()}` + (on ? ' is-on' : '')}
                aria-pressed={on}
                title={`${on ? 'Stop showing only' : 'Show'} ${state} rows (several states combine)`}
                onClick={() => onChange(toggleState(filter, state))}
              >
                <span className="tl-chip__dot" aria-hidden="true" />
                {state}
                <span className="tl-chip__count">{formatCount(n)}</span>
              </button>
            );
          })}
        </div>
        <span className="spacer" />
        <div className="segmented tl-source" role="group" aria-label="Source">
          {SOURCES.map((source) => (
            <button
              key={source.id}
              type="button"
              className={filter.source === source.id ? 'is-selected' : ''}
              aria-pressed={filter.source === source.id}
              title={source.title}
              onClick={() => onChange({ ...filter, source: source.id })}
            >
              {source.label}
            </button>
          ))}
        </div>
      </div>
    </div>
  );
});

/** Any time, a quick range relative to now, or a custom since/until. */
function TimeRange({ filter, onChange }: Pick<FilterBarProps, 'filter' | 'onChange'>) {
  const quick = QUICK_RANGES.find((r) => r.since === filter.since);
  const absolute = (filter.since !== undefined && !quick) || filter.until !== undefined;
  const [customOpen, setCustomOpen] = useState(false);
  const custom = absolute || customOpen;
  const anyTime = !custom && filter.since === undefined;
  return (
    <div className="tl-range" role="group" aria-label="Time range">
      <div className="tl-quick">
        <button
          type="button"
          className={'tl-quick__button' + (anyTime ? ' is-on' : '')}
          aria-pressed={anyTime}
          title="Captured at any time"
          onClick={() => {
            setCustomOpen(false);
            onChange({ ...filter, since: undefined, until: undefined });
          }}
        >
          Any time
        </button>
        {QUICK_RANGES.map((range) => {
          const on = !custom && filter.since === range.since;
          return (
            <button
              key={range.since}
              type="button"
              className={'tl-quick__button' + (on ? ' is-on' : '')}
              aria-pressed={on}
              aria-label={range.label}
              title={`Captured in the ${range.label.toLowerCase()} (moves with the clock)`}
              onClick={() => {
                setCustomOpen(false);
                onChange({ ...filter, since: range.since, until: undefined });
              }}
            >
              {range.short}
            </button>
          );
        })}
        <button
          type="button"
          className={'tl-quick__button' + (custom ? ' is-on' : '')}
          aria-pressed={custom}
          title="Pick the times yourself"
          onClick={() => {
            setCustomOpen(true);
            // A quick range becomes the times it means now, so the inputs show the filter.
            if (quick)
              onChange({ ...filter, since: new Date(Date.now() - quick.ms).toISOString() });
          }}
        >
          Custom…
        </button>
      </div>
      {custom ? (
        <>
          <input
            type="datetime-local"
            className="tl-time"
            aria-label="Captured since"
            title="Captured at or after (local time)"
            value={quick ? '' : toLocalInput(filter.since)}
            onChange={(e) => onChange({ ...filter, since: fromLocalInput(e.target.value) })}
          />
          <span className="muted" aria-hidden="true">
            –
          </span>
          <input
            type="datetime-local"
            className="tl-time"
            aria-label="Captured before"
            title="Captured before (local time)"
            value={toLocalInput(filter.until)}
            onChange={(e) => onChange({ ...filter, until: fromLocalInput(e.target.value) })}
          />
        </>
      ) : null}
    </div>
  );
}

interface DebouncedTextProps {
  label: string;
  placeholder: string;
  title: string;
  value: string;
  onCommit(value: string): void;
  inputRef?: RefObject<HTMLInputElement | null>;
  className?: string;
  /** Shown under the box, and the box marked invalid. */
  error?: string | null;
  onDraft?(value: string): void;
}

/** A text box that commits after a pause in typing, or at once on Enter. */
function DebouncedText({
  label,
  placeholder,
  title,
  value,
  onCommit,
  inputRef,
  className,
  error,
  onDraft,
}: DebouncedTextProps) {
  const [draft, setDraft] = useState(value);
  // The URL changed under the box (Clear filters, back, a link): show what it says now.
  const [seen, setSeen] = useState(value);
  if (value !== seen) {
    setSeen(value);
    setDraft(value);
  }
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const commitRef = useRef(onCommit);
  useEffect(() => {
    commitRef.current = onCommit;
  });
  useEffect(() => () => clearTimeout(timer.current), []);
  const commit = (text: string) => {
    clearTimeout(timer.current);
    if (text !== value) commitRef.current(text);
  };
  return (
    <span className={'tl-field ' + (className ?? '') + (error ? ' tl-field--invalid' : '')}>
      <input
        ref={inputRef}
        type="search"
        aria-label={label}
        value={draft}
        placeholder={placeholder}
        title={title}
        aria-invalid={error ? true : undefined}
        onChange={(e) => {
          const text = e.target.value;
          setDraft(text);
          onDraft?.(text);
          clearTimeout(timer.current);
          timer.current = setTimeout(() => commitRef.current(text), TYPING_DEBOUNCE_MS);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            commit(draft);
          } else if (e.key === 'Escape' && draft !== '') {
            // Esc empties the box first; a second one leaves it (and closes the detail).
            e.preventDefault();
            setDraft('');
            onDraft?.('');
            commit('');
          }
        }}
      />
      {error ? (
        <span className="tl-field__error" role="alert">
          {error}
        </span>
      ) : null}
    </span>
  );
}

/** "Record id or sfid": a number is the row's id, 15 or 18 characters an sfid. */
function RecordBox({ filter, onChange }: Pick<FilterBarProps, 'filter' | 'onChange'>) {
  const [error, setError] = useState<string | null>(null);
  return (
    <DebouncedText
      label="Record id or sfid"
      placeholder="Record id or sfid"
      title="A number finds the Postgres row's id (record_id); 15 or 18 letters and digits find an sfid."
      value={recordQueryText(filter)}
      className="tl-field--record"
      error={error}
      onDraft={(text) => {
        const parsed = parseRecordQuery(text);
        if (parsed.kind !== 'invalid') setError(null);
      }}
      onCommit={(text) => {
        const parsed = parseRecordQuery(text);
        if (parsed.kind === 'invalid') {
          setError(parsed.message);
          return;
        }
        setError(null);
        onChange({
          ...filter,
          recordId: parsed.kind === 'recordId' ? parsed.recordId : undefined,
          sfid: parsed.kind === 'sfid' ? parsed.sfid : undefined,
        });
      }}
    />
  );
}
