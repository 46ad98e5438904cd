// The Mapping editor's state: what the database has (mappings.state), the document being edited
// with its undo history, the draft kept in the studio's cache, and the describes the rules need.
// One hook, so the workspace's components only read and call.
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { ApiError, type ApiResult, type MappingsState } from '../../../src-shared/api';
import {
  ConnectExportError,
  formatConnectExport,
  parseConnectExport,
  type MappingDocument,
  type MappingProblem,
  validateMappings,
  writeAlgorithmOf,
} from '../../../src-shared/mapping';
import { api } from '../../api';
import { DescribeCatalogStore } from '../../state/describe-catalog';
import { useStudio } from '../../state/studio';
import { emptyDocument } from './document-edits';
import { describesNeeded } from './field-rows';
import {
  canRedo,
  canUndo,
  pushHistory,
  redo,
  replacePresent,
  startHistory,
  undo,
  type History,
} from './history';
import { documentsEquivalent } from './mapping-status';

/** How long edits rest before the draft is written to the cache. */
export const DRAFT_SAVE_DELAY_MS = 500;

export type LoadState =
  | { status: 'loading' }
  | { status: 'error'; code: string; message: string }
  | { status: 'ready'; state: MappingsState; applied: MappingDocument | undefined };

export type DraftStatus =
  | { kind: 'clean' }
  | { kind: 'pending' }
  | { kind: 'saved'; savedAt: string }
  | { kind: 'failed'; message: string };

export const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** Codes that only say a describe is still on its way: not shown while describes load. */
const LOADING_CODES = new Set(['OBJECT_NOT_DESCRIBED', 'RELATIONSHIP_PARENT_NOT_DESCRIBED']);

function parseOrUndefined(text: string | null): MappingDocument | undefined {
  return text === null ? undefined : parseConnectExport(text);
}

/** The org's describes as the editor needs them: cache-first, loaded as mappings reach them. */
function useCatalog(orgKey: string) {
  const store = useMemo(
    () =>
      new DescribeCatalogStore({
        listObjects: async () =>
          (await api.schema.objects()).objects.map((o) => ({
            name: o.name,
            label: o.label,
            custom: o.custom,
            keyPrefix: o.keyPrefix,
            queryable: o.queryable,
          })),
        describeMany: (objects) => api.schema.describeMany({ objects }),
      }),
    // One store per org: another org's describes must never answer for this one.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [orgKey],
  );
  const version = useSyncExternalStore(
    useCallback((listener: () => void) => store.subscribe(listener), [store]),
    () => store.catalog(),
  );
  const [loading, setLoading] = useState(0);
  const [error, setError] = useState<string | null>(null);

  const ensure = useCallback(
    (names: string[]) => {
      const wanted = names.filter((n) => !store.isLoaded(n));
      if (wanted.length === 0) return Promise.resolve();
      setLoading((n) => n + 1);
      return store
        .ensure(wanted)
        .then(() => setError(null))
        .catch((e: unknown) => {
          setError(messageOf(e));
          throw e;
        })
        .finally(() => setLoading((n) => n - 1));
    },
    [store],
  );

  useEffect(() => {
    store.ensureObjectList().catch((e: unknown) => setError(messageOf(e)));
    const offs = [
      api.on('schema.describeUpdated', ({ object }) => {
        if (!store.isLoaded(object)) return;
        store.invalidate(object);
        void ensure([object]).catch(() => undefined);
      }),
      api.on('schema.objectsUpdated', () => void store.reloadObjectList().catch(() => undefined)),
    ];
    return () => offs.forEach((off) => off());
  }, [store, ensure]);

  return { catalog: version, store, ensure, loading: loading > 0, error };
}

export interface EditOptions {
  /** Edits with one key, close together, are one undo step (typing in a box). */
  coalesce?: string;
}

/** The database profile and sync schema an editor was opened for: its draft's slot. */
export interface EditorDatabase {
  profileId: string;
  schemaName: string;
}

/**
 * Whether the studio's active database is still `database`. mappings.saveDraft writes to the
 * active one's slot, so a draft must not be written once another is active (or the profile now
 * names another schema): it would land in that database's slot.
 */
