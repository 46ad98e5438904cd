import { EmptyState } from '../../components/EmptyState';
import { FirstStep } from '../FirstStep';

export function TriggerLogWorkspace() {
  return (
    <div className="workspace">
      <header className="workspace__header">
        <h1>Trigger Log</h1>
        <p className="muted">Every change headed for Salesforce, and why a write failed.</p>
      </header>
      <EmptyState
        icon="trigger-log"
        title="Find out why a write failed"
        action={<FirstStep needs={['db']} />}
      >
        <p>
          <code>_trigger_log</code> and its archive in one filterable list; each failed row with the
          change, the Salesforce error in plain words, the likely fix, and retry. Works read-only on
          a database Heroku Connect itself writes.
        </p>
      </EmptyState>
    </div>
  );
}
