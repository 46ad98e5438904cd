import { useEffect, useId, useMemo, useState, type KeyboardEvent } from 'react';
import { useActiveProfiles } from '../state/studio';
import { filterObjects } from '../workspaces/schema/object-filter';
import { orgStateKey, useObjectList } from '../workspaces/schema/object-store';
import { CustomBadge, Highlight, MappedBadge, Spinner } from '../workspaces/schema/ObjectBits';
import './ObjectPalette.css';

/** More than a screenful is noise in a palette: keep typing narrows it. */
const SHOWN = 50;

interface Props {
  onClose(): void;
  /** The object chosen (its API name). */
  onPick(objectName: string): void;
}

/** Ctrl/Cmd+K: jump to any object of the active org by name or label. */
export function ObjectPalette({ onClose, onPick }: Props) {
  const { org } = useActiveProfiles();
  const list = useObjectList(orgStateKey(org));
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const listId = useId();
  const matches = useMemo(() => filterObjects(list.index, query), [list.index, query]);
  const shown = matches.length > SHOWN ? matches.slice(0, SHOWN) : matches;
  const optionId = (i: number) => `${listId}-option-${i}`;

  // Focus goes back where it was when the palette closes.
  useEffect(() => {
    const before = document.activeElement;
    return () => {
      if (before instanceof HTMLElement) before.focus();
    };
  }, []);

  useEffect(() => {
    document.getElementById(optionId(active))?.scrollIntoView({ block: 'nearest' });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [active]);

  const pick = (index: number) => {
    const target = shown[index];
    if (target) onPick(target.name);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    switch (event.key) {
      case 'Escape':
        onClose();
        break;
      case 'ArrowDown':
        setActive((a) => (shown.length === 0 ? 0 : (a + 1) % shown.length));
        break;
      case 'ArrowUp':
        setActive((a) => (shown.length === 0 ? 0 : (a - 1 + shown.length) % shown.length));
        break;
      case 'Enter':
        pick(active);
        break;
      case 'Tab':
        break; // the palette is modal: focus stays in its input
      default:
        return;
    }
    event.preventDefault();
    event.stopPropagation();
  };

  let message: string | null = null;
  if (!org) message = 'No org is active. Choose one in Connections first.';
  else if (list.status === 'error') message = list.error;
  else if (list.status !== 'ready' || (list.objects.length === 0 && list.refreshing))
    message = 'Listing the org’s objects…';
  else if (matches.length === 0) message = `No object matches “${query.trim()}”.`;

  return (
    <div
      className="palette-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <div
        className="palette"
        role="dialog"
        aria-modal="true"
        aria-label="Go to object"
        onKeyDown={onKeyDown}
      >
        <input
          className="palette__input"
          role="combobox"
          aria-label="Object name or label"
          aria-expanded={shown.length > 0}
          aria-controls={listId}
          aria-activedescendant={shown.length > 0 ? optionId(active) : undefined}
          aria-autocomplete="list"
          placeholder={org ? `Go to an object of ${org.name}…` : 'Go to an object…'}
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          autoFocus
          spellCheck={false}
          autoComplete="off"
        />
        {message ? (
          <p className="palette__message" role="status">
            {list.status === 'loading' ? <Spinner /> : null}
            {message}
          </p>
        ) : null}
        <ul className="palette__list" id={listId} role="listbox" aria-label="Objects">
          {shown.map((o, i) => (
            <li
              key={o.name}
              id={optionId(i)}
              role="option"
              aria-selected={i === active}
              className={'palette__option' + (i === active ? ' is-active' : '')}
              onMouseMove={() => {
                if (i !== active) setActive(i);
              }}
              onClick={() => pick(i)}
            >
              <span className="palette__name">
                <Highlight text={o.name} query={query} />
              </span>
              <span className="palette__label">
                <Highlight text={o.label} query={query} />
              </span>
              <span className="palette__badges">
                <MappedBadge mapped={o.mapped} />
                <CustomBadge custom={o.custom} />
              </span>
            </li>
          ))}
        </ul>
        <footer className="palette__footer">
          <span>
            <kbd>↑</kbd> <kbd>↓</kbd> move · <kbd>Enter</kbd> open · <kbd>Esc</kbd> close
          </span>
          {matches.length > shown.length ? (
            <span>{matches.length - shown.length} more — keep typing to narrow</span>
          ) : null}
        </footer>
      </div>
    </div>
  );
}
