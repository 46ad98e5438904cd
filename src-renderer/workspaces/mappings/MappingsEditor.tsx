import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { formatConnectExport, parseConnectExport } from '../../../src-shared/mapping';
import type { ApiResult } from '../../../src-shared/api';
import type { Mapping, MappingDocument } from '../../../src-shared/mapping';
import { EmptyState } from '../../components/EmptyState';
import { mappingRoute, navigate, replaceRoute, useHashLocation } from '../../state/route';
import { useStudio } from '../../state/studio';
import { ageText, useNow } from '../schema/format';
import { Spinner } from '../schema/ObjectBits';
import { AddMappingDialog } from './AddMappingDialog';
import { ApplyDialog } from './ApplyDialog';
import { appliedSentence, hasChanges, planChange, type ChangeSummary } from './change-summary';
import {
  addMapping,
  importDocument,
  newMapping,
  removeMapping,
  restoreMapping,
  setWriteAlgorithm,
} from './document-edits';
import { importProblemLines, importProblemsHeading } from './import-problems';
import { MappingList } from './MappingList';
import { MappingsDock } from './MappingsDock';
import { documentsEquivalent, mappingListEntries } from './mapping-status';
import { MappingPane, type FieldFocus } from './MappingPane';
import { isTypingTarget, MOD, MOD_ARIA } from './keys';
import {
  importProblems,
  messageOf,
  useMappingsEditor,
  type MappingsEditorModel,
} from './use-mappings-editor';

/**
 * The mapping last open, per org and database: coming back to Mappings (Ctrl+5 from elsewhere)
 * opens it again rather than the first one. Module-level: it lives as long as the window.
 */
const lastSelected = new Map<string, string>();

/** A removal the banner offers to take back: the mapping as it was, and where it stood. */
interface RemovedNote {
  mapping: Mapping;
  at: number;
  /** The draft right after the removal; any other draft means a later edit: the note goes. */
  after: MappingDocument;
}

