import type { SettingsService } from '../../settings';
import type { HandlersOf } from '../router';

export function settingsHandlers(settings: SettingsService): HandlersOf<'settings'> {
  return {
    'settings.get': () => settings.get(),
    'settings.set': (changes) => settings.set(changes),
  };
}
