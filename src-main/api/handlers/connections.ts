// SCAFFOLD (replaced by the Connections work of issue 7).
import { ApiError } from '../../../src-shared/api';
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

const notYet = (): never => {
  throw new ApiError('UNAVAILABLE', 'This studio build does not have this yet.');
};

export function connectionHandlers(
  _deps: ConnectionHandlerDeps,
): HandlersOf<'localOrg'> &
  HandlersOf<'embeddedPostgres'> &
  Pick<HandlersOf<'profiles'>, 'profiles.oauthStart'> {
  return {
    'localOrg.start': notYet,
    'embeddedPostgres.start': notYet,
    'profiles.oauthStart': notYet,
  };
}
