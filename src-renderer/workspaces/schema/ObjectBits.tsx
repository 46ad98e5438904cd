// Small pieces the object list, the object page and the palette share.
import type { ObjectListEntry } from '../../../src-shared/api';
import { matchRange } from './object-filter';
import './schema.css';

/** `text` with the part matching `query` marked. */
export function Highlight({ text, query }: { text: string; query: string }) {
  const range = matchRange(text, query);
  if (!range) return <>{text}</>;
  const [start, end] = range;
  return (
    <>
      {text.slice(0, start)}
      <mark className="schema-mark">{text.slice(start, end)}</mark>
      {text.slice(end)}
    </>
  );
}

export function CustomBadge({ custom }: { custom: boolean }) {
  return custom ? (
    <span className="schema-badge schema-badge--custom" title="Custom object">
      custom
    </span>
  ) : (
    <span className="schema-badge" title="Standard object">
      standard
    </span>
  );
}

/** Compact (the object list): an arrow for the direction, the words in the tooltip. */
export function MappedBadge({
  mapped,
  compact = false,
}: {
  mapped: ObjectListEntry['mapped'];
  compact?: boolean;
}) {
  if (!mapped) return null;
  const readOnly = mapped === 'read_only';
  return (
    <span
      className={'schema-badge schema-badge--mapped' + (readOnly ? '' : ' schema-badge--rw')}
      title={
        readOnly
          ? 'Mapped read-only: Salesforce → Postgres'
          : 'Mapped read-write: Salesforce ↔ Postgres'
      }
    >
      {compact
        ? readOnly
          ? 'mapped →'
          : 'mapped ⇄'
        : readOnly
          ? 'mapped · read-only'
          : 'mapped · read-write'}
    </span>
  );
}

export function Spinner({ label }: { label?: string }) {
  return label ? (
    <span className="schema-spinner" role="img" aria-label={label} />
  ) : (
    <span className="schema-spinner" aria-hidden="true" />
  );
}
