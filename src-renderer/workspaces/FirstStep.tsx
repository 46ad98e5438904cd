import { navigate } from '../state/route';
import { useActiveProfiles } from '../state/studio';

/** The next thing to do before a workspace can work: usually, pick an org or a database. */
export function FirstStep({ needs }: { needs: ('org' | 'db')[] }) {
  const active = useActiveProfiles();
  const missing = needs.filter((n) => (n === 'org' ? !active.org : !active.db));
  if (missing.length === 0) {
    const names = needs
      .map((n) => (n === 'org' ? active.org?.name : active.db?.name))
      .join(' and ');
    return <p className="first-step first-step--ready">Ready: this workspace will use {names}.</p>;
  }
  const what = missing
    .map((m) => (m === 'org' ? 'a Salesforce org' : 'a Postgres database'))
    .join(' and ');
  return (
    <button className="button button--primary" onClick={() => navigate('connections')}>
      First, add {what} in Connections
    </button>
  );
}
