import { mappingRoute } from '../../state/route';
import { formatCount } from '../schema/format';
import type { MappingListEntry } from './mapping-status';

const CHANGE_TEXT: Record<MappingListEntry['change'], { label: string; title: string }> = {
  applied: { label: 'applied', title: 'As applied to the database' },
  new: { label: 'new', title: 'Added in the draft: Apply creates its table' },
  changed: { label: 'changed', title: 'Edited in the draft: Apply updates the database' },
  removed: {
    label: 'removed',
    title: 'Removed in the draft: Apply stops syncing it (its table and rows stay)',
  },
};

export function AccessBadge({ access }: { access: 'read_only' | 'read_write' }) {
  return access === 'read_only' ? (
    <span className="map-badge map-badge--ro" title="Read-only: Salesforce → Postgres">
      read-only
    </span>
  ) : (
    <span className="map-badge map-badge--rw" title="Read-write: Salesforce ⇄ Postgres">
      read-write
    </span>
  );
}

export function ChangeBadge({ change }: { change: MappingListEntry['change'] }) {
  const text = CHANGE_TEXT[change];
  return (
    <span className={`map-badge map-badge--${change}`} title={text.title}>
      {text.label}
    </span>
  );
}

/** The mappings of the draft (and the applied ones it removes), each with its state. */
export function MappingList({
  entries,
  selected,
  onAdd,
  onRestore,
}: {
  entries: MappingListEntry[];
  selected: string | null;
  onAdd: () => void;
  onRestore: (objectName: string) => void;
}) {
  return (
    <nav className="map-list" aria-label="Mappings">
      <div className="map-list__head">
        <button className="button button--small map-list__add" onClick={onAdd}>
          + Add mapping
        </button>
        <span className="muted">
          {formatCount(entries.filter((e) => e.change !== 'removed').length, 'mapping')}
        </span>
      </div>
      <ul className="map-list__rows">
        {entries.map((entry) => {
          const isSelected = entry.objectName === selected;
          return (
            <li
              key={entry.objectName}
              className={
                'map-row' +
                (isSelected ? ' is-selected' : '') +
                (entry.change === 'removed' ? ' is-removed' : '')
              }
            >
              <a
                className="map-row__link"
                href={`#/${mappingRoute(entry.objectName)}`}
                aria-current={isSelected ? 'page' : undefined}
                aria-label={`${entry.objectName} (${CHANGE_TEXT[entry.change].label})`}
              >
                <span className="map-row__line">
                  <span className="map-row__name">{entry.objectName}</span>
                  <ChangeBadge change={entry.change} />
                </span>
                <span className="map-row__line map-row__meta">
                  <code>{entry.table}</code>
                  <AccessBadge access={entry.access} />
                  {entry.tableMissing ? (
                    <span
                      className="map-badge map-badge--error"
                      title="The table is not in the schema (dropped since it was applied): Apply creates it again"
                    >
                      table missing
                    </span>
                  ) : entry.rowCount !== null ? (
                    <span className="muted" title="Rows in the table now">
                      {formatCount(entry.rowCount, 'row')}
                    </span>
                  ) : null}
                </span>
                {entry.errors + entry.warnings > 0 ? (
                  <span className="map-row__line map-row__problems">
                    {entry.errors > 0 ? (
                      <span className="map-problem-count map-problem-count--error">
                        {formatCount(entry.errors, 'error')}
                      </span>
                    ) : null}
                    {entry.warnings > 0 ? (
                      <span className="map-problem-count map-problem-count--warning">
                        {formatCount(entry.warnings, 'warning')}
                      </span>
                    ) : null}
                  </span>
                ) : null}
              </a>
              {entry.change === 'removed' ? (
                <button
                  className="button button--small map-row__restore"
                  onClick={() => onRestore(entry.objectName)}
                  aria-label={`Restore ${entry.objectName}`}
                >
                  Restore
                </button>
              ) : null}
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
