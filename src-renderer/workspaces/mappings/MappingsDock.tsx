import { useState } from 'react';
import type { MappingProblem } from '../../../src-shared/mapping';
import { Spinner } from '../schema/ObjectBits';
import type { DdlPlan } from './change-summary';
import { DdlPanel, ddlSummaryText } from './DdlPanel';
import { ProblemsPanel } from './ProblemsPanel';

export type DockChoice = 'open' | 'collapsed';

const DOCK_KEY = 'connect-studio.mappings.dock';

/** The user's last open/fold of the dock, kept across sessions; null until they chose. */
function readDockChoice(): DockChoice | null {
  try {
    const stored = localStorage.getItem(DOCK_KEY);
    return stored === 'open' || stored === 'collapsed' ? stored : null;
  } catch {
    return null; // storage refused (a locked-down profile): the default holds
  }
}

function writeDockChoice(choice: DockChoice): void {
  try {
    localStorage.setItem(DOCK_KEY, choice);
  } catch {
    // Not remembered this time; the dock still folds.
  }
}

/**
 * Until the user folds or opens it, the dock is one line while the rules find nothing, so the
 * fields get the room, and opens when there are problems to read.
 */
export function dockMode(choice: DockChoice | null, problemCount: number): DockChoice {
  return choice ?? (problemCount === 0 ? 'collapsed' : 'open');
}

/** Below the mapping: the problems and the DDL, or one line that sums both up. */
export function MappingsDock({
  problems,
  loadingDescribes,
  describeError,
  ddl,
  allowDrop,
  onAllowDrop,
  table,
  onOpenProblem,
}: {
  problems: MappingProblem[];
  loadingDescribes: boolean;
  describeError: string | null;
  ddl: DdlPlan | null;
  allowDrop: boolean;
  onAllowDrop: (allow: boolean) => void;
  table?: string;
  onOpenProblem: (object: string, field: string | undefined) => void;
}) {
  const [choice, setChoice] = useState<DockChoice | null>(readDockChoice);
  const [expanded, setExpanded] = useState(false);
  const mode = dockMode(choice, problems.length + (describeError ? 1 : 0));
  const choose = (next: DockChoice) => {
    setChoice(next);
    writeDockChoice(next);
    setExpanded(false);
  };

  if (mode === 'collapsed') {
    const errors = problems.filter((p) => p.severity === 'error').length;
    const warnings = problems.length - errors;
    return (
      <div className="mappings__dock is-collapsed">
        <button
          type="button"
          className="map-dock__bar"
          aria-expanded={false}
          title="Show the problems and the DDL (remembered)"
          onClick={() => choose('open')}
        >
          <span className="map-dock__bar-text">
            Problems:{' '}
            <span data-testid="problem-summary">
              {loadingDescribes ? (
                <>
                  <Spinner /> describing…
                </>
              ) : describeError ? (
                <span className="map-problem-count map-problem-count--error">
                  describes could not be loaded
                </span>
              ) : problems.length === 0 ? (
                <span className="map-ok">none</span>
              ) : (
                <>
                  {errors > 0 ? (
                    <span className="map-problem-count map-problem-count--error">
                      {errors} error{errors === 1 ? '' : 's'}
                    </span>
                  ) : null}
                  {errors > 0 && warnings > 0 ? ', ' : null}
                  {warnings > 0 ? (
                    <span className="map-problem-count map-problem-count--warning">
                      {warnings} warning{warnings === 1 ? '' : 's'}
                    </span>
                  ) : null}
                </>
              )}
            </span>
            {' · '}DDL:{' '}
            <span data-testid="ddl-summary">{ddlSummaryText(ddl, loadingDescribes)}</span>
          </span>
          <span className="map-dock__chevron" aria-hidden="true">
            {' ▸'}
          </span>
        </button>
      </div>
    );
  }

  return (
    <div className={'mappings__dock' + (expanded ? ' is-expanded' : '')}>
      <ProblemsPanel
        problems={problems}
        loadingDescribes={loadingDescribes}
        describeError={describeError}
        onOpen={onOpenProblem}
        onCollapse={() => choose('collapsed')}
      />
      <DdlPanel
        ddl={ddl}
        loadingDescribes={loadingDescribes}
        allowDrop={allowDrop}
        onAllowDrop={onAllowDrop}
        expanded={expanded}
        onExpand={setExpanded}
        {...(table ? { table } : {})}
      />
    </div>
  );
}
