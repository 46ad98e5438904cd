import { useState } from 'react';
import { api } from '../../api';
import { EmptyState } from '../../components/EmptyState';
import { navigate, schemaObjectRoute, useHashLocation } from '../../state/route';
import { useActiveProfiles, useStudio } from '../../state/studio';
import { FirstStep } from '../FirstStep';
import { ObjectList } from './ObjectList';
import { ObjectPage, OBJECT_TABS, type ObjectTab } from './ObjectPage';
import { Spinner } from './ObjectBits';
import { orgStateKey, useObjectList, type ObjectListState } from './object-store';
import './schema.css';

const isMac = typeof navigator !== 'undefined' && /Mac/i.test(navigator.platform);
const paletteKeys = isMac ? '⌘K' : 'Ctrl+K';

// The filter survives a trip to another workspace and back.
let rememberedFilter = '';

/** Objects on the left, the selected object's page on the right; the object lives in the URL. */
export function SchemaWorkspace() {
  const { settings } = useStudio();
  const { org } = useActiveProfiles();
  const location = useHashLocation();
  const list = useObjectList(orgStateKey(org));
  const [filter, setFilterState] = useState(rememberedFilter);
  const setFilter = (value: string) => {
    rememberedFilter = value;
    setFilterState(value);
  };

  if (settings === null) return null; // the studio is still loading; avoid a flash of "no org"
  if (!org) return <NoActiveOrg />;

  const selected = location.workspace === 'schema' ? (location.path[0] ?? null) : null;
  const tabParam = location.params.get('tab');
  const tab: ObjectTab = OBJECT_TABS.find((t) => t === tabParam) ?? 'fields';

  return (
    <div className="schema">
      <aside className="schema__side">
        <header className="schema__header">
          <h1>Schema</h1>
          <span className="muted schema__org" title="The active org">
            {org.name}
          </span>
        </header>
        <ObjectList
          list={list}
          selected={selected}
          filter={filter}
          onFilterChange={setFilter}
          onOpen={(name) => navigate(schemaObjectRoute(name))}
        />
      </aside>
      <div className="schema__main">
        {selected ? (
          <ObjectPage
            key={`${orgStateKey(org)}:${selected.toLowerCase()}`}
            objectName={selected}
            orgProfileId={orgStateKey(org)!}
            tab={tab}
          />
        ) : (
          <NoSelection list={list} />
        )}
      </div>
    </div>
  );
}

function NoSelection({ list }: { list: ObjectListState }) {
  const common = ['Account', 'Contact', 'Opportunity', 'Case', 'Lead']
    .map((name) => list.byName.get(name.toLowerCase()))
    .filter((o) => o !== undefined);
  return (
    <div className="schema-page schema-page--message">
      <h2>Pick an object</h2>
      <p className="muted">
        Choose one on the left, or press <kbd>{paletteKeys}</kbd> anywhere to jump to any object by
        name.
      </p>
      {common.length > 0 ? (
        <p className="schema-quick">
          {common.map((o) => (
            <a key={o.name} className="chip" href={`#/${schemaObjectRoute(o.name)}`}>
              {o.label}
            </a>
          ))}
        </p>
      ) : null}
    </div>
  );
}

function NoActiveOrg() {
  const { notify } = useStudio();
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const start = async () => {
    setStarting(true);
    setError(null);
    try {
      const started = await api.localOrg.start();
      notify(
        'info',
        `${started.profile.name} is running at ${started.url} and is now the active org.`,
      );
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setStarting(false);
    }
  };
  return (
    <div className="workspace">
      <header className="workspace__header">
        <h1>Schema</h1>
        <p className="muted">Objects, fields and relationships of the active org.</p>
      </header>
      <EmptyState
        icon="schema"
        title="Browse your org's schema"
        action={
          <div className="schema-start">
            <div className="button-row">
              <button
                className="button"
                onClick={() => void start()}
                disabled={starting}
                aria-busy={starting}
              >
                {starting ? <Spinner /> : null}
                {starting ? 'Starting the local demo org…' : 'Use the local demo org'}
              </button>
              <FirstStep needs={['org']} />
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
          No org is active. Start the built-in demo org with one click, or add your own Salesforce
          org in Connections. Then every object shows here with its fields, Salesforce types and the
          Postgres column type each maps to, and its parent and child relationships one click away.
        </p>
      </EmptyState>
    </div>
  );
}
