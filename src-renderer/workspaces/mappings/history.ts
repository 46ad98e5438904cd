// Undo and redo over immutable values (the mapping document being edited). Each edit is one
// entry; edits that carry the same `coalesce` key within a short time replace the top entry, so
// typing "900" into the polling box is one undo step, not three.

export interface History<T> {
  past: T[];
  present: T;
  future: T[];
  /** The coalesce key and time of the last edit; only edits push with it. */
  last: { key: string; at: number } | null;
}

/** How long edits with one coalesce key keep merging into one undo step. */
export const COALESCE_MS = 1000;
/** Older steps are forgotten beyond this many. */
export const HISTORY_LIMIT = 200;

export function startHistory<T>(present: T): History<T> {
  return { past: [], present, future: [], last: null };
}

/**
 * `next` becomes the present. With a `coalesce` key equal to the previous edit's, made within
 * COALESCE_MS, the previous step is replaced rather than a new one kept.
 */
export function pushHistory<T>(
  history: History<T>,
  next: T,
  options: { coalesce?: string; now?: number } = {},
): History<T> {
  if (Object.is(next, history.present)) return history;
  const now = options.now ?? Date.now();
  const merge =
    options.coalesce !== undefined &&
    history.last !== null &&
    history.last.key === options.coalesce &&
    now - history.last.at <= COALESCE_MS &&
    history.future.length === 0;
  const past = merge ? history.past : [...history.past, history.present].slice(-HISTORY_LIMIT);
  return {
    past,
    present: next,
    future: [],
    last: options.coalesce !== undefined ? { key: options.coalesce, at: now } : null,
  };
}

export function undo<T>(history: History<T>): History<T> {
  const previous = history.past.at(-1);
  if (previous === undefined) return history;
  return {
    past: history.past.slice(0, -1),
    present: previous,
    future: [history.present, ...history.future],
    last: null,
  };
}

export function redo<T>(history: History<T>): History<T> {
  const [next, ...rest] = history.future;
  if (next === undefined) return history;
  return { past: [...history.past, history.present], present: next, future: rest, last: null };
}

/**
 * A new present that is not an edit (the state reloaded, an apply finished): kept as a step, so
 * what was on screen before can still be had back with undo.
 */
export function replacePresent<T>(history: History<T>, next: T): History<T> {
  if (Object.is(next, history.present)) return history;
  return {
    past: [...history.past, history.present].slice(-HISTORY_LIMIT),
    present: next,
    future: [],
    last: null,
  };
}

export const canUndo = (history: History<unknown>) => history.past.length > 0;
export const canRedo = (history: History<unknown>) => history.future.length > 0;
