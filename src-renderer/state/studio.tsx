import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from 'react';
import type { AppInfo, ProfileSummary, Settings } from '../../src-shared/api';
import { api, onLinkState, type LinkState } from '../api';

export interface Notice {
  id: number;
  level: 'info' | 'warning' | 'error';
  message: string;
}

interface StudioState {
  info: AppInfo | null;
  profiles: ProfileSummary[];
  settings: Settings | null;
  link: LinkState;
  /** Set when the first load failed: the studio is not reachable. */
  loadError: string | null;
  notices: Notice[];
  notify(level: Notice['level'], message: string): void;
  dismiss(id: number): void;
  updateSettings(changes: Partial<Settings>): Promise<void>;
}

const StudioContext = createContext<StudioState | null>(null);

let nextNoticeId = 1;

/** Loads what every workspace needs and keeps it current through the event stream. */
export function StudioProvider({ children }: { children: ReactNode }) {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [profiles, setProfiles] = useState<ProfileSummary[]>([]);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [link, setLink] = useState<LinkState>('connecting');
  const [loadError, setLoadError] = useState<string | null>(null);
  const [notices, setNotices] = useState<Notice[]>([]);

  const notify = useCallback((level: Notice['level'], message: string) => {
    const id = nextNoticeId++;
    setNotices((current) => [...current, { id, level, message }]);
    if (level === 'info') setTimeout(() => setNotices((c) => c.filter((n) => n.id !== id)), 4000);
  }, []);
  const dismiss = useCallback((id: number) => setNotices((c) => c.filter((n) => n.id !== id)), []);

  useEffect(() => {
    const offs = [
      onLinkState(setLink),
      api.on('profiles.changed', ({ profiles: next }) => setProfiles(next)),
      api.on('settings.changed', setSettings),
      api.on('app.notice', ({ level, message }) => notify(level, message)),
    ];
    Promise.all([api.app.info(), api.profiles.list(), api.settings.get()])
      .then(([appInfo, list, current]) => {
        setInfo(appInfo);
        setProfiles(list.profiles);
        setSettings(current);
        if (appInfo.startupNotice) notify('warning', appInfo.startupNotice);
      })
      .catch((error: unknown) =>
        setLoadError(error instanceof Error ? error.message : String(error)),
      );
    return () => offs.forEach((off) => off());
  }, [notify]);

  const updateSettings = useCallback(
    async (changes: Partial<Settings>) => {
      try {
        setSettings(await api.settings.set(changes));
      } catch (error) {
        notify('error', error instanceof Error ? error.message : String(error));
      }
    },
    [notify],
  );

  const value = useMemo(
    () => ({ info, profiles, settings, link, loadError, notices, notify, dismiss, updateSettings }),
    [info, profiles, settings, link, loadError, notices, notify, dismiss, updateSettings],
  );
  return <StudioContext.Provider value={value}>{children}</StudioContext.Provider>;
}

export function useStudio(): StudioState {
  const state = useContext(StudioContext);
  if (!state) throw new Error('useStudio must be used inside <StudioProvider>');
  return state;
}

/** The active org and database, resolved to their profiles. */
export function useActiveProfiles(): { org: ProfileSummary | null; db: ProfileSummary | null } {
  const { profiles, settings } = useStudio();
  return useMemo(
    () => ({
      org: profiles.find((p) => p.id === settings?.activeOrgProfileId) ?? null,
      db: profiles.find((p) => p.id === settings?.activeDbProfileId) ?? null,
    }),
    [profiles, settings],
  );
}
