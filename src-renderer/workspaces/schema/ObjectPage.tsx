import { useEffect, useMemo, useState, type KeyboardEvent } from 'react';
import type { ChildRelationship, FieldDescribe } from '../../../src-shared/salesforce';
import { NUMBER_TYPES, TEXT_TYPES } from '../../../src-shared/salesforce';
import { DataTable, type DataTableColumn } from '../../components/DataTable';
import { Icon } from '../../components/Icon';
import { queryRoute, replaceRoute, schemaObjectRoute } from '../../state/route';
import { useStudio } from '../../state/studio';
import { cacheAgeText, copyText, useNow } from './format';
import { CustomBadge, MappedBadge, Spinner } from './ObjectBits';
import { CountButton } from './ObjectList';
import { recordCountOf, useRecordCounts } from './object-store';
import { useDescribe, type DescribeAnswer } from './use-describe';

export type ObjectTab = 'fields' | 'parents' | 'children';
export const OBJECT_TABS: readonly ObjectTab[] = ['fields', 'parents', 'children'];

interface Props {
  objectName: string;
  orgProfileId: string;
  tab: ObjectTab;
}

/** One object: header, fields grid, parent and child relationships. */
export function ObjectPage({ objectName, orgProfileId, tab }: Props) {
  const [state, load] = useDescribe(objectName, orgProfileId);
  const now = useNow();
  const counts = useRecordCounts();
  const canonicalName = state.status === 'ready' ? state.answer.describe.name : null;

  // The URL keeps the org's spelling (contact → Contact), without a new history entry.
  useEffect(() => {
    if (canonicalName !== null && canonicalName !== objectName) {
      replaceRoute(schemaObjectRoute(canonicalName, tabParam(tab)));
    }
  }, [canonicalName, objectName, tab]);

  if (state.status === 'loading') {
    return (
      <div className="schema-page schema-page--message" role="status">
        <Spinner />
        <p>Describing {objectName}…</p>
      </div>
    );
  }
  if (state.status === 'error') {
    return (
      <div className="schema-page schema-page--message">
        <div className="schema-page__error" role="alert">
          <h2>{state.code === 'NOT_FOUND' ? `No object named ${objectName}` : 'No describe'}</h2>
          <p>{state.message}</p>
        </div>
        <button className="button button--small" onClick={() => load(false)}>
          Try again
        </button>
      </div>
    );
  }

  const { answer } = state;
  const { describe } = answer;
  return (
    <article className="schema-page" aria-label={`${describe.name} object`}>
      <header className="schema-page__header">
        <div className="schema-page__title">
          <h2>{describe.label}</h2>
          <div className="schema-page__meta">
            <code data-testid="object-api-name">{describe.name}</code>
            {describe.keyPrefix ? (
              <span title="Key prefix: the first three characters of every record Id">
                key prefix <code>{describe.keyPrefix}</code>
              </span>
            ) : (
              <span className="muted">no key prefix</span>
            )}
            <CustomBadge custom={describe.custom} />
            <MappedBadge mapped={answer.mapped} />
            {answer.mapped === null ? <span className="muted">not mapped</span> : null}
          </div>
        </div>
        <div className="schema-page__actions">
          <CountButton objectName={describe.name} count={recordCountOf(counts, describe.name)} />
          <a
            className="button button--small"
            href={`#/${queryRoute(`SELECT Id, Name FROM ${describe.name}`)}`}
          >
            Open in Query
          </a>
        </div>
      </header>
      <div className="schema-page__age">
        <span data-testid="describe-age">
          {cacheAgeText(answer.fetchedAt, answer.refreshing || state.reloading, now)}
        </span>
        <button
          className="icon-button"
          aria-label={`Refresh the describe of ${describe.name}`}
          title="Ask the org for this object's describe again"
          disabled={state.reloading}
          onClick={() => load(true)}
        >
          {state.reloading ? <Spinner /> : <Icon name="sync" size={15} />}
        </button>
      </div>
      <ObjectTabs answer={answer} tab={tab} />
    </article>
  );
}

const tabParam = (tab: ObjectTab) => (tab === 'fields' ? undefined : tab);

