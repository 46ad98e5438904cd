import { EmptyState } from '../../components/EmptyState';
import { FirstStep } from '../FirstStep';

export function QueryWorkspace() {
  return (
    <div className="workspace">
      <header className="workspace__header">
        <h1>Query</h1>
        <p className="muted">
          SOQL with relationship completion, and the same query over Postgres.
        </p>
      </header>
      <EmptyState
        icon="query"
        title="Query across relationships"
        action={<FirstStep needs={['org']} />}
      >
        <p>
          Write SOQL with completion for fields, parent paths and child subqueries; see nested
          results; run the same query as SQL over the mapped tables and compare the two answers
          record by record.
        </p>
      </EmptyState>
    </div>
  );
}