/** The Mapping editor: the list, the selected mapping, its problems and the DDL it runs. */
export function MappingsEditor({
  orgKey,
  database,
}: {
  orgKey: string;
  /** The database profile (and its sync schema) the editor was opened for. */
  database: { profileId: string; schemaName: string };
}) {
  const { notify } = useStudio();
  const editor = useMappingsEditor(orgKey, database);
  const { load, present, applied, problems, catalog, edit } = editor;
  const location = useHashLocation();
  const selected = location.workspace === 'mappings' ? (location.path[0] ?? null) : null;
  const [adding, setAdding] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [focus, setFocus] = useState<FieldFocus | null>(null);
  const [imported, setImported] = useState<{ file: string; lines: string[] } | null>(null);
  const [applyResult, setAppliedResult] = useState<{
    result: ApiResult<'mappings.apply'>;
    summary: ChangeSummary | null;
  } | null>(null);
  const [removedNote, setRemovedNote] = useState<RemovedNote | null>(null);
  const clearFocus = useCallback(() => setFocus(null), []);
  const fileRef = useRef<HTMLInputElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  const state = load.status === 'ready' ? load.state : null;
  const tables = state?.tables;
  const entries = useMemo(
    () => mappingListEntries(present, applied, tables ?? [], problems),
    [present, applied, tables, problems],
  );

  // The DDL follows edits a beat behind, so ticking boxes never waits for the planner.
  const deferredPresent = useDeferredValue(present);
  const ddl = useMemo(
    () =>
      state
        ? planChange({
            schemaName: state.schemaName,
            present: deferredPresent,
            applied,
            catalog: catalog.catalog,
            snapshot: state.snapshot,
            allowDrop: editor.allowDrop,
          })
        : null,
    [state, deferredPresent, applied, catalog.catalog, editor.allowDrop],
  );
  const errors = problems.filter((p) => p.severity === 'error').length;
  const canApply =
    state !== null && ddl !== null && hasChanges(ddl) && errors === 0 && !catalog.loading;

  // The removal note lasts until the next edit (or undo): after it, "Undo" would mislead.
  if (removedNote !== null && removedNote.after !== present) setRemovedNote(null);

  // Open the mapping open last time, else the first, when the address names none.
  const memoryKey = `${orgKey}|${database.profileId}|${database.schemaName}`;
  const remembered = lastSelected.get(memoryKey);
  const opening =
    entries.find((e) => remembered !== undefined && e.objectName === remembered)?.objectName ??
    entries[0]?.objectName;
  useEffect(() => {
    if (load.status === 'ready' && selected === null && opening) {
      replaceRoute(mappingRoute(opening));
    }
  }, [load.status, selected, opening]);
  const selectedName = selected
    ? entries.find((e) => e.objectName.toLowerCase() === selected.toLowerCase())?.objectName
    : undefined;
  useEffect(() => {
    if (selectedName) lastSelected.set(memoryKey, selectedName);
  }, [memoryKey, selectedName]);

  const openApply = useCallback(() => {
    if (canApply) setConfirming(true);
  }, [canApply]);

  // Keys: Ctrl/Cmd+Enter applies, Ctrl/Cmd+Z / Shift+Z undo and redo outside text boxes.
  const { undo, redo } = editor;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key === 'Enter') {
        if (document.querySelector('dialog[open]')) return; // the dialog has its own
        e.preventDefault();
        openApply();
        return;
      }
      if (mod && !e.altKey && (e.key === 'z' || e.key === 'Z' || e.key === 'y')) {
        if (isTypingTarget(e.target) || document.querySelector('dialog[open]')) return;
        e.preventDefault();
        if (e.key === 'y' || e.shiftKey) redo();
        else undo();
        return;
      }
      if (e.key === '/' && !mod && !e.altKey && !isTypingTarget(e.target)) {
        if (document.querySelector('dialog[open]') || !searchRef.current) return;
        e.preventDefault();
        searchRef.current.focus();
        searchRef.current.select();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [openApply, undo, redo]);

  /** Adds a mapping of `objectName`; throws when its describe fails (the caller says so). */
  const addObject = async (objectName: string) => {
    await catalog.ensure([objectName]);
    const mapping = newMapping(objectName, catalog.store.catalog());
    edit((d) => addMapping(d, mapping));
    setAdding(false);
    navigate(mappingRoute(mapping.objectName));
  };

  const mapObject = (objectName: string) =>
    addObject(objectName).catch((error: unknown) =>
      notify(
        'error',
        `${objectName} could not be mapped: the org did not describe it (${messageOf(error)}). ` +
          'Check the object’s API name and the org connection, then try again.',
      ),
    );

  const removeObject = (objectName: string) => {
    const at = entries.findIndex((e) => e.objectName === objectName);
    const index = present.mappings.findIndex(
      (m) => m.objectName.toLowerCase() === objectName.toLowerCase(),
    );
    const removing = present.mappings[index];
    if (!removing) return;
    // The very document the history holds next, so the note can tell a later edit from it.
    const after = removeMapping(present, objectName);
    edit(() => after);
    setRemovedNote({ mapping: removing, at: index, after });
    const wasApplied = applied?.mappings.some(
      (m) => m.objectName.toLowerCase() === objectName.toLowerCase(),
    );
    // An applied mapping stays in the list (as removed); a new one goes: open a neighbour.
    if (!wasApplied) {
      const next = entries[at + 1] ?? entries[at - 1];
      replaceRoute(mappingRoute(next?.objectName));
    }
  };

  /** An applied mapping the draft removed, back as it is applied. */
  const restoreObject = (objectName: string) => {
    const before = applied?.mappings.find(
      (m) => m.objectName.toLowerCase() === objectName.toLowerCase(),
    );
    if (before) edit((d) => addMapping(d, before));
  };

  /** The banner's undo: the removed mapping back as it was in the draft, where it stood. */
  const undoRemoval = (note: RemovedNote) => {
    edit((d) => restoreMapping(d, note.mapping, note.at));
    setRemovedNote(null);
    navigate(mappingRoute(note.mapping.objectName));
  };

  const onImportFile = async (file: File) => {
    let text: string;
    try {
      text = await file.text();
    } catch (error) {
      setImported({
        file: file.name,
        lines: [`The file could not be read: ${messageOf(error)}`],
      });
      return;
    }
    try {
      const incoming = parseConnectExport(text);
      const merged = importDocument(present, incoming);
      setImported(null);
      const names = incoming.mappings.map((m) => m.objectName);
      if (documentsEquivalent(merged, present)) {
        // Not even an undo step.
        notify(
          'info',
          names.length === 0
            ? `${file.name} holds no mappings; nothing changed.`
            : `Imported ${names.join(', ')} from ${file.name}: the same as the draft, nothing changed.`,
        );
      } else {
        edit((d) => importDocument(d, incoming));
        notify(
          'info',
          `Imported ${names.join(', ')} from ${file.name} into the draft (mappings it does not name stay as they were).`,
        );
      }
      if (names[0]) navigate(mappingRoute(names[0]));
    } catch (error) {
      setImported({ file: file.name, lines: importProblemLines(text, importProblems(error)) });
    }
  };

  const exportDocument = () => {
    if (!state) return;
    const text = formatConnectExport(present);
    const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    const anchor = document.createElement('a');
    anchor.href = url;
    anchor.download = `${state.schemaName}-mappings.json`;
    document.body.appendChild(anchor);
    anchor.click();
    anchor.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  if (load.status === 'loading') {
    return (
      <div className="mappings-message" role="status">
        <Spinner /> Reading the database’s mappings…
      </div>
    );
  }
  if (load.status === 'error') {
    return (
      <div className="workspace">
        <header className="workspace__header">
          <h1>Mappings</h1>
        </header>
        <div className="mappings-error" role="alert">
          <p>{load.message}</p>
          <button className="button button--small" onClick={() => void editor.reload('restore')}>
            Try again
          </button>
        </div>
      </div>
    );
  }

  const selectedEntry = selected
    ? entries.find((e) => e.objectName.toLowerCase() === selected.toLowerCase())
    : undefined;
  const selectedMapping = selectedEntry
    ? (present.mappings.find(
        (m) => m.objectName.toLowerCase() === selectedEntry.objectName.toLowerCase(),
      ) ??
      applied?.mappings.find(
        (m) => m.objectName.toLowerCase() === selectedEntry.objectName.toLowerCase(),
      ))
    : undefined;
  const nothingMapped = entries.length === 0;

  return (
    <div className="mappings">
      <Toolbar
        editor={editor}
        canApply={canApply}
        applyTitle={
          canApply
            ? `Apply the draft to the database (${MOD}Enter)`
            : errors > 0
              ? `Fix the ${errors === 1 ? 'error' : `${errors} errors`} first`
              : catalog.loading
                ? 'Waiting for describes'
                : 'Nothing to apply: the database has these mappings'
        }
        onApply={openApply}
        onImport={() => fileRef.current?.click()}
        onExport={exportDocument}
      />
      <input
        ref={fileRef}
        type="file"
        accept=".json,application/json"
        aria-label="Import a Heroku Connect mapping export"
        className="mappings-file"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = ''; // the same file again is a new import
          if (file) void onImportFile(file);
        }}
      />

      <div className="mappings-banners">
        {editor.outsideChange ? (
          <div className="mappings-banner mappings-banner--warning" role="status">
            <span>
              The applied mappings were changed elsewhere (another window, or the demo). Your
              unapplied edits are kept; the list compares them with what is applied now.
            </span>
            <button className="button button--small" onClick={editor.discard}>
              Discard my edits
            </button>
            <button
              className="button button--small button--quiet"
              onClick={editor.dismissOutsideChange}
            >
              Keep editing
            </button>
          </div>
        ) : null}
        {imported ? (
          <div className="mappings-banner mappings-banner--error" role="alert">
            <div>
              <strong>{importProblemsHeading(imported.file, imported.lines.length)}</strong>
              <ul className="mappings-banner__list">
                {imported.lines.map((line, i) => (
                  <li key={i}>{line}</li>
                ))}
              </ul>
              <span className="muted">Nothing was imported; the draft is as it was.</span>
            </div>
            <button
              className="button button--small button--quiet"
              onClick={() => setImported(null)}
            >
              Dismiss
            </button>
          </div>
        ) : null}
        {applyResult ? (
          <ApplyResultBanner
            result={applyResult.result}
            summary={applyResult.summary}
            onDismiss={() => setAppliedResult(null)}
          />
        ) : null}
        {removedNote ? (
          <div className="mappings-banner" role="status">
            <span>{removedNote.mapping.objectName} was removed from the draft.</span>
            <button
              className="button button--small"
              onClick={() => undoRemoval(removedNote)}
              title={`Put ${removedNote.mapping.objectName} back as it was`}
            >
              Undo
            </button>
            <button
              className="button button--small button--quiet"
              onClick={() => setRemovedNote(null)}
            >
              Dismiss
            </button>
          </div>
        ) : null}
      </div>

      {nothingMapped ? (
        <div className="mappings-empty">
          <EmptyState
            icon="mappings"
            title="Add your first mapping"
            action={
              <div className="button-row">
                <button className="button button--primary" onClick={() => setAdding(true)}>
                  Add mapping
                </button>
                <button className="button" onClick={() => fileRef.current?.click()}>
                  Import a Heroku Connect export…
                </button>
              </div>
            }
          >
            <p>
              Nothing is mapped in <code>{state?.schemaName}</code> of {state?.databaseName} yet.
              Pick a Salesforce object to sync into a Postgres table, or import the JSON that{' '}
              <code>heroku connect:export</code> wrote. Nothing runs until you apply.
            </p>
          </EmptyState>
        </div>
      ) : (
        <>
          <div className="mappings__body">
            <MappingList
              entries={entries}
              selected={selectedEntry?.objectName ?? null}
              onAdd={() => setAdding(true)}
              onRestore={restoreObject}
            />
            <div className="mappings__main">
              {selectedMapping && selectedEntry ? (
                <MappingPane
                  key={selectedMapping.objectName.toLowerCase()}
                  mapping={selectedMapping}
                  entry={selectedEntry}
                  editor={editor}
                  schemaName={state?.schemaName ?? ''}
                  focus={focus}
                  onFocusHandled={clearFocus}
                  searchRef={searchRef}
                  onRemove={() => removeObject(selectedMapping.objectName)}
                  onRestore={() => restoreObject(selectedMapping.objectName)}
                />
              ) : selected ? (
                <div className="mappings-message">
                  <h2>{selected} is not mapped</h2>
                  <p className="muted">It is in neither the draft nor the applied mappings.</p>
                  <button
                    className="button button--primary"
                    onClick={() => void mapObject(selected)}
                  >
                    Map {selected}
                  </button>
                </div>
              ) : null}
            </div>
          </div>
          <MappingsDock
            problems={problems}
            loadingDescribes={catalog.loading}
            describeError={catalog.error}
            ddl={ddl}
            allowDrop={editor.allowDrop}
            onAllowDrop={editor.setAllowDrop}
            onOpenProblem={(object, field) => {
              navigate(mappingRoute(object));
              if (field) setFocus({ object, field, at: Date.now() });
            }}
            {...(selectedEntry ? { table: selectedEntry.table } : {})}
          />
        </>
      )}

      {adding ? (
        <AddMappingDialog
          mapped={present.mappings.map((m) => m.objectName)}
          onAdd={addObject}
          onClose={() => setAdding(false)}
        />
      ) : null}
      {confirming && state && ddl?.kind === 'plan' ? (
        <ApplyDialog
          state={state}
          ddl={ddl}
          problems={problems}
          allowDrop={editor.allowDrop}
          onAllowDrop={editor.setAllowDrop}
          onApply={async (drop) => {
            // The confirmation's summary knows the columns added; the answer, what was dropped.
            const summary = ddl.summary;
            const result = await editor.apply(drop);
            setConfirming(false);
            setAppliedResult({ result, summary });
            setRemovedNote(null);
            return result;
          }}
          onClose={() => setConfirming(false)}
        />
      ) : null}
    </div>
  );
}