function parentRelationships(fields: readonly FieldDescribe[]): FieldDescribe[] {
  return fields.filter((f) => f.type === 'reference' && f.relationshipName);
}

function ObjectTabs({ answer, tab }: { answer: DescribeAnswer; tab: ObjectTab }) {
  const { describe } = answer;
  const parents = useMemo(() => parentRelationships(describe.fields), [describe.fields]);
  const [filters, setFilters] = useState<Record<ObjectTab, string>>({
    fields: '',
    parents: '',
    children: '',
  });
  const filter = filters[tab];
  const setFilter = (value: string) => setFilters((f) => ({ ...f, [tab]: value }));
  const labels: Record<ObjectTab, string> = {
    fields: `Fields (${describe.fields.length})`,
    parents: `Parent relationships (${parents.length})`,
    children: `Child relationships (${describe.childRelationships.length})`,
  };
  const select = (next: ObjectTab) =>
    replaceRoute(schemaObjectRoute(describe.name, tabParam(next)));
  const onTabKey = (event: KeyboardEvent<HTMLButtonElement>) => {
    const at = OBJECT_TABS.indexOf(tab);
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const next = OBJECT_TABS[(at + step + OBJECT_TABS.length) % OBJECT_TABS.length]!;
    select(next);
    document.getElementById(`schema-tab-${next}`)?.focus();
  };

  return (
    <>
      <div className="schema-tabs">
        <div role="tablist" aria-label="Object details" className="schema-tabs__list">
          {OBJECT_TABS.map((t) => (
            <button
              key={t}
              id={`schema-tab-${t}`}
              role="tab"
              type="button"
              aria-selected={t === tab}
              aria-controls={`schema-panel-${t}`}
              tabIndex={t === tab ? 0 : -1}
              className={'schema-tabs__tab' + (t === tab ? ' is-selected' : '')}
              onClick={() => select(t)}
              onKeyDown={onTabKey}
            >
              {labels[t]}
            </button>
          ))}
        </div>
        <input
          type="search"
          className="schema-tabs__filter"
          aria-label={tab === 'fields' ? 'Filter fields' : 'Filter relationships'}
          placeholder={tab === 'fields' ? 'Filter fields…' : 'Filter relationships…'}
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape' && filter !== '') {
              e.preventDefault();
              setFilter('');
            }
          }}
          spellCheck={false}
        />
      </div>
      <div
        className="schema-panel"
        role="tabpanel"
        id={`schema-panel-${tab}`}
        aria-labelledby={`schema-tab-${tab}`}
      >
        {tab === 'fields' ? (
          <FieldsGrid answer={answer} filter={filter} />
        ) : tab === 'parents' ? (
          <ParentTable objectName={describe.name} parents={parents} filter={filter} />
        ) : (
          <ChildTable
            objectName={describe.name}
            children={describe.childRelationships}
            filter={filter}
          />
        )}
      </div>
    </>
  );
}

// ---------------------------------------------------------------------------------------------
// Fields.

interface FieldRow {
  field: FieldDescribe;
  /** The Postgres column type, or null with the reason it cannot map. */
  sqlType: string | null;
  unmappable: string | null;
  required: boolean;
  search: string;
}

/** Required on create: the org refuses an insert without it (not nillable, no default, writable). */
function isRequired(f: FieldDescribe): boolean {
  return !f.nillable && !f.defaultedOnCreate && f.createable;
}

function sizeOf(f: FieldDescribe): { text: string; sort: number } {
  if (TEXT_TYPES.has(f.type) || f.type === 'base64')
    return { text: String(f.length), sort: f.length };
  if (NUMBER_TYPES.has(f.type) && f.precision > 0) {
    return {
      text: f.scale > 0 ? `${f.precision}, ${f.scale}` : String(f.precision),
      sort: f.precision,
    };
  }
  return { text: '', sort: -1 };
}

