import { EmptyState } from '../../components/EmptyState';
import { FirstStep } from '../FirstStep';

export function SchemaWorkspace() {
  return (
    <div className="workspace">
      <header className="workspace__header">
        <h1>Schema</h1>
        <p className="muted">Objects, fields and relationships of the active org.</p>
      </header>
      <EmptyState
        icon="schema"
        title="Browse your org's schema"
        action={<FirstStep needs={['org']} />}
      >
        <p>
          Every object with its fields, Salesforce types and the Postgres column type each maps to;
          parent and child relationships in both directions, one click away; describes cached on
          this machine so large orgs open at once.
        </p>
      </EmptyState>
    </div>
  );
}
