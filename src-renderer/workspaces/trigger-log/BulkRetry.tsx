import { useEffect, useRef, useState } from 'react';
import type { TriggerLogSummary } from '../../../src-shared/api';
import { api } from '../../api';
import {
  canRetryMatching,
  describeFilter,
  failedCountFromSummary,
  failedOnly,
  stateCounts,
  toApiFilter,
  type InspectorFilter,
} from './filter-model';
import { formatCount } from './format';
import { toApiError } from './use-trigger-log';

/** Counting stops here ("5,000+"): the confirmation still names what it found. */
const COUNT_PAGE = 1000;
const COUNT_PAGES = 5;
/** The count waits for the grid's own page, so it never slows what the user asked for. */
const COUNT_DELAY_MS = 400;

interface BulkRetryProps {
  filter: InspectorFilter;
  summary: TriggerLogSummary | null;
  /** filterKey of the rows on screen, once they have landed; null while a page is on its way. */
  loadedKey: string | null;
  onDone(requeued: number): void;
}

interface Count {
  key: string;
  n: number;
  more: boolean;
}

/** "Retry all FAILED matching this filter (N)", with a confirmation that names N. */
export function BulkRetry({ filter, summary, loadedKey, onDone }: BulkRetryProps) {
  const exact = failedCountFromSummary(filter, summary);
  const noneAnywhere = summary !== null && (stateCounts(summary, filter.source).FAILED ?? 0) === 0;
  const [counted, setCounted] = useState<Count | null>(null);
  const [counting, setCounting] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const filterRef = useRef(filter);
  useEffect(() => {
    filterRef.current = filter;
  });

  const needsCount = exact === null && !noneAnywhere && loadedKey !== null;
  useEffect(() => {
    if (!needsCount || loadedKey === null) return;
    let cancelled = false;
    const timer = setTimeout(() => {
      void (async () => {
        setCounting(loadedKey);
        const apiFilter = toApiFilter(failedOnly(filterRef.current), new Date());
        let n = 0;
        let more = false;
        let beforeId: number | undefined;
        try {
          for (let page = 0; page < COUNT_PAGES && !cancelled; page++) {
            const answer = await api.triggerLog.list({
              filter: apiFilter,
              limit: COUNT_PAGE,
              beforeId,
            });
            n += answer.rows.length;
            beforeId = answer.rows[answer.rows.length - 1]?.id;
            more = answer.hasMore;
            if (!answer.hasMore || beforeId === undefined) break;
          }
        } catch {
          // No count: the button says "…" and the confirmation still works.
          setCounting(null);
          return;
        }
        setCounting(null);
        if (!cancelled) setCounted({ key: loadedKey, n, more });
      })();
    }, COUNT_DELAY_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [needsCount, loadedKey]);

  if (!canRetryMatching(filter)) return null;
  const known =
    exact !== null
      ? { n: exact, more: false }
      : noneAnywhere
        ? { n: 0, more: false }
        : counted && counted.key === loadedKey
          ? counted
          : null;
  // Nothing to retry: no button (the FAILED chip's count already says none).
  if (known?.n === 0 && !confirming) return null;
  const label = known ? `${formatCount(known.n)}${known.more ? '+' : ''}` : '…';
  const scope = describeFilter(filter);

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const { requeued } = await api.triggerLog.retryMatching({
        filter: toApiFilter(failedOnly(filter), new Date()),
      });
      setConfirming(false);
      onDone(requeued);
    } catch (e) {
      setError(toApiError(e).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="tl-bulk">
      <button
        type="button"
        className="button button--small"
        disabled={known?.n === 0 || busy}
        aria-busy={counting !== null && counting === loadedKey ? true : undefined}
        title={
          known?.n === 0
            ? 'No FAILED rows match this filter'
            : 'Send every FAILED row this filter matches to Salesforce again (asks first)'
        }
        onClick={() => {
          setError(null);
          setConfirming(true);
        }}
      >
        Retry all FAILED matching this filter ({label})
      </button>
      {confirming ? (
        <div className="tl-bulk__confirm" role="alertdialog" aria-label="Retry the FAILED rows?">
          <p>
            Retry{' '}
            {known
              ? `${label} FAILED row${known.n === 1 && !known.more ? '' : 's'}`
              : 'every FAILED row'}
            {scope ? ` ${scope}` : ''}? Each is sent to Salesforce again. Fix what made them fail
            first, or they fail the same way.
          </p>
          {error ? (
            <p className="tl-error tl-error--inline" role="alert">
              {error}
            </p>
          ) : null}
          <div className="tl-bulk__buttons">
            <button
              type="button"
              className="button button--small button--primary"
              disabled={busy}
              onClick={() => void run()}
            >
              {busy ? 'Retrying…' : `Retry ${known ? label : 'them'}`}
            </button>
            <button
              type="button"
              className="button button--small button--quiet"
              onClick={() => setConfirming(false)}
            >
              Cancel
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
