import { useCallback, useState } from 'react';
import type { ProfileSummary } from '../../../src-shared/api';
import { EmptyState } from '../../components/EmptyState';
import { Icon } from '../../components/Icon';
import { useStudio } from '../../state/studio';
import { emptyForm, formFromProfile, type ProfileFormValues } from './form-model';
import { ProfileCard } from './ProfileCard';
import { ProfileForm } from './ProfileForm';
import { QuickStart } from './QuickStart';
import './connections.css';

interface Editing {
  values: ProfileFormValues;
  savedSecrets: string[];
}

/** Salesforce orgs and Postgres databases the other workspaces act on. */
export function ConnectionsWorkspace() {
  const { profiles, settings, notify, updateSettings } = useStudio();
  const [editing, setEditing] = useState<Editing | null>(null);
  const orgs = profiles.filter((p) => p.kind === 'salesforce');
  const dbs = profiles.filter((p) => p.kind === 'postgres');

  const add = (kind: ProfileFormValues['kind']) =>
    setEditing({ values: emptyForm(kind, settings?.defaultApiVersion), savedSecrets: [] });
  const edit = (p: ProfileSummary) =>
    setEditing({ values: formFromProfile(p), savedSecrets: p.savedSecrets });
  const close = useCallback(() => setEditing(null), []);

  const saved = async (profile: ProfileSummary, message?: string) => {
    setEditing(null);
    notify('info', message ?? `Saved “${profile.name}”.`);
    // The first org and the first database become active: there is nothing else to pick.
    if (profile.kind === 'salesforce' && !settings?.activeOrgProfileId) {
      await updateSettings({ activeOrgProfileId: profile.id });
    }
    if (profile.kind === 'postgres' && !settings?.activeDbProfileId) {
      await updateSettings({ activeDbProfileId: profile.id });
    }
  };

  const section = (
    title: string,
    kind: ProfileFormValues['kind'],
    list: ProfileSummary[],
    activeId: string | null | undefined,
  ) => (
    <section className="profile-section" aria-label={title}>
      <header className="profile-section__header">
        <h2>{title}</h2>
        <button className="button" onClick={() => add(kind)}>
          <Icon name="plus" size={14} />{' '}
          {kind === 'salesforce' ? 'Add Salesforce org' : 'Add Postgres database'}
        </button>
      </header>
      {list.length === 0 ? (
        <p className="muted profile-section__empty">
          {kind === 'salesforce'
            ? 'No org yet. Use the local demo org above, or add one by password, access token, SFDX auth URL or OAuth in the browser.'
            : 'No database yet. Use embedded Postgres above, or add a postgres:// URL.'}
        </p>
      ) : (
        list.map((p) => (
          <ProfileCard key={p.id} profile={p} active={p.id === activeId} onEdit={() => edit(p)} />
        ))
      )}
    </section>
  );

  return (
    <div className="workspace workspace--with-drawer">
      <div className="workspace__main">
        <header className="workspace__header">
          <h1>Connections</h1>
          <p className="muted">
            The org and database every workspace uses. Secrets are encrypted on this machine.
          </p>
        </header>
        <QuickStart />
        {profiles.length === 0 ? (
          <EmptyState
            icon="connections"
            title="Connect an org and a database"
            action={
              <div className="button-row">
                <button className="button button--primary" onClick={() => add('salesforce')}>
                  Add Salesforce org
                </button>
                <button className="button" onClick={() => add('postgres')}>
                  Add Postgres database
                </button>
              </div>
            }
          >
            <p>
              Connect Studio syncs a Salesforce org with a Postgres database the way Heroku Connect
              does. The quickest start is the two one-click services above; or add the org you want
              to explore, then the database its data should land in.
            </p>
          </EmptyState>
        ) : (
          <>
            {section('Salesforce orgs', 'salesforce', orgs, settings?.activeOrgProfileId)}
            {section('Postgres databases', 'postgres', dbs, settings?.activeDbProfileId)}
          </>
        )}
      </div>
      {editing ? (
        <ProfileForm
          key={editing.values.id ?? editing.values.kind}
          initial={editing.values}
          savedSecrets={editing.savedSecrets}
          onSaved={saved}
          onClose={close}
        />
      ) : null}
    </div>
  );
}