const FLAG_DEFS: { key: string; label: string; title: string; on: (r: FieldRow) => boolean }[] = [
  {
    key: 'required',
    label: 'required',
    title: 'Required: not nillable, not defaulted on create, and createable',
    on: (r) => r.required,
  },
  { key: 'unique', label: 'unique', title: 'Unique', on: (r) => r.field.unique },
  {
    key: 'external',
    label: 'ext ID',
    title: 'External ID: usable for upserts and relationship lookups',
    on: (r) => r.field.externalId,
  },
  { key: 'create', label: 'create', title: 'Createable', on: (r) => r.field.createable },
  { key: 'update', label: 'update', title: 'Updateable', on: (r) => r.field.updateable },
  {
    key: 'calc',
    label: 'calc',
    title: 'Calculated: a formula or roll-up, read-only',
    on: (r) => r.field.calculated,
  },
];

const fieldColumns: DataTableColumn<FieldRow>[] = [
  {
    id: 'label',
    header: 'Label',
    accessorFn: (r) => r.field.label,
    size: 115,
  },
  {
    id: 'name',
    header: 'API name',
    accessorFn: (r) => r.field.name,
    size: 140,
    cell: (c) => <code>{c.row.original.field.name}</code>,
  },
  {
    id: 'type',
    header: 'SF type',
    accessorFn: (r) => r.field.type,
    size: 112,
    cell: (c) => {
      const f = c.row.original.field;
      if (f.type !== 'reference' || f.referenceTo.length === 0) return f.type;
      const targets = f.referenceTo.join(', ');
      return (
        <span title={`reference to ${targets}`}>
          reference <span className="muted">→ {targets}</span>
        </span>
      );
    },
  },
  {
    id: 'length',
    header: 'Length',
    accessorFn: (r) => sizeOf(r.field).sort,
    size: 72,
    cell: (c) => sizeOf(c.row.original.field).text,
  },
  {
    id: 'postgres',
    header: 'Postgres type',
    accessorFn: (r) => r.sqlType ?? '~',
    size: 128,
    cell: (c) => {
      const r = c.row.original;
      if (r.sqlType !== null) return <code>{r.sqlType}</code>;
      return (
        <span className="schema-unmappable" title={r.unmappable ?? undefined}>
          cannot map: {r.unmappable}
        </span>
      );
    },
  },
  {
    id: 'flags',
    header: 'Flags',
    enableSorting: false,
    size: 185,
    cell: (c) => (
      <span className="schema-flags">
        {FLAG_DEFS.filter((d) => d.on(c.row.original)).map((d) => (
          <span key={d.key} className={`schema-flag schema-flag--${d.key}`} title={d.title}>
            {d.label}
          </span>
        ))}
      </span>
    ),
  },
];

function FieldsGrid({ answer, filter }: { answer: DescribeAnswer; filter: string }) {
  const rows = useMemo<FieldRow[]>(
    () =>
      answer.describe.fields.map((field) => {
        const info = answer.columnTypes[field.name] ?? answer.columnTypes[field.name.toLowerCase()];
        return {
          field,
          sqlType: info?.ok ? info.sqlType : null,
          unmappable: info === undefined ? 'no Postgres type known' : info.ok ? null : info.reason,
          required: isRequired(field),
          search: `${field.name}\n${field.label}\n${field.type}`.toLowerCase(),
        };
      }),
    [answer],
  );
  const needle = filter.trim().toLowerCase();
  const shown = useMemo(
    () => (needle === '' ? rows : rows.filter((r) => r.search.includes(needle))),
    [rows, needle],
  );
  return (
    <DataTable
      rows={shown}
      columns={fieldColumns}
      ariaLabel={`Fields of ${answer.describe.name}`}
      getRowId={(r) => r.field.name}
      rowHeight={32}
      className="schema-fields"
      emptyMessage={
        needle === '' ? 'This object has no fields.' : `No field matches “${filter.trim()}”.`
      }
    />
  );
}

// ---------------------------------------------------------------------------------------------
// Relationships.

function ObjectLink({ name }: { name: string }) {
  return (
    <a
      className="schema-object-link"
      href={`#/${schemaObjectRoute(name)}`}
      aria-label={`Open ${name}`}
      title={`Open ${name}`}
    >
      {name}
    </a>
  );
}

