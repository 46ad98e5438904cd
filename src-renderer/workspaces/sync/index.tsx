import { EmptyState } from '../../components/EmptyState';
import { FirstStep } from '../FirstStep';

export function SyncWorkspace() {
  return (
    <div className="workspace">
      <header className="workspace__header">
        <h1>Sync</h1>
        <p className="muted">The sync engine between the active org and database.</p>
      </header>
      <EmptyState
        icon="sync"
        title="Run the sync on your machine"
        action={<FirstStep needs={['org', 'db']} />}
      >
        <p>
          Initial loads with progress, polling for changes, and writes back to Salesforce from the
          trigger log, with the same table layout and write semantics as Heroku Connect. Pause,
          resume and reload each mapping.
        </p>
      </EmptyState>
    </div>
  );
}
