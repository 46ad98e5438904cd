import { useEffect, useMemo, useState, type RefObject } from 'react';
import type { Mapping, MappingProblem } from '../../../src-shared/mapping';
import { schemaObjectRoute } from '../../state/route';
import { Spinner } from '../schema/ObjectBits';
import {
  lockedFields,
  parsePollingSeconds,
  setAccess,
  setFieldsMapped,
  setPollingSeconds,
  setUpsertField,
  updateMapping,
} from './document-edits';
import {
  externalIdFields,
  fieldRows,
  filterFieldRows,
  relationshipRows,
  requiredFieldNames,
  selectableFieldNames,
  type FieldRow,
  type RelationshipOption,
  type RelationshipRow,
} from './field-rows';
import { AccessBadge, ChangeBadge } from './MappingList';
import type { MappingListEntry } from './mapping-status';
import type { MappingsEditorModel } from './use-mappings-editor';

/** A request to bring a field into view (from the problems list). */
export interface FieldFocus {
  object: string;
  field: string;
  at: number;
}

export const fieldRowId = (object: string, field: string) =>
  `map-field-${object.toLowerCase()}-${field.toLowerCase()}`;

/** The selected mapping: its settings, its fields, and its relationship external IDs. */
export function MappingPane({
  mapping,
  entry,
  editor,
  schemaName,
  focus,
  onFocusHandled,
  searchRef,
  onRemove,
  onRestore,
}: {
  mapping: Mapping;
  entry: MappingListEntry;
  editor: MappingsEditorModel;
  schemaName: string;
  focus: FieldFocus | null;
  onFocusHandled: () => void;
  searchRef: RefObject<HTMLInputElement | null>;
  onRemove: () => void;
  onRestore: () => void;
}) {
  const { catalog, problems, edit, present, writeAlgorithm } = editor;
  const object = mapping.objectName;
  const removed = entry.change === 'removed';
  const describe = catalog.catalog.describe(object);
  const change = (next: (m: Mapping) => Mapping, coalesce?: string) =>
    edit((d) => updateMapping(d, object, next), coalesce ? { coalesce } : {});
  const mappingProblems = problems.filter(
    (p) => p.object.toLowerCase() === object.toLowerCase() && p.field === undefined,
  );

  return (
    <article className="map-pane" aria-label={`${object} mapping`}>
      <header className="map-pane__head">
        <div className="map-pane__title">
          <h2>{object}</h2>
          {describe && describe.label !== object ? (
            <span className="muted">{describe.label}</span>
          ) : null}
          <ChangeBadge change={entry.change} />
          <AccessBadge access={mapping.access} />
        </div>
        <div className="map-pane__meta muted">
          Table{' '}
          <code>
            {schemaName}.{entry.table}
          </code>
          {entry.rowCount !== null ? ` · ${entry.rowCount.toLocaleString()} rows` : ''}
          {entry.tableMissing ? ' · the table is missing: Apply creates it again' : ''}
          {' · '}
          <a href={`#/${schemaObjectRoute(object)}`}>Open in Schema</a>
        </div>
        <div className="map-pane__actions">
          {removed ? (
            <button className="button button--small button--primary" onClick={onRestore}>
              Restore {object}
            </button>
          ) : (
            <button
              className="button button--small"
              onClick={onRemove}
              title="Remove the mapping from the draft (undoable); its table stays in the database"
            >
              Remove mapping
            </button>
          )}
        </div>
      </header>

      {removed ? (
        <p className="map-pane__note" role="status">
          {object} is removed in the draft. Applying stops syncing it; its table{' '}
          <code>
            {schemaName}.{entry.table}
          </code>{' '}
          and its rows stay in the database.
        </p>
      ) : (
        <Settings mapping={mapping} change={change} editor={editor} />
      )}

      {mappingProblems.length > 0 ? (
        <ul className="map-pane__problems" aria-label={`Problems of ${object}`}>
          {mappingProblems.map((p, i) => (
            <li key={i} className={`map-inline-problem map-inline-problem--${p.severity}`}>
              {p.message} <span className="muted">{p.fix}</span>
            </li>
          ))}
        </ul>
      ) : null}

      {!describe ? (
        <p className="map-pane__note" role="status">
          {catalog.loading ? (
            <>
              <Spinner /> Describing {object}…
            </>
          ) : (
            `The describe of ${object} is not available, so its fields cannot be listed. ${catalog.error ?? ''}`
          )}
        </p>
      ) : (
        <FieldChecklist
          mapping={mapping}
          editor={editor}
          readOnly={removed}
          focus={focus}
          onFocusHandled={onFocusHandled}
          searchRef={searchRef}
          change={change}
          others={present.mappings}
          writeAlgorithm={writeAlgorithm}
          problems={problems}
        />
      )}
    </article>
  );
}

