import type { MappingProblem } from '../../../src-shared/mapping';
import { Spinner } from '../schema/ObjectBits';

/** Every problem of the draft, errors first, each with its fix; a click opens the field. */
export function ProblemsPanel({
  problems,
  loadingDescribes,
  describeError,
  onOpen,
  onCollapse,
}: {
  problems: MappingProblem[];
  loadingDescribes: boolean;
  describeError: string | null;
  onOpen: (object: string, field: string | undefined) => void;
  /** Fold the dock to its one-line bar. */
  onCollapse: () => void;
}) {
  const errors = problems.filter((p) => p.severity === 'error');
  const warnings = problems.filter((p) => p.severity === 'warning');
  const ordered = [...errors, ...warnings];
  return (
    <section className="map-dock__panel map-problems" aria-label="Problems">
      <header className="map-dock__head">
        <button
          type="button"
          className="map-dock__fold"
          aria-expanded={true}
          aria-label="Hide problems and DDL"
          title="Fold the problems and the DDL to one line (remembered)"
          onClick={onCollapse}
        >
          ▾
        </button>
        <h3>Problems</h3>
        <span data-testid="problem-summary" className="map-problems__summary">
          {loadingDescribes ? (
            <>
              <Spinner /> describing…
            </>
          ) : ordered.length === 0 ? (
            <span className="map-ok">None: the rules find nothing wrong</span>
          ) : (
            <>
              {errors.length > 0 ? (
                <span className="map-problem-count map-problem-count--error">
                  {errors.length} error{errors.length === 1 ? '' : 's'}
                </span>
              ) : null}
              {warnings.length > 0 ? (
                <span className="map-problem-count map-problem-count--warning">
                  {warnings.length} warning{warnings.length === 1 ? '' : 's'}
                </span>
              ) : null}
            </>
          )}
        </span>
      </header>
      <div className="map-dock__body">
        {describeError ? (
          <p className="map-inline-problem map-inline-problem--error" role="alert">
            Describes could not be loaded: {describeError}
          </p>
        ) : null}
        {ordered.length > 0 ? (
          <ul className="map-problems__list">
            {ordered.map((p, i) => (
              <li key={i} className={`map-problem map-problem--${p.severity}`}>
                <button
                  type="button"
                  className="map-problem__button"
                  onClick={() => onOpen(p.object, p.field)}
                  title={p.field ? `Show ${p.object}.${p.field}` : `Open ${p.object}`}
                >
                  <span className={`map-problem__severity map-problem__severity--${p.severity}`}>
                    {p.severity}
                  </span>
                  <span className="map-problem__where">
                    {p.object}
                    {p.field ? `.${p.field}` : ''}
                  </span>
                  <span className="map-problem__message">{p.message}</span>
                  <span className="map-problem__fix">Fix: {p.fix}</span>
                </button>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted map-dock__empty">
            Live checks against the org’s describes run on every edit: objects and fields that
            cannot be synced, unique identifiers, required fields, relationship external IDs.
          </p>
        )}
      </div>
    </section>
  );
}