export async function stillActiveDatabase(database: EditorDatabase): Promise<boolean> {
  const [settings, { profiles }] = await Promise.all([api.settings.get(), api.profiles.list()]);
  if (settings.activeDbProfileId !== database.profileId) return false;
  const profile = profiles.find((p) => p.id === database.profileId);
  return profile?.kind === 'postgres' && profile.schema === database.schemaName;
}

export function useMappingsEditor(orgKey: string, database: EditorDatabase) {
  const { notify } = useStudio();
  const [load, setLoad] = useState<LoadState>({ status: 'loading' });
  const [history, setHistory] = useState<History<MappingDocument>>(() =>
    startHistory(emptyDocument()),
  );
  const [draft, setDraft] = useState<DraftStatus>({ kind: 'clean' });
  /** Someone else applied while this window held unapplied edits. */
  const [outsideChange, setOutsideChange] = useState(false);
  const [allowDrop, setAllowDrop] = useState(false);
  const catalog = useCatalog(orgKey);

  const present = history.present;
  const applied = load.status === 'ready' ? load.applied : undefined;
  const dirty = load.status === 'ready' && !documentsEquivalent(present, applied);

  // --- Loading, and following changes made elsewhere.

  const presentRef = useRef(present);
  const appliedRef = useRef(applied);
  /** The document last loaded or saved: the draft saver's starting point. */
  const savedRef = useRef<MappingDocument | null>(null);
  /** Our own apply is running: its mappings.changed is answered by the apply's result. */
  const applyingRef = useRef(false);
  /** The database the editor was opened for (the workspace makes a new editor for another). */
  const databaseRef = useRef(database);
  useEffect(() => {
    presentRef.current = present;
    appliedRef.current = applied;
  });

  const takeState = useCallback(
    (state: MappingsState, mode: 'restore' | 'keep' | 'applied') => {
      let appliedDoc: MappingDocument | undefined;
      try {
        appliedDoc = parseOrUndefined(state.applied);
      } catch (error) {
        setLoad({
          status: 'error',
          code: 'BAD_APPLIED',
          message: `The mappings recorded in ${state.schemaName} cannot be read: ${messageOf(error)}`,
        });
        return;
      }
      setLoad({ status: 'ready', state, applied: appliedDoc });
      if (mode === 'keep') return;
      let next = appliedDoc ?? emptyDocument();
      if (mode === 'restore' && state.draft) {
        try {
          next = parseConnectExport(state.draft.document);
          setDraft({ kind: 'saved', savedAt: state.draft.savedAt });
        } catch (error) {
          notify(
            'warning',
            `The saved draft could not be read (${messageOf(error)}); starting from what is applied.`,
          );
        }
      } else {
        setDraft({ kind: 'clean' });
      }
      savedRef.current = next;
      // After an apply the edits that led to it are history: undo starts from what is applied.
      setHistory((h) =>
        mode === 'applied' || (h.past.length === 0 && h.future.length === 0)
          ? startHistory(next)
          : replacePresent(h, next),
      );
    },
    [notify],
  );

  const reload = useCallback(
    (mode: 'restore' | 'keep') =>
      api.mappings.state().then(
        (state) => takeState(state, mode),
        (error: unknown) => {
          const code = error instanceof ApiError ? error.code : 'INTERNAL';
          setLoad({ status: 'error', code, message: messageOf(error) });
        },
      ),
    [takeState],
  );

  useEffect(() => {
    void reload('restore');
  }, [reload]);

  useEffect(
    () =>
      api.on('mappings.changed', () => {
        if (applyingRef.current) return;
        const unsaved = !documentsEquivalent(presentRef.current, appliedRef.current);
        if (unsaved) setOutsideChange(true);
        void reload(unsaved ? 'keep' : 'restore');
      }),
    [reload],
  );

  // --- The draft, kept in the cache: written when edits rest, and before the editor goes.

  const saveNow = useCallback(async (document: MappingDocument) => {
    const unsaved = !documentsEquivalent(document, appliedRef.current);
    try {
      const { savedAt } = await api.mappings.saveDraft({
        document: unsaved ? formatConnectExport(document) : null,
      });
      savedRef.current = document;
      if (presentRef.current === document) {
        setDraft(savedAt ? { kind: 'saved', savedAt } : { kind: 'clean' });
      }
    } catch (error) {
      setDraft({ kind: 'failed', message: messageOf(error) });
    }
  }, []);

  useEffect(() => {
    if (load.status !== 'ready' || savedRef.current === present) return;
    setDraft((d) => (d.kind === 'failed' ? d : { kind: 'pending' }));
    const timer = setTimeout(() => void saveNow(present), DRAFT_SAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [present, load.status, saveNow]);

  // Leaving the workspace (or the window) with an edit not yet written: write it now.
  useEffect(() => {
    const database = databaseRef.current;
    const unsaved = () => savedRef.current !== null && savedRef.current !== presentRef.current;
    // The window going away: this window's database is still the active one (a change would
    // have replaced this editor first), and there is no time for a round trip.
    const onPageHide = () => {
      if (unsaved()) void saveNow(presentRef.current);
    };
    window.addEventListener('pagehide', onPageHide);
    return () => {
      window.removeEventListener('pagehide', onPageHide);
      if (!unsaved()) return;
      // Unmounted, perhaps because another database became active: then the edit has no slot
      // left to go to (saveDraft writes to the active database), and is dropped rather than
      // written over the other database's draft.
      const document = presentRef.current;
      void stillActiveDatabase(database)
        .then((same) => (same ? saveNow(document) : undefined))
        .catch(() => undefined); // the studio is gone: nothing to write to
    };
  }, [saveNow]);

  // --- Edits.

  const edit = useCallback(
    (change: (document: MappingDocument) => MappingDocument, options: EditOptions = {}) => {
      setHistory((h) => pushHistory(h, change(h.present), options));
    },
    [],
  );
  const undoEdit = useCallback(() => setHistory(undo), []);
  const redoEdit = useCallback(() => setHistory(redo), []);

  const discard = useCallback(() => {
    setOutsideChange(false);
    setHistory((h) => pushHistory(h, appliedRef.current ?? emptyDocument()));
  }, []);

  // --- Apply.

  const apply = useCallback(
    async (drop: boolean): Promise<ApiResult<'mappings.apply'>> => {
      const document = presentRef.current;
      applyingRef.current = true;
      try {
        const result = await api.mappings.apply({
          document: formatConnectExport(document),
          allowDrop: drop,
        });
        setOutsideChange(false);
        setAllowDrop(false);
        takeState(result.state, 'applied');
        return result;
      } finally {
        applyingRef.current = false;
      }
    },
    [takeState],
  );

  // --- Describes and validation.

  const mapped = useMemo(
    () => [...present.mappings, ...(applied?.mappings ?? [])],
    [present, applied],
  );
  const needed = useMemo(() => describesNeeded(mapped, catalog.catalog), [mapped, catalog.catalog]);
  const { ensure } = catalog;
  useEffect(() => {
    void ensure(needed).catch(() => undefined);
  }, [needed, ensure]);

  const writeAlgorithm = writeAlgorithmOf(present);
  const problems: MappingProblem[] = useMemo(() => {
    const all = validateMappings(present.mappings, catalog.catalog, { writeAlgorithm });
    return catalog.loading ? all.filter((p) => !LOADING_CODES.has(p.code)) : all;
  }, [present, catalog.catalog, catalog.loading, writeAlgorithm]);

  return {
    load,
    reload,
    present,
    applied,
    dirty,
    draft,
    outsideChange,
    dismissOutsideChange: () => setOutsideChange(false),
    edit,
    undo: undoEdit,
    redo: redoEdit,
    canUndo: canUndo(history),
    canRedo: canRedo(history),
    discard,
    apply,
    allowDrop,
    setAllowDrop,
    catalog,
    problems,
    writeAlgorithm,
  };
}

export type MappingsEditorModel = ReturnType<typeof useMappingsEditor>;

/** An import's problems, each with where in the file it is. */
export function importProblems(error: unknown): Array<{ path: string; message: string }> {
  if (error instanceof ConnectExportError) return error.problems;
  return [{ path: '(file)', message: messageOf(error) }];
}
