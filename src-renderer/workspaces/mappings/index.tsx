import { EmptyState } from '../../components/EmptyState';
import { FirstStep } from '../FirstStep';

export function MappingsWorkspace() {
  return (
    <div className="workspace">
      <header className="workspace__header">
        <h1>Mappings</h1>
        <p className="muted">Which objects and fields sync into which Postgres tables.</p>
      </header>
      <EmptyState
        icon="mappings"
        title="Design a mapping"
        action={<FirstStep needs={['org', 'db']} />}
      >
        <p>
          Pick an object and its fields, read-only or read-write, a unique identifier and
          relationship external IDs; see the exact tables, indexes and triggers it creates; import
          or export Heroku Connect&apos;s mapping JSON.
        </p>
      </EmptyState>
    </div>
  );
}