function SoqlActions({ soql, what }: { soql: string; what: string }) {
  const { notify } = useStudio();
  return (
    <span className="schema-rel__actions">
      <button
        type="button"
        className="button button--small"
        aria-label={`Copy ${what} as SOQL`}
        title={soql}
        onClick={() => {
          copyText(soql).then(
            () => notify('info', `Copied to the clipboard: ${soql}`),
            (error: unknown) =>
              notify('error', error instanceof Error ? error.message : String(error)),
          );
        }}
      >
        Copy as SOQL
      </button>
      <a
        className="button button--small button--quiet"
        href={`#/${queryRoute(soql)}`}
        aria-label={`Open ${what} in Query`}
        title={soql}
      >
        Open in Query
      </a>
    </span>
  );
}

const matches = (needle: string, ...texts: (string | null)[]) =>
  needle === '' || texts.some((t) => t !== null && t.toLowerCase().includes(needle));

function ParentTable({
  objectName,
  parents,
  filter,
}: {
  objectName: string;
  parents: FieldDescribe[];
  filter: string;
}) {
  const needle = filter.trim().toLowerCase();
  const shown = parents.filter((f) =>
    matches(needle, f.relationshipName, f.name, ...f.referenceTo),
  );
  if (parents.length === 0) {
    return (
      <p className="schema-panel__empty">{objectName} has no lookup or master-detail fields.</p>
    );
  }
  return (
    <div className="schema-rel">
      <table className="schema-rel__table" aria-label={`Parent relationships of ${objectName}`}>
        <thead>
          <tr>
            <th>Relationship</th>
            <th>Field</th>
            <th>Parent object</th>
            <th>
              <span className="schema-sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {shown.map((f) => {
            const polymorphic = f.referenceTo.length > 1 || f.polymorphicForeignKey === true;
            return (
              <tr key={f.name} aria-label={f.relationshipName ?? f.name}>
                <td>
                  <code>{f.relationshipName}</code>
                  {polymorphic ? (
                    <span
                      className="schema-badge schema-badge--poly"
                      title="Polymorphic: the parent can be any of several objects"
                    >
                      polymorphic
                    </span>
                  ) : null}
                </td>
                <td>
                  <code>{f.name}</code>
                </td>
                <td className="schema-rel__targets">
                  {f.referenceTo.map((t) => (
                    <ObjectLink key={t} name={t} />
                  ))}
                </td>
                <td>
                  <SoqlActions
                    soql={`SELECT Id, ${f.relationshipName}.Name FROM ${objectName}`}
                    what={`${f.relationshipName}`}
                  />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {shown.length === 0 ? (
        <p className="schema-panel__empty">No parent relationship matches “{filter.trim()}”.</p>
      ) : null}
    </div>
  );
}

function ChildTable({
  objectName,
  children,
  filter,
}: {
  objectName: string;
  children: ChildRelationship[];
  filter: string;
}) {
  const needle = filter.trim().toLowerCase();
  const shown = children.filter((c) =>
    matches(needle, c.relationshipName, c.childSObject, c.field),
  );
  if (children.length === 0) {
    return <p className="schema-panel__empty">No object looks up to {objectName}.</p>;
  }
  return (
    <div className="schema-rel">
      <table className="schema-rel__table" aria-label={`Child relationships of ${objectName}`}>
        <thead>
          <tr>
            <th>Relationship</th>
            <th>Child object</th>
            <th>Field</th>
            <th>
              <span className="schema-sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {shown.map((c) => (
            <tr
              key={`${c.childSObject}.${c.field}`}
              aria-label={c.relationshipName ?? `${c.childSObject}.${c.field}`}
            >
              <td>
                {c.relationshipName ? (
                  <code>{c.relationshipName}</code>
                ) : (
                  <span
                    className="muted"
                    title="This relationship has no name, so a SOQL subquery cannot follow it"
                  >
                    no subquery name
                  </span>
                )}
              </td>
              <td>
                <ObjectLink name={c.childSObject} />
              </td>
              <td>
                <code>{c.field}</code>
              </td>
              <td>
                {c.relationshipName ? (
                  <SoqlActions
                    soql={`SELECT Id, (SELECT Id FROM ${c.relationshipName}) FROM ${objectName}`}
                    what={c.relationshipName}
                  />
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {shown.length === 0 ? (
        <p className="schema-panel__empty">No child relationship matches “{filter.trim()}”.</p>
      ) : null}
    </div>
  );
}