function Settings({
  mapping,
  change,
  editor,
}: {
  mapping: Mapping;
  change: (next: (m: Mapping) => Mapping, coalesce?: string) => void;
  editor: MappingsEditorModel;
}) {
  const object = mapping.objectName;
  const [pollText, setPollText] = useState(String(mapping.sfPollingSeconds));
  const [pollShown, setPollShown] = useState(mapping.sfPollingSeconds);
  const parsed = parsePollingSeconds(pollText);
  // Undo and redo change the value under the box: show it, unless the box already says it.
  if (pollShown !== mapping.sfPollingSeconds) {
    setPollShown(mapping.sfPollingSeconds);
    if (!parsed.ok || parsed.seconds !== mapping.sfPollingSeconds) {
      setPollText(String(mapping.sfPollingSeconds));
    }
  }
  const externalIds = externalIdFields(editor.catalog.catalog, object);
  const readWrite = mapping.access === 'read_write';
  const upsert = mapping.upsertField;
  const upsertKnown =
    upsert === undefined || externalIds.some((f) => f.name.toLowerCase() === upsert.toLowerCase());
  const noChoice = externalIds.length === 0 && upsert === undefined;

  return (
    <div className="map-settings">
      <div className="map-setting">
        <span className="map-setting__label" id={`access-${object}`}>
          Access
        </span>
        {/* Native radios: arrow keys move between them, as in any radio group. */}
        <div className="map-segmented" role="radiogroup" aria-labelledby={`access-${object}`}>
          {(
            [
              ['read_only', 'Read-only', 'Salesforce → Postgres: changes in Postgres are not sent'],
              [
                'read_write',
                'Read-write',
                'Salesforce ⇄ Postgres: changes in Postgres are sent to Salesforce',
              ],
            ] as const
          ).map(([value, label, title]) => (
            <label
              key={value}
              className={'map-segmented__option' + (mapping.access === value ? ' is-selected' : '')}
              title={title}
            >
              <input
                type="radio"
                name={`access-${object}`}
                value={value}
                checked={mapping.access === value}
                onChange={() => change((m) => setAccess(m, value))}
              />
              {label}
            </label>
          ))}
        </div>
      </div>

      <div className={'map-setting' + (parsed.ok ? '' : ' map-setting--error')}>
        <label className="map-setting__label" htmlFor={`poll-${object}`}>
          Poll Salesforce every
        </label>
        <span className="map-setting__poll">
          <input
            id={`poll-${object}`}
            className="map-input map-input--number"
            inputMode="numeric"
            aria-label="Polling interval in seconds"
            aria-invalid={!parsed.ok}
            aria-describedby={`poll-help-${object}`}
            value={pollText}
            onChange={(e) => {
              setPollText(e.target.value);
              const next = parsePollingSeconds(e.target.value);
              if (next.ok) change((m) => setPollingSeconds(m, next.seconds), `poll:${object}`);
            }}
            onBlur={() => {
              if (!parsed.ok) setPollText(String(mapping.sfPollingSeconds));
            }}
          />
          <span className="muted">seconds</span>
          {parsed.ok ? (
            <span id={`poll-help-${object}`} className="map-setting__help">
              default 600
            </span>
          ) : null}
        </span>
        {parsed.ok ? null : (
          <span id={`poll-help-${object}`} className="field__error" role="alert">
            {parsed.message}
          </span>
        )}
      </div>

      <div className="map-setting">
        {/* A label only when there is a select for it to name. */}
        {readWrite && !noChoice ? (
          <label className="map-setting__label" htmlFor={`upsert-${object}`}>
            Unique identifier
          </label>
        ) : (
          <span className="map-setting__label">Unique identifier</span>
        )}
        {readWrite ? (
          noChoice ? (
            <span className="map-setting__help">
              {object} has no External ID field. Add one in Salesforce (External ID, Unique) to
              upsert rows inserted in Postgres.
            </span>
          ) : (
            <select
              id={`upsert-${object}`}
              className="map-input"
              value={upsert ?? ''}
              title="The External ID field upserts match on, so rows inserted in Postgres never come back as duplicates"
              onChange={(e) => change((m) => setUpsertField(m, e.target.value || undefined))}
            >
              <option value="">None</option>
              {externalIds.map((f) => (
                <option key={f.name} value={f.name}>
                  {f.name}
                  {f.unique ? ' (External ID, unique)' : ' (External ID)'}
                </option>
              ))}
              {!upsertKnown && upsert ? (
                <option value={upsert}>{upsert} (not an External ID)</option>
              ) : null}
            </select>
          )
        ) : (
          <span className="map-setting__help">Read-only mappings never upsert: none needed.</span>
        )}
      </div>
    </div>
  );
}

