import { useEffect, useState } from 'react';
import { Icon } from './components/Icon';
import { Notices } from './components/Notices';
import { ObjectPalette } from './components/ObjectPalette';
import { StatusBar } from './components/StatusBar';
import { navigate, schemaObjectRoute, useHashRoute } from './state/route';
import { useStudio } from './state/studio';
import { workspaces } from './workspaces';

const isMac = /Mac/i.test(navigator.platform);

export function App() {
  const { settings, loadError, profiles } = useStudio();
  // With nothing connected yet, Connections is where work starts.
  const [route, go] = useHashRoute('connections');
  const current = workspaces.find((w) => w.id === route) ?? workspaces[0]!;
  const [paletteOpen, setPaletteOpen] = useState(false);

  useTheme(settings?.theme ?? 'system');

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return;
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

  useEffect(() => {
    document.title = `${current.label} — Connect Studio`;
  }, [current.label]);

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
                className={w.id === current.id ? 'is-current' : ''}
                aria-current={w.id === current.id ? 'page' : undefined}
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
