import { host } from '../api';
import { navigate } from '../state/route';
import { useActiveProfiles, useStudio } from '../state/studio';
import { Icon } from './Icon';

/** The bottom line: which org and database the workspaces act on, and the link to the main process. */
export function StatusBar() {
  const { info, link } = useStudio();
  const { org, db } = useActiveProfiles();
  return (
    <footer className="status-bar" aria-label="Status">
      <button
        className="status-bar__item"
        onClick={() => navigate('connections')}
        title="Active org"
      >
        <Icon name="cloud" size={14} />
        <span data-testid="status-org">{org ? org.name : 'No org selected'}</span>
      </button>
      <button
        className="status-bar__item"
        onClick={() => navigate('connections')}
        title="Active database"
      >
        <Icon name="database" size={14} />
        <span data-testid="status-db">{db ? db.name : 'No database selected'}</span>
      </button>
      <span className="status-bar__spacer" />
      <span
        className={`status-bar__link status-bar__link--${link}`}
        title="Connection to the studio process"
      >
        {host === 'electron' ? 'Desktop' : 'Browser'} · {link === 'live' ? 'live' : link}
      </span>
      {info ? <span className="status-bar__item">v{info.version}</span> : null}
    </footer>
  );
}
