import { useState } from 'react';
import type { ApiResult, ProfileSummary } from '../../../src-shared/api';
import { api } from '../../api';
import { Icon } from '../../components/Icon';
import { useStudio } from '../../state/studio';

type Started = ApiResult<'localOrg.start'>;

type Progress =
  | { state: 'idle' }
  | { state: 'starting' }
  | { state: 'started'; result: Started }
  | { state: 'failed'; message: string };

interface ServiceCardProps {
  title: string;
  description: string;
  icon: 'cloud' | 'database';
  /** What "starting" takes, said while it runs. */
  startingText: string;
  active: boolean;
  start(): Promise<Started>;
  describeStarted(result: Started): string;
}

function ServiceCard(props: ServiceCardProps) {
  const [progress, setProgress] = useState<Progress>({ state: 'idle' });
  const starting = progress.state === 'starting';

  const run = async () => {
    setProgress({ state: 'starting' });
    try {
      setProgress({ state: 'started', result: await props.start() });
    } catch (error) {
      setProgress({
        state: 'failed',
        message: error instanceof Error ? error.message : String(error),
      });
    }
  };

  return (
    <div
      className={`quick-card ${props.active ? 'quick-card--active' : ''}`}
      role="group"
      aria-label={props.title}
      aria-busy={starting}
      data-testid="quick-card"
    >
      <div className="quick-card__head">
        <span className="quick-card__icon">
          <Icon name={props.icon} size={20} />
        </span>
        <h3>
          {props.title}
          {props.active ? <span className="badge badge--accent">Active</span> : null}
        </h3>
      </div>
      <p className="muted quick-card__text">{props.description}</p>
      {starting ? (
        <div className="quick-card__progress" role="status">
          <span className="quick-card__bar" aria-hidden="true" />
          <span>{props.startingText}</span>
        </div>
      ) : null}
      {progress.state === 'started' ? (
        <p className="quick-card__result quick-card__result--ok" role="status">
          <Icon name="check" size={14} /> {props.describeStarted(progress.result)}
        </p>
      ) : null}
      {progress.state === 'failed' ? (
        <p className="quick-card__result quick-card__result--failed" role="alert">
          <Icon name="alert" size={14} /> {progress.message}
        </p>
      ) : null}
      <div className="quick-card__actions">
        <button
          className={`button ${props.active ? '' : 'button--primary'}`}
          onClick={run}
          disabled={starting}
        >
          {starting ? 'Starting…' : props.title}
        </button>
      </div>
    </div>
  );
}

const isLocalOrg = (p: ProfileSummary | undefined) =>
  p?.kind === 'salesforce' && p.auth.method === 'local';
const isEmbedded = (p: ProfileSummary | undefined) =>
  p?.kind === 'postgres' && p.connection.method === 'embedded';

/** The two one-click services the studio runs itself: the usual way to begin. */
export function QuickStart() {
  const { profiles, settings } = useStudio();
  const activeOrg = profiles.find((p) => p.id === settings?.activeOrgProfileId);
  const activeDb = profiles.find((p) => p.id === settings?.activeDbProfileId);
  const reused = (r: Started) =>
    r.created ? `profile “${r.profile.name}” created` : `profile “${r.profile.name}”`;

  return (
    <section className="quick-start" aria-label="One-click connections">
      <ServiceCard
        title="Use the local demo org"
        icon="cloud"
        description="A Salesforce stand-in that runs inside the studio, with demo accounts, contacts and opportunities. Nothing to sign in to; its data stays in the studio's folder."
        startingText="Starting the local org…"
        active={isLocalOrg(activeOrg)}
        start={() => api.localOrg.start({})}
        describeStarted={(r) => `Running at ${r.url} · ${reused(r)} · active org`}
      />
      <ServiceCard
        title="Use embedded Postgres"
        icon="database"
        description="A PostgreSQL server the studio runs in its data folder, for the synced tables (schema salesforce). Nothing to install."
        startingText="Starting PostgreSQL… the first start sets up the database and takes a few seconds."
        active={isEmbedded(activeDb)}
        start={() => api.embeddedPostgres.start({})}
        describeStarted={(r) => `Running at ${r.url} · ${reused(r)} · active database`}
      />
    </section>
  );
}
