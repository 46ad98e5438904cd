import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, type ApiErrorCode, type ApiResult } from '../../../src-shared/api';
import { api } from '../../api';

const RECHECK_MS = 8000;

export type DescribeAnswer = ApiResult<'schema.describe'>;

export type DescribeState =
  | { status: 'loading'; object: string }
  | { status: 'ready'; object: string; answer: DescribeAnswer; reloading: boolean }
  | { status: 'error'; object: string; message: string; code: ApiErrorCode | null };

/**
 * One object's describe (from the cache first), fetched again when the main process says the
 * cached one changed (schema.describeUpdated) or the user asks for a refresh.
 */
export function useDescribe(
  objectName: string,
  orgProfileId: string | null,
): [DescribeState, (refresh: boolean) => void] {
  const [state, setState] = useState<DescribeState>({ status: 'loading', object: objectName });
  const seq = useRef(0);

  // Answers land in state only from the promise, so the first fetch can start from an effect.
  const fetchDescribe = useCallback(
    (refresh: boolean) => {
      const mine = ++seq.current;
      api.schema
        .describe({ object: objectName, refresh })
        .then((answer) => {
          if (mine === seq.current) {
            setState({ status: 'ready', object: objectName, answer, reloading: false });
          }
        })
        .catch((error: unknown) => {
          if (mine !== seq.current) return;
          setState({
            status: 'error',
            object: objectName,
            message: error instanceof Error ? error.message : String(error),
            code: error instanceof ApiError ? error.code : null,
          });
        });
    },
    [objectName],
  );

  /** Fetch again, keeping the shown describe (marked as reloading) until the answer comes. */
  const reload = useCallback(
    (refresh: boolean) => {
      setState((current) =>
        current.status === 'ready' && current.object === objectName
          ? { ...current, reloading: true }
          : { status: 'loading', object: objectName },
      );
      fetchDescribe(refresh);
    },
    [fetchDescribe, objectName],
  );

  useEffect(() => {
    if (orgProfileId !== null) fetchDescribe(false);
  }, [fetchDescribe, orgProfileId]);

  useEffect(() => {
    const lower = objectName.toLowerCase();
    return api.on('schema.describeUpdated', ({ object }) => {
      if (object.toLowerCase() === lower) reload(false);
    });
  }, [reload, objectName]);

  // The answer said a refresh is running and its event normally follows; should the event
  // overtake the answer (it travels on another channel), ask once more rather than show
  // "refreshing…" for ever.
  const refreshingAnswer =
    state.status === 'ready' && state.answer.refreshing ? state.answer : null;
  useEffect(() => {
    if (!refreshingAnswer) return;
    const timer = setTimeout(() => fetchDescribe(false), RECHECK_MS);
    return () => clearTimeout(timer);
  }, [refreshingAnswer, fetchDescribe]);

  // What is shown must be this object's: a stale answer for the previous one reads as loading.
  const shown: DescribeState =
    state.object === objectName ? state : { status: 'loading', object: objectName };
  return [shown, reload];
}
