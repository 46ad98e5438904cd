import { lazy, Suspense } from 'react';
import { Spinner } from '../schema/ObjectBits';
import { qualifiedColumns, type DdlPlan } from './change-summary';

// Monaco loads with the first DDL to show, not with the list.
const DdlEditor = lazy(() => import('./DdlEditor'));

const NO_CHANGES = '-- No changes: the database already has what these mappings need.\n';

/** The DDL in a few words: `3 statements`, `No changes`, `describing…`. */
export function ddlSummaryText(ddl: DdlPlan | null, loadingDescribes: boolean): string {
  const plan = ddl?.kind === 'plan' ? ddl : null;
  const statements = plan?.summary.statements ?? 0;
  if (loadingDescribes) return 'describing…';
  if (ddl?.kind === 'error') return 'cannot plan';
  if (statements === 0) return plan?.summary.documentChanged ? 'No DDL changes' : 'No changes';
  return `${statements} statement${statements === 1 ? '' : 's'}`;
}

/** The DDL Apply would run, against what the database has now; destructive lines called out. */
export function DdlPanel({
  ddl,
  loadingDescribes,
  allowDrop,
  onAllowDrop,
  expanded,
  onExpand,
  table,
}: {
  ddl: DdlPlan | null;
  loadingDescribes: boolean;
  allowDrop: boolean;
  onAllowDrop: (allow: boolean) => void;
  expanded: boolean;
  onExpand: (expanded: boolean) => void;
  /** The table of the mapping open beside it: the view starts at its statements. */
  table?: string;
}) {
  const plan = ddl?.kind === 'plan' ? ddl : null;
  const statements = plan?.summary.statements ?? 0;
  const destructive = plan?.summary.destructiveStatements.length ?? 0;
  const unmapped = plan ? qualifiedColumns(plan.summary.unmappedColumns) : [];
  const text =
    ddl?.kind === 'error'
      ? `-- The DDL cannot be planned: ${ddl.message}\n`
      : plan && statements > 0
        ? plan.sql
        : plan?.summary.documentChanged
          ? '-- No DDL: the database already has these tables and columns.\n-- Apply records the new settings.\n'
          : NO_CHANGES;
  const summary = ddlSummaryText(ddl, loadingDescribes);

  return (
    <section className="map-dock__panel map-ddl" aria-label="DDL">
      <header className="map-dock__head">
        <h3>DDL</h3>
        <span data-testid="ddl-summary" className="map-ddl__summary">
          {loadingDescribes ? <Spinner /> : null}
          {summary}
        </span>
        {destructive > 0 ? (
          <span
            className="map-problem-count map-problem-count--error"
            data-testid="ddl-destructive"
          >
            {destructive} destructive
          </span>
        ) : null}
        <span className="spacer" />
        {unmapped.length > 0 ? (
          <label
            className="map-ddl__drop"
            title={`No longer mapped: ${unmapped.join(', ')}. Kept with their data unless dropped.`}
          >
            <input
              type="checkbox"
              checked={allowDrop}
              onChange={(e) => onAllowDrop(e.target.checked)}
            />
            Drop {unmapped.length} removed column{unmapped.length === 1 ? '' : 's'}
          </label>
        ) : null}
        <button
          type="button"
          className="button button--small button--quiet"
          aria-pressed={expanded}
          onClick={() => onExpand(!expanded)}
          title={expanded ? 'Give the space back to the fields' : 'Show more of the DDL'}
        >
          {expanded ? 'Shrink DDL' : 'Expand DDL'}
        </button>
      </header>
      <div className="map-dock__body map-ddl__body">
        <Suspense
          fallback={
            <p className="muted map-dock__empty" role="status">
              <Spinner /> Loading the SQL view…
            </p>
          }
        >
          <DdlEditor text={text} {...(table ? { table } : {})} />
        </Suspense>
      </div>
    </section>
  );
}
