import { useEffect, useState } from 'react';
import { Icon } from './components/Icon';
import { Notices } from './components/Notices';
import { ObjectPalette } from './components/ObjectPalette';
import { StatusBar } from './components/StatusBar';
import {
  navigate,
  replaceRoute,
  schemaObjectRoute,
  useHashLocation,
  useHashRoute,
} from './state/route';
import { useStudio } from './state/studio';
import { workspaces } from './workspaces';
import { WelcomeWorkspace } from './workspaces/welcome';

const isMac = /Mac/i.test(navigator.platform);

export function App() {
  const { info, settings, loadError, profiles } = useStudio();
  // With nothing connected yet, Connections is where work starts.
  const [route, go] = useHashRoute('connections');
  const firstRun = useFirstRun(info !== null, profiles.length);
  const onWelcome = useHashLocation().workspace === 'welcome' || firstRun === 'welcome';
  const current = workspaces.find((w) => w.id === route) ?? workspaces[0]!;
  const [paletteOpen, setPaletteOpen] = useState(false);

  useTheme(settings?.theme ?? 'system');

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey || e.defaultPrevented) return;
      // A modal dialog asks its question first; leaving the workspace under it would drop it.
      if (document.querySelector('dialog[open]')) return;
      const index = Number(e.key) - 1;
      const target = workspaces[index];
      if (target) {
        e.preventDefault();
        go(target.id);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [go]);

  // Ctrl/Cmd+K opens the object palette from anywhere, even inside an editor that has its own
  // Ctrl+K chords: the capture phase sees the key first.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey || e.key.toLowerCase() !== 'k')
        return;
      e.preventDefault();
      e.stopPropagation();
      setPaletteOpen((open) => !open);
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);

  const title = onWelcome ? 'Welcome' : current.label;
  useEffect(() => {
    document.title = `${title} — Connect Studio`;
  }, [title]);

  return (
    <div className="app">
      <nav className="sidebar" aria-label="Workspaces">
        <div className="sidebar__brand">
          <span className="sidebar__logo" aria-hidden="true">
            ⇄
          </span>
          <span>Connect Studio</span>
        </div>
        <ul>
          {workspaces.map((w, i) => (
            <li key={w.id}>
              <a
                href={`#/${w.id}`}
                className={w.id === current.id && !onWelcome ? 'is-current' : ''}
                aria-current={w.id === current.id && !onWelcome ? 'page' : undefined}
                title={`${w.label} (${isMac ? '⌘' : 'Ctrl+'}${i + 1})`}
              >
                <Icon name={w.id} />
                <span>{w.label}</span>
                {w.id === 'connections' && profiles.length > 0 ? (
                  <span className="sidebar__count">{profiles.length}</span>
                ) : null}
              </a>
            </li>
          ))}
        </ul>
        <ThemeSwitch />
      </nav>
      <main className="content" id="content">
        {loadError ? (
          <div className="load-error" role="alert">
            <h1>The studio is not answering</h1>
            <p>{loadError}</p>
          </div>
        ) : firstRun === 'deciding' ? null : onWelcome ? (
          <WelcomeWorkspace />
        ) : (
          <current.Component />
        )}
      </main>
      <StatusBar />
      <Notices />
      {paletteOpen ? (
        <ObjectPalette
          onClose={() => setPaletteOpen(false)}
          onPick={(objectName) => {
            setPaletteOpen(false);
            navigate(schemaObjectRoute(objectName));
          }}
        />
      ) : null}
    </div>
  );
}

/**
 * The first run: opened with no workspace in the URL and, once the first load answers, no
 * profile saved, the studio offers the demo (#/welcome) instead of an empty Connections.
 * 'deciding' while that first load is on its way, so Connections does not flash first.
 */
function useFirstRun(loaded: boolean, profileCount: number): 'deciding' | 'welcome' | null {
  const { workspace } = useHashLocation();
  const [decision, setDecision] = useState<'pending' | 'welcome' | 'none'>(() =>
    window.location.hash.replace(/^#\/?/, '') === '' ? 'pending' : 'none',
  );
  // Decided once, at the first load (React's "adjust state while rendering" pattern): removing
  // every profile later does not bring the offer back over the user's work.
  if (decision === 'pending' && loaded) setDecision(profileCount === 0 ? 'welcome' : 'none');
  const welcome = decision === 'welcome' && workspace === '';
  useEffect(() => {
    if (welcome) replaceRoute('welcome');
  }, [welcome]);
  if (decision === 'pending' && workspace === '') return 'deciding';
  return welcome ? 'welcome' : null;
}

/** Puts the chosen theme on <html>; "system" follows the OS, live. */
function useTheme(theme: 'system' | 'light' | 'dark') {
  useEffect(() => {
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    const apply = () => {
      const dark = theme === 'dark' || (theme === 'system' && media.matches);
      document.documentElement.dataset.theme = dark ? 'dark' : 'light';
    };
    apply();
    media.addEventListener('change', apply);
    return () => media.removeEventListener('change', apply);
  }, [theme]);
}

function ThemeSwitch() {
  const { settings, updateSettings } = useStudio();
  const theme = settings?.theme ?? 'system';
  return (
    <label className="sidebar__theme">
      <span>Theme</span>
      <select
        value={theme}
        onChange={(e) =>
          void updateSettings({ theme: e.target.value as 'system' | 'light' | 'dark' })
        }
      >
        <option value="system">Follow the OS</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </label>
  );
}