function Toolbar({
  editor,
  canApply,
  applyTitle,
  onApply,
  onImport,
  onExport,
}: {
  editor: MappingsEditorModel;
  canApply: boolean;
  applyTitle: string;
  onApply: () => void;
  onImport: () => void;
  onExport: () => void;
}) {
  const now = useNow(10_000);
  const state = editor.load.status === 'ready' ? editor.load.state : null;
  const { draft, dirty } = editor;
  const status = !dirty
    ? state?.appliedFrom === 'tables'
      ? 'Read from the tables (no record of an apply)'
      : state?.appliedAt
        ? `Applied ${ageText(state.appliedAt, now)}`
        : state?.applied
          ? 'As applied'
          : 'Nothing applied yet'
    : draft.kind === 'pending'
      ? 'Not applied · saving the draft…'
      : draft.kind === 'saved'
        ? `Not applied · draft saved ${ageText(draft.savedAt, now)}`
        : draft.kind === 'failed'
          ? `Not applied · the draft could not be saved: ${draft.message}`
          : 'Not applied';
  return (
    <header className="mappings-toolbar">
      <div className="mappings-toolbar__title">
        {/* The database beside the heading, the status on a line of its own: a longer status
            never pushes the toolbar taller or gets cut short behind the buttons. */}
        <div className="mappings-toolbar__headline">
          <h1>Mappings</h1>
          {state ? (
            <span
              className="mappings-toolbar__database"
              title="The active database and its sync schema"
            >
              {state.databaseName} · <code>{state.schemaName}</code>
            </span>
          ) : null}
        </div>
        <span
          className={'mappings-toolbar__status' + (draft.kind === 'failed' ? ' is-failed' : '')}
          data-testid="draft-status"
          title={status}
        >
          {status}
        </span>
      </div>
      <div className="mappings-toolbar__actions">
        <label
          className="mappings-toolbar__algorithm"
          title="How changes made in Postgres are sent to Salesforce, for the whole connection"
        >
          <span>Writes</span>
          <select
            aria-label="Write algorithm"
            value={editor.writeAlgorithm}
            onChange={(e) =>
              editor.edit((d) => setWriteAlgorithm(d, e.target.value as 'merged' | 'ordered'))
            }
          >
            <option value="merged">Merged</option>
            <option value="ordered">Ordered</option>
          </select>
        </label>
        <span className="mappings-toolbar__group">
          <button
            className="button button--small"
            onClick={editor.undo}
            disabled={!editor.canUndo}
            title={`Undo (${MOD}Z)`}
          >
            Undo
          </button>
          <button
            className="button button--small"
            onClick={editor.redo}
            disabled={!editor.canRedo}
            title={`Redo (${MOD}Shift+Z)`}
          >
            Redo
          </button>
        </span>
        <span className="mappings-toolbar__group">
          <button
            className="button button--small"
            onClick={onImport}
            title="Merge a Heroku Connect export into the draft"
          >
            Import…
          </button>
          <button
            className="button button--small"
            onClick={onExport}
            disabled={editor.present.mappings.length === 0}
            title={`Download the ${dirty ? 'draft' : 'mappings'} as Heroku Connect export JSON`}
          >
            Export
          </button>
        </span>
        <button
          className="button button--small"
          onClick={editor.discard}
          disabled={!dirty}
          title="Go back to what is applied (undo brings the edits back)"
        >
          Discard changes
        </button>
        <button
          className="button button--primary button--small"
          onClick={onApply}
          disabled={!canApply}
          title={applyTitle}
          aria-keyshortcuts={`${MOD_ARIA}+Enter`}
        >
          Apply…
        </button>
      </div>
    </header>
  );
}

function ApplyResultBanner({
  result,
  summary,
  onDismiss,
}: {
  result: ApiResult<'mappings.apply'>;
  summary: ChangeSummary | null;
  onDismiss: () => void;
}) {
  return (
    <div className="mappings-banner mappings-banner--ok" role="status" data-testid="apply-result">
      <div>
        <strong>{appliedSentence(result, result.state.schemaName, summary)}</strong>
        {result.warnings.length > 0 ? (
          <details className="mappings-banner__details">
            <summary>
              {result.warnings.length} note{result.warnings.length === 1 ? '' : 's'}
            </summary>
            <ul className="mappings-banner__list">
              {result.warnings.map((w, i) => (
                <li key={i}>{w}</li>
              ))}
            </ul>
          </details>
        ) : null}
      </div>
      <button className="button button--small button--quiet" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
