import { lazy, Suspense, useState } from 'react';
import { api } from '../../api';
import { EmptyState } from '../../components/EmptyState';
import { useActiveProfiles, useStudio } from '../../state/studio';
import { FirstStep } from '../FirstStep';
import './mappings.css';

// The editor brings Monaco (the DDL pane): load it when Mappings is first opened.
const LazyMappingsEditor = lazy(() =>
  import('./MappingsEditor').then((m) => ({ default: m.MappingsEditor })),
);

/** The Mapping editor once an org and a database are active; the way there before. */
export function MappingsWorkspace() {
  const { settings } = useStudio();
  const { org, db } = useActiveProfiles();
  if (settings === null) return null; // still loading: no flash of "no org"
  if (!org || !db) return <NotConnected />;
  return (
    <Suspense
      fallback={
        <p className="muted" role="status" style={{ padding: 24 }}>
          Loading the mapping editor…
        </p>
      }
    >
      {/* Another org or database is another editor: nothing of the old one carries over. */}
      <LazyMappingsEditor
        key={`${org.id}@${org.updatedAt}|${db.id}@${db.updatedAt}`}
        orgKey={`${org.id}@${org.updatedAt}`}
        database={{ profileId: db.id, schemaName: db.kind === 'postgres' ? db.schema : '' }}
      />
    </Suspense>
  );
}

function NotConnected() {
  const { org, db } = useActiveProfiles();
  const { notify } = useStudio();
  const [starting, setStarting] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const startLocal = async () => {
    setError(null);
    try {
      if (!org) {
        setStarting('Starting the local demo org…');
        await api.localOrg.start();
      }
      if (!db) {
        setStarting('Starting embedded Postgres…');
        await api.embeddedPostgres.start();
      }
      notify('info', 'The local demo org and embedded Postgres are running and active.');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setStarting(null);
    }
  };
  const missing = [!org ? 'org' : null, !db ? 'database' : null].filter(Boolean).join(' and ');
  return (
    <div className="workspace">
      <header className="workspace__header">
        <h1>Mappings</h1>
        <p className="muted">Which objects and fields sync into which Postgres tables.</p>
      </header>
      <EmptyState
        icon="mappings"
        title="Design a mapping"
        action={
          <div className="mappings-start">
            <div className="button-row">
              <button
                className="button"
                onClick={() => void startLocal()}
                disabled={starting !== null}
                aria-busy={starting !== null}
              >
                {starting ??
                  `Use the local ${missing === 'org' ? 'demo org' : missing === 'database' ? 'Postgres' : 'demo org and Postgres'}`}
              </button>
              <FirstStep needs={['org', 'db']} />
            </div>
            {error ? (
              <p className="form-error" role="alert">
                {error}
              </p>
            ) : null}
          </div>
        }
      >
        <p>
          The editor needs a Salesforce org (for its objects and fields) and a Postgres database
          (where the tables go); no {missing} is active yet. Then pick an object and its fields,
          read-only or read-write, a unique identifier and relationship external IDs; see the exact
          DDL before it runs; import or export Heroku Connect&apos;s mapping JSON.
        </p>
      </EmptyState>
    </div>
  );
}