function FieldChecklist({
  mapping,
  editor,
  readOnly,
  focus,
  onFocusHandled,
  searchRef,
  change,
  others,
  writeAlgorithm,
  problems,
}: {
  mapping: Mapping;
  editor: MappingsEditorModel;
  readOnly: boolean;
  focus: FieldFocus | null;
  onFocusHandled: () => void;
  searchRef: RefObject<HTMLInputElement | null>;
  change: (next: (m: Mapping) => Mapping, coalesce?: string) => void;
  others: readonly Mapping[];
  writeAlgorithm: 'merged' | 'ordered';
  problems: MappingProblem[];
}) {
  const catalog = editor.catalog.catalog;
  const object = mapping.objectName;
  const [search, setSearch] = useState('');
  const [flash, setFlash] = useState<string | null>(null);
  const rows = useMemo(() => fieldRows(mapping, catalog, problems), [mapping, catalog, problems]);
  const shown = useMemo(() => filterFieldRows(rows, search), [rows, search]);
  const relationships = useMemo(
    () => (readOnly ? [] : relationshipRows(mapping, others, catalog, writeAlgorithm, problems)),
    [readOnly, mapping, others, catalog, writeAlgorithm, problems],
  );
  const locked = useMemo(() => lockedFields(catalog, object), [catalog, object]);
  const mappedCount = rows.filter((r) => r.mapped).length;
  const required = requiredFieldNames(rows);
  const missingRequired = required.filter((name) => !rows.find((r) => r.name === name)?.mapped);

  const tick = (names: string[], mapped: boolean) =>
    change((m) => setFieldsMapped(m, names, mapped, locked));

  // A problem clicked in the list: show its field, even if the search hid it.
  const [focusTaken, setFocusTaken] = useState<FieldFocus | null>(null);
  if (focus && focus !== focusTaken && focus.object.toLowerCase() === object.toLowerCase()) {
    setFocusTaken(focus);
    setSearch('');
    setFlash(focus.field.toLowerCase());
  }
  // Spent once shown: opening the mapping again later does not flash it again.
  useEffect(() => {
    if (focusTaken) onFocusHandled();
  }, [focusTaken, onFocusHandled]);
  useEffect(() => {
    if (!flash) return;
    const frame = requestAnimationFrame(() =>
      document.getElementById(fieldRowId(object, flash))?.scrollIntoView({ block: 'center' }),
    );
    const timer = setTimeout(() => setFlash(null), 1600);
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [flash, object]);

  return (
    <section className="map-fields" aria-label={`Fields of ${object}`}>
      <div className="map-fields__bar">
        <h3>Fields</h3>
        <span className="muted" data-testid="mapped-count">
          {mappedCount} of {rows.length} mapped
        </span>
        <input
          ref={searchRef}
          type="search"
          className="map-input map-fields__search"
          aria-label="Search fields"
          aria-keyshortcuts="/"
          placeholder="Search fields   /"
          title="Search by API name or label (/)"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape' && search !== '') {
              e.preventDefault();
              setSearch('');
            }
          }}
          spellCheck={false}
        />
        {readOnly ? null : (
          <span className="map-fields__shortcuts">
            <button
              className="button button--small"
              disabled={missingRequired.length === 0}
              onClick={() => tick(required, true)}
              title={
                required.length === 0
                  ? `${object} has no field required on create`
                  : `Map the fields Salesforce requires on create: ${required.join(', ')}`
              }
            >
              Select required
            </button>
            <button
              className="button button--small"
              onClick={() => tick(selectableFieldNames(rows), true)}
              title="Map every field that can be a column"
            >
              Select all
            </button>
            <button
              className="button button--small button--quiet"
              onClick={() =>
                tick(
                  rows.filter((r) => r.mapped).map((r) => r.name),
                  false,
                )
              }
              title="Unmap every field but the system ones"
            >
              Clear
            </button>
          </span>
        )}
      </div>

      <div className="map-fields__scroll">
        <table className="map-table" aria-label={`Field checklist of ${object}`}>
          {/* Fixed widths: the columns stay put while a search narrows the rows. */}
          <colgroup>
            <col className="map-table__col-check" />
            <col />
            <col className="map-table__col-sf" />
            <col className="map-table__col-pg" />
            <col className="map-table__col-flags" />
          </colgroup>
          <thead>
            <tr>
              <th className="map-table__check">
                <span className="map-sr-only">Mapped</span>
              </th>
              <th>Field</th>
              <th>Salesforce type</th>
              <th>Postgres column</th>
              <th>Flags</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => (
              <FieldRowView
                key={row.name}
                object={object}
                row={row}
                readOnly={readOnly}
                flash={flash === row.name.toLowerCase()}
                onTick={(mapped) => tick([row.name], mapped)}
              />
            ))}
            {shown.length === 0 ? (
              <tr>
                <td colSpan={5} className="map-table__empty">
                  No field of {object} matches “{search.trim()}”.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>

        {relationships.length > 0 ? (
          <Relationships
            object={object}
            rows={relationships}
            flash={flash}
            search={search}
            onTick={(name, mapped) => tick([name], mapped)}
          />
        ) : null}
      </div>
    </section>
  );
}

