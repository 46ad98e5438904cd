import { useEffect, useRef, useState } from 'react';
import type { ApiResult, ProfileSummary } from '../../../src-shared/api';
import { api } from '../../api';
import { Icon } from '../../components/Icon';
import { navigate, parseHash } from '../../state/route';
import { useStudio } from '../../state/studio';
import './welcome.css';

type Opening =
  | { state: 'idle' }
  | { state: 'opening'; startedAt: number }
  | { state: 'opened'; result: ApiResult<'demo.open'> }
  | { state: 'failed'; message: string };

const isLocalOrg = (p: ProfileSummary) => p.kind === 'salesforce' && p.auth.method === 'local';
const isEmbedded = (p: ProfileSummary) =>
  p.kind === 'postgres' && p.connection.method === 'embedded';

/**
 * The first run: one offer, the demo, that starts everything `connect-studio demo` does inside
 * the studio and lands on the Sync dashboard; and a quieter way to connect one's own.
 */
export function WelcomeWorkspace() {
  const [opening, setOpening] = useState<Opening>({ state: 'idle' });
  const offer = useRef<HTMLButtonElement>(null);

  useEffect(() => offer.current?.focus(), []);

  const open = async () => {
    setOpening({ state: 'opening', startedAt: Date.now() });
    try {
      const result = await api.demo.open();
      setOpening({ state: 'opened', result });
      // The demo takes seconds: someone who went elsewhere meanwhile stays where they went.
      if (parseHash(window.location.hash).workspace === 'welcome') navigate('sync');
    } catch (error) {
      setOpening({
        state: 'failed',
        message: error instanceof Error ? error.message : String(error),
      });
    }
  };

  const busy = opening.state === 'opening' || opening.state === 'opened';
  return (
    <div className="welcome">
      <section className="welcome__card" aria-labelledby="welcome-title" aria-busy={busy}>
        <div className="welcome__logo" aria-hidden="true">
          ⇄
        </div>
        <h1 id="welcome-title">Welcome to Connect Studio</h1>
        <p className="welcome__lead">
          Design Salesforce ⇄ Postgres mappings, run a Heroku-Connect-style sync on your machine,
          and find out why a write failed.
        </p>

        {opening.state === 'opening' ? (
          <DemoProgress startedAt={opening.startedAt} />
        ) : (
          <>
            <button
              ref={offer}
              className="button button--primary welcome__offer"
              onClick={() => void open()}
              disabled={busy}
            >
              <Icon name="sync" size={20} />
              {opening.state === 'failed' ? 'Try again' : 'Open the demo'}
            </button>
            <p className="welcome__what">
              Starts a local Salesforce org with demo data and an embedded Postgres database inside
              the studio, applies the demo mappings (Account, Contact, Opportunity and more) and
              starts the sync, so you watch the initial loads run. Nothing to install or sign in to.
            </p>
          </>
        )}

        {opening.state === 'failed' ? (
          <div className="welcome__error" role="alert">
            <Icon name="alert" size={16} />
            <p>
              <strong>The demo did not open.</strong> {opening.message}
            </p>
          </div>
        ) : null}

        <div className="welcome__other">
          <button
            className="button button--quiet"
            onClick={() => navigate('connections')}
            disabled={opening.state === 'opening'}
          >
            Connect my own org and database
          </button>
        </div>
      </section>
    </div>
  );
}

/** What the demo is doing: each step ticks when the studio says it happened. */
function DemoProgress({ startedAt }: { startedAt: number }) {
  const { profiles } = useStudio();
  const [now, setNow] = useState(() => Date.now());
  const [mappingsApplied, setMappingsApplied] = useState(false);
  const [engine, setEngine] = useState<string | null>(null);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250);
    const offs = [
      api.on('mappings.changed', () => setMappingsApplied(true)),
      api.on('sync.status', (status) => setEngine(status.engine)),
    ];
    return () => {
      clearInterval(timer);
      offs.forEach((off) => off());
    };
  }, []);

  const steps = [
    { label: 'Start the local org with the demo data', done: profiles.some(isLocalOrg) },
    { label: 'Start embedded Postgres', done: profiles.some(isEmbedded) },
    { label: 'Apply the demo mappings', done: mappingsApplied },
    { label: 'Start the sync', done: engine === 'running' || engine === 'starting' },
  ];
  const current = steps.findIndex((s) => !s.done);
  const seconds = Math.max(0, Math.floor((now - startedAt) / 1000));
  return (
    <div className="welcome__progress" role="status" aria-label="Opening the demo">
      <div className="welcome__bar" aria-hidden="true">
        <span />
      </div>
      <p className="welcome__elapsed">
        Opening the demo… <span className="muted">{seconds} s</span>
      </p>
      <ol className="welcome__steps">
        {steps.map((step, i) => (
          <li
            key={step.label}
            className={step.done ? 'is-done' : i === current ? 'is-current' : ''}
            aria-current={i === current ? 'step' : undefined}
          >
            <span className="welcome__step-mark" aria-hidden="true">
              {step.done ? <Icon name="check" size={14} /> : null}
            </span>
            {step.label}
          </li>
        ))}
      </ol>
    </div>
  );
}
