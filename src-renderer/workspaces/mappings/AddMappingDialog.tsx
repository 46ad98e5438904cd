import { useEffect, useId, useMemo, useState, type KeyboardEvent } from 'react';
import { useActiveProfiles } from '../../state/studio';
import { filterObjects, indexObjects } from '../schema/object-filter';
import { orgStateKey, useObjectList } from '../schema/object-store';
import { CustomBadge, Highlight, Spinner } from '../schema/ObjectBits';
import { Modal } from '../../components/Modal';
import { messageOf } from './use-mappings-editor';

/** More than a screenful is noise: typing narrows it. */
const SHOWN = 60;

/** Pick an object of the org to map: queryable ones not mapped yet, searched by name or label. */
export function AddMappingDialog({
  mapped,
  onAdd,
  onClose,
}: {
  mapped: string[];
  onAdd: (objectName: string) => Promise<void>;
  onClose: () => void;
}) {
  const { org } = useActiveProfiles();
  const list = useObjectList(orgStateKey(org));
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const [adding, setAdding] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const listId = useId();
  const index = useMemo(() => {
    const taken = new Set(mapped.map((m) => m.toLowerCase()));
    return indexObjects(
      list.objects.filter((o) => o.queryable && !taken.has(o.name.toLowerCase())),
    );
  }, [list.objects, mapped]);
  const matches = useMemo(() => filterObjects(index, query), [index, query]);
  const shown = matches.slice(0, SHOWN);
  const optionId = (i: number) => `${listId}-${i}`;

  useEffect(() => {
    document.getElementById(optionId(active))?.scrollIntoView({ block: 'nearest' });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [active]);

  const pick = async (index: number) => {
    const target = shown[index];
    if (!target || adding) return;
    setAdding(target.name);
    setError(null);
    try {
      await onAdd(target.name);
    } catch (e) {
      setError(`${target.name} could not be described: ${messageOf(e)}`);
      setAdding(null);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    switch (event.key) {
      case 'ArrowDown':
        setActive((a) => Math.min(shown.length - 1, a + 1));
        break;
      case 'ArrowUp':
        setActive((a) => Math.max(0, a - 1));
        break;
      case 'Enter':
        void pick(active);
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  let message: string | null = null;
  if (list.status === 'error') message = list.error;
  else if (list.status !== 'ready') message = 'Listing the org’s objects…';
  else if (matches.length === 0)
    message = query.trim()
      ? `No queryable object that is not mapped yet matches “${query.trim()}”.`
      : 'Every queryable object is mapped already.';

  return (
    <Modal
      label="Add a mapping"
      onClose={() => (adding ? undefined : onClose())}
      className="map-modal map-add"
      boxClassName="map-modal__box"
    >
      <header className="map-modal__head">
        <h2>Add a mapping</h2>
        <p className="muted">
          Objects of {org?.name ?? 'the org'} that can be queried and are not mapped yet.
        </p>
      </header>
      <input
        className="map-add__input"
        role="combobox"
        aria-label="Find an object to map"
        aria-expanded={shown.length > 0}
        aria-controls={listId}
        aria-activedescendant={shown.length > 0 ? optionId(active) : undefined}
        aria-autocomplete="list"
        placeholder="Object name or label…"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
        data-autofocus
        spellCheck={false}
        autoComplete="off"
      />
      {message ? (
        <p className="map-add__message" role="status">
          {list.status === 'loading' ? <Spinner /> : null}
          {message}
        </p>
      ) : null}
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <ul className="map-add__list" id={listId} role="listbox" aria-label="Objects to map">
        {shown.map((o, i) => (
          <li
            key={o.name}
            id={optionId(i)}
            role="option"
            aria-selected={i === active}
            className={'map-add__option' + (i === active ? ' is-active' : '')}
            onMouseMove={() => i !== active && setActive(i)}
            onClick={() => void pick(i)}
          >
            <span className="map-add__name">
              <Highlight text={o.name} query={query} />
            </span>
            <span className="map-add__label">
              <Highlight text={o.label} query={query} />
            </span>
            {adding === o.name ? (
              <Spinner label={`Describing ${o.name}`} />
            ) : (
              <CustomBadge custom={o.custom} />
            )}
          </li>
        ))}
      </ul>
      <footer className="map-modal__foot muted">
        <span>
          <kbd>↑</kbd> <kbd>↓</kbd> move · <kbd>Enter</kbd> add · <kbd>Esc</kbd> close
        </span>
        {matches.length > shown.length ? (
          <span>{matches.length - shown.length} more: keep typing</span>
        ) : null}
      </footer>
    </Modal>
  );
}
