// The one-click local services and the OAuth browser sign-in; the work is in
// StudioConnections (src-main/connections).
import type { StudioConnections } from '../../connections';
import type { ProfilesService } from '../../profiles';
import type { SettingsService } from '../../settings';
import type { EventBus } from '../event-bus';
import type { HandlersOf } from '../router';

export interface ConnectionHandlerDeps {
  connections: StudioConnections;
  profiles: ProfilesService;
  settings: SettingsService;
  events: EventBus;
}

export function connectionHandlers(
  deps: ConnectionHandlerDeps,
): HandlersOf<'localOrg'> &
  HandlersOf<'embeddedPostgres'> &
  Pick<HandlersOf<'profiles'>, 'profiles.oauthStart' | 'profiles.oauthCancel'> {
  const { connections } = deps;
  return {
    'localOrg.start': () => connections.useLocalOrg(),
    'embeddedPostgres.start': () => connections.useEmbeddedPostgres(),
    'profiles.oauthStart': (params) => connections.startOAuth(params),
    'profiles.oauthCancel': () => connections.cancelOAuth(),
  };
}
