import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { ObjectListEntry } from '../../../src-shared/api';
import { Icon } from '../../components/Icon';
import { schemaObjectRoute } from '../../state/route';
import { cacheAgeText, formatCount, useNow } from './format';
import { filterObjects } from './object-filter';
import {
  countRecords,
  recordCountOf,
  refreshObjectList,
  reloadObjectList,
  useRecordCounts,
  type ObjectListState,
  type RecordCount,
} from './object-store';
import { CustomBadge, Highlight, MappedBadge, Spinner } from './ObjectBits';

const ROW_HEIGHT = 48;

interface Props {
  list: ObjectListState;
  /** The object whose page is open (any case). */
  selected: string | null;
  filter: string;
  onFilterChange(filter: string): void;
  onOpen(objectName: string): void;
}

/** Every object of the org, filtered as the user types; only the rows in view are in the DOM. */
export function ObjectList({ list, selected, filter, onFilterChange, onOpen }: Props) {
  const matches = useMemo(() => filterObjects(list.index, filter), [list.index, filter]);
  const [active, setActive] = useState(0);
  const scrollRef = useRef<HTMLDivElement>(null);
  const counts = useRecordCounts();
  const now = useNow();
  const selectedLower = selected?.toLowerCase() ?? null;

  const virtualizer = useVirtualizer({
    count: matches.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });

  // A new filter puts the cursor on the best match, so Enter opens it.
  // Clearing it brings the open object back into view.
  const changeFilter = (next: string) => {
    onFilterChange(next);
    const selectedAt =
      next.trim() === '' && selectedLower !== null
        ? list.objects.findIndex((o) => o.name.toLowerCase() === selectedLower)
        : -1;
    setActive(Math.max(0, selectedAt));
    if (selectedAt >= 0) {
      // After the list re-renders with every object.
      requestAnimationFrame(() => virtualizer.scrollToIndex(selectedAt, { align: 'center' }));
    } else {
      scrollRef.current?.scrollTo({ top: 0 });
    }
  };

  // Opening an object from elsewhere (a link, the palette, back/forward) brings it into view.
  useEffect(() => {
    if (!selectedLower) return;
    const at = matches.findIndex((o) => o.name.toLowerCase() === selectedLower);
    if (at >= 0) virtualizer.scrollToIndex(at, { align: 'auto' });
    // Only when the selection changes, not on every keystroke.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selectedLower, list.status]);

  const moveTo = (index: number) => {
    if (matches.length === 0) return;
    const clamped = Math.max(0, Math.min(matches.length - 1, index));
    setActive(clamped);
    virtualizer.scrollToIndex(clamped, { align: 'auto' });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    const pageRows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW_HEIGHT));
    switch (event.key) {
      case 'ArrowDown':
        moveTo(active + 1);
        break;
      case 'ArrowUp':
        moveTo(active - 1);
        break;
      case 'PageDown':
        moveTo(active + pageRows);
        break;
      case 'PageUp':
        moveTo(active - pageRows);
        break;
      case 'Enter': {
        const target = matches[active] ?? matches[0];
        if (target) onOpen(target.name);
        break;
      }
      case 'Escape':
        if (filter === '') return; // let Esc reach whoever else wants it
        changeFilter('');
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  const total = list.objects.length;
  const status =
    list.status === 'ready' || list.fetchedAt !== null
      ? cacheAgeText(list.fetchedAt, list.refreshing, now, 'listed')
      : '';

  return (
    <section className="schema-list" aria-label="Objects">
      <div className="schema-list__search">
        <Icon name="query" size={16} />
        <input
          type="search"
          aria-label="Filter objects"
          placeholder={total > 0 ? `Filter ${formatCount(total, 'object')}…` : 'Filter objects…'}
          value={filter}
          onChange={(e) => changeFilter(e.target.value)}
          onKeyDown={onKeyDown}
          autoComplete="off"
          spellCheck={false}
          autoFocus
        />
      </div>
      <div className="schema-list__status">
        <span data-testid="object-list-status">
          {filter.trim() !== '' && list.status === 'ready'
            ? `${matches.length} of ${formatCount(total, 'object')}`
            : list.status === 'ready'
              ? formatCount(total, 'object')
              : ''}
          {status ? <span className="muted"> · {status}</span> : null}
        </span>
        <button
          className="icon-button schema-list__refresh"
          aria-label="Refresh the object list"
          title="Ask the org for its objects again"
          onClick={refreshObjectList}
          disabled={list.status === 'loading' || list.refreshing}
        >
          {list.refreshing ? <Spinner /> : <Icon name="sync" size={16} />}
        </button>
      </div>

      {list.status === 'error' ? (
        <div className="schema-list__message schema-list__message--error" role="alert">
          <p>{list.error}</p>
          <button className="button button--small" onClick={reloadObjectList}>
            Try again
          </button>
        </div>
      ) : list.status === 'loading' ||
        (list.status === 'ready' && total === 0 && list.refreshing) ? (
        <div className="schema-list__message" role="status">
          <Spinner />
          <p>Listing the org’s objects…</p>
        </div>
      ) : list.status === 'ready' && total === 0 ? (
        <div className="schema-list__message">
          <p>The org lists no objects.</p>
        </div>
      ) : matches.length === 0 && list.status === 'ready' ? (
        <div className="schema-list__message" role="status">
          <p>
            No object matches “<strong>{filter.trim()}</strong>” by API name or label.
          </p>
          <button className="button button--small" onClick={() => changeFilter('')}>
            Clear the filter
          </button>
        </div>
      ) : null}

      <div ref={scrollRef} className="schema-list__scroll" data-testid="object-list-scroll">
        <ul
          className="schema-list__rows"
          aria-label="Object list"
          style={{ height: virtualizer.getTotalSize() }}
        >
          {virtualizer.getVirtualItems().map((item) => {
            const entry = matches[item.index];
            if (!entry) return null;
            return (
              <ObjectRow
                key={item.index}
                entry={entry}
                filter={filter}
                top={item.start}
                isActive={item.index === active}
                isSelected={entry.name.toLowerCase() === selectedLower}
                count={recordCountOf(counts, entry.name)}
              />
            );
          })}
        </ul>
      </div>
    </section>
  );
}

interface RowProps {
  entry: ObjectListEntry;
  filter: string;
  top: number;
  isActive: boolean;
  isSelected: boolean;
  count: RecordCount | undefined;
}

function ObjectRow({ entry, filter, top, isActive, isSelected, count }: RowProps) {
  return (
    <li
      className={'schema-row' + (isActive ? ' is-active' : '') + (isSelected ? ' is-selected' : '')}
      style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
    >
      <a
        className="schema-row__link"
        href={`#/${schemaObjectRoute(entry.name)}`}
        aria-current={isSelected ? 'page' : undefined}
        aria-label={`${entry.name} (${entry.label})`}
      >
        <span className="schema-row__name">
          <Highlight text={entry.name} query={filter} />
        </span>
        <span className="schema-row__label">
          <Highlight text={entry.label} query={filter} />
        </span>
      </a>
      <span className="schema-row__side">
        <span className="schema-row__badges">
          <CustomBadge custom={entry.custom} />
        </span>
        {/* The mapped marker sits on the second line, so it never squeezes the object's name. */}
        <span className="schema-row__badges">
          <MappedBadge mapped={entry.mapped} compact />
          <CountButton objectName={entry.name} count={count} compact />
        </span>
      </span>
    </li>
  );
}

/** "Count" until asked; then the number (click again to recount), or why it failed. */
export function CountButton({
  objectName,
  count,
  compact = false,
}: {
  objectName: string;
  count: RecordCount | undefined;
  compact?: boolean;
}) {
  const text =
    count === undefined
      ? compact
        ? 'count'
        : 'Count records'
      : count.state === 'counting'
        ? 'counting…'
        : count.state === 'done'
          ? formatCount(count.count)
          : 'count failed';
  const title =
    count?.state === 'done'
      ? `Counted in ${Math.round(count.durationMs)} ms — click to count again`
      : count?.state === 'failed'
        ? count.message
        : `SELECT COUNT() FROM ${objectName}`;
  return (
    <button
      type="button"
      className={
        'schema-count' +
        (compact ? ' schema-count--compact' : ' button button--small') +
        (count?.state === 'failed' ? ' schema-count--failed' : '') +
        (count?.state === 'done' ? ' schema-count--done' : '')
      }
      aria-label={`Count records of ${objectName}`}
      title={title}
      disabled={count?.state === 'counting'}
      onClick={(event) => {
        event.preventDefault();
        void countRecords(objectName);
      }}
    >
      {text}
    </button>
  );
}