function Flags({ row }: { row: FieldRow }) {
  const flags: Array<[string, string, string]> = [];
  if (row.locked)
    flags.push(['system', 'system', 'Every mapping carries it: Heroku Connect needs it']);
  if (row.required)
    flags.push(['required', 'required', 'Required when records are created in Salesforce']);
  if (row.externalId)
    flags.push(['ext', 'external ID', 'An External ID field: it can identify records for upserts']);
  if (row.unique) flags.push(['unique', 'unique', 'Unique in Salesforce']);
  if (row.calculated)
    flags.push([
      'formula',
      'formula',
      'A formula or roll-up: Salesforce computes it; its changes do not touch SystemModstamp',
    ]);
  if (row.readOnly)
    flags.push([
      'readonly',
      'read-only',
      'Salesforce does not let it be written (not createable or updateable)',
    ]);
  return (
    <span className="map-flags">
      {flags.map(([key, text, title]) => (
        <span key={key} className={`map-flag map-flag--${key}`} title={title}>
          {text}
        </span>
      ))}
    </span>
  );
}

function FieldRowView({
  object,
  row,
  readOnly,
  flash,
  onTick,
}: {
  object: string;
  row: FieldRow;
  readOnly: boolean;
  flash: boolean;
  onTick: (mapped: boolean) => void;
}) {
  const severity = row.problems.some((p) => p.severity === 'error')
    ? 'error'
    : row.problems.length > 0
      ? 'warning'
      : null;
  const first = row.problems[0];
  const disabled = readOnly || row.locked || (!row.mapped && row.unsupported !== null);
  const title = row.locked
    ? `${row.name} is always mapped`
    : row.unsupported && !row.mapped
      ? `${row.name} cannot be mapped: ${row.unsupported}`
      : undefined;
  return (
    <tr
      id={fieldRowId(object, row.name)}
      className={
        'map-field' +
        (row.mapped ? ' is-mapped' : '') +
        (row.unsupported ? ' is-unsupported' : '') +
        (severity ? ` has-${severity}` : '') +
        (flash ? ' is-flash' : '')
      }
      title={title}
    >
      <td className="map-table__check">
        <input
          type="checkbox"
          aria-label={`Map ${row.name}`}
          checked={row.mapped}
          disabled={disabled}
          onChange={(e) => onTick(e.target.checked)}
        />
      </td>
      <td className="map-field__name">
        <span className="map-field__line">
          <span className="map-field__api">{row.name}</span>
          <span className="map-field__label">{row.label}</span>
        </span>
        {first ? (
          // One line per field: the whole text (and the fix) is in the title, and in Problems.
          <span
            className={`map-inline-problem map-inline-problem--${severity ?? 'warning'} map-inline-problem--line`}
            title={row.problems.map((p) => `${p.message} ${p.fix}`).join('\n')}
          >
            {first.message}
            {row.problems.length > 1 ? ` (+${row.problems.length - 1} more)` : ''}
          </span>
        ) : null}
      </td>
      <td className="map-field__type" title={row.salesforceType}>
        {row.salesforceType}
      </td>
      <td className="map-field__type">
        {row.postgresType ? (
          <code>{row.postgresType}</code>
        ) : row.unsupported ? (
          <span className="map-field__reason">{row.unsupported}</span>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td className="map-field__flags">
        <Flags row={row} />
      </td>
    </tr>
  );
}

function Relationships({
  object,
  rows,
  flash,
  search,
  onTick,
}: {
  object: string;
  rows: RelationshipRow[];
  flash: string | null;
  search: string;
  onTick: (name: string, mapped: boolean) => void;
}) {
  const needle = search.trim().toLowerCase();
  const matches = (row: RelationshipRow) =>
    needle === '' ||
    row.lookup.toLowerCase().includes(needle) ||
    row.parentObject.toLowerCase().includes(needle) ||
    row.options.some((o) => o.name.toLowerCase().includes(needle));
  const shown = rows.filter(matches);
  // Lookups with nothing to offer because their parent has no External ID: one line for all.
  const noExternalId = shown.filter((r) => r.status === 'no_external_id' && r.options.length === 0);
  const listed = shown.filter((r) => !noExternalId.includes(r));
  if (shown.length === 0) return null;
  return (
    <section className="map-rels" aria-label={`Relationship external IDs of ${object}`}>
      <h3>Relationship external IDs</h3>
      <p className="muted map-rels__help">
        A column that takes the parent’s External ID: write it in Postgres and the sync fills in the
        lookup, so a child can point at a parent that has no <code>sfid</code> yet.
      </p>
      <ul className="map-rels__list">
        {listed.map((row) => (
          <li
            key={row.lookup}
            className={'map-rel' + (row.status === 'options' ? '' : ' is-unavailable')}
          >
            <div className="map-rel__lookup">
              <code>{row.lookup}</code>{' '}
              <span className="muted">
                → {row.status === 'polymorphic' ? row.targets.join(', ') : row.parentObject}
              </span>
            </div>
            <div>
              {row.options.length > 0 ? (
                <ul className="map-rel__options">
                  {row.options.map((option) => (
                    <RelationshipOptionView
                      key={option.name}
                      object={object}
                      parentObject={row.parentObject}
                      option={option}
                      flash={flash === option.name.toLowerCase()}
                      onTick={(mapped) => onTick(option.name, mapped)}
                    />
                  ))}
                </ul>
              ) : null}
              {row.status === 'parent_not_described' ? (
                <span className="muted">
                  <Spinner /> Describing {row.parentObject}…
                </span>
              ) : row.status !== 'options' ? (
                <span className="map-field__reason">Not possible: {row.reason}</span>
              ) : null}
            </div>
          </li>
        ))}
        {noExternalId.length > 0 ? (
          <li className="map-rel map-rel--wide is-unavailable">
            <span className="map-field__reason">
              No External ID on the parent:{' '}
              {noExternalId.map((r, i) => (
                <span key={r.lookup}>
                  {i > 0 ? ', ' : ''}
                  <code>{r.lookup}</code> → {r.parentObject}
                </span>
              ))}
              . Write the parent’s <code>sfid</code> into the lookup column instead.
            </span>
          </li>
        ) : null}
      </ul>
    </section>
  );
}

function RelationshipOptionView({
  object,
  parentObject,
  option,
  flash,
  onTick,
}: {
  object: string;
  parentObject: string;
  option: RelationshipOption;
  flash: boolean;
  onTick: (mapped: boolean) => void;
}) {
  const severity = option.problems.some((p) => p.severity === 'error')
    ? 'error'
    : option.problems.length > 0
      ? 'warning'
      : null;
  return (
    <li
      id={fieldRowId(object, option.name)}
      className={
        'map-rel__option' + (severity ? ` has-${severity}` : '') + (flash ? ' is-flash' : '')
      }
    >
      <label>
        <input
          type="checkbox"
          aria-label={`Map ${option.name}`}
          checked={option.mapped}
          onChange={(e) => onTick(e.target.checked)}
        />
        <code className="map-rel__name">{option.name}</code>
        <span className="muted">
          carries {parentObject}.{option.parentField}
        </span>
        {option.postgresType ? <code className="map-rel__type">{option.postgresType}</code> : null}
      </label>
      {option.problems.map((p, i) => (
        <span key={i} className={`map-inline-problem map-inline-problem--${p.severity}`}>
          {option.mapped ? '' : 'If ticked: '}
          {p.message} <span className="muted">{p.fix}</span>
        </span>
      ))}
    </li>
  );
}
