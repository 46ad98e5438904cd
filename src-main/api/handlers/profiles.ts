import type { ProfilesService } from '../../profiles';
import type { SettingsService } from '../../settings';
import type { EventBus } from '../event-bus';
import type { HandlersOf } from '../router';

export function profileHandlers(
  profiles: ProfilesService,
  settings: SettingsService,
  events: EventBus,
): Omit<HandlersOf<'profiles'>, 'profiles.oauthStart' | 'profiles.oauthCancel'> {
  const announce = () => events.emit('profiles.changed', { profiles: profiles.list() });
  return {
    'profiles.list': () => ({ profiles: profiles.list() }),
    'profiles.save': (input) => {
      const saved = profiles.save(input);
      announce();
      return saved;
    },
    'profiles.remove': ({ id }) => {
      const removed = profiles.remove(id);
      if (removed) {
        settings.forgetProfile(id);
        announce();
      }
      return { removed };
    },
    'profiles.test': (params) => profiles.test(params),
  };
}
