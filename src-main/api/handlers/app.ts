import type { AppInfo } from '../../../src-shared/api';
import type { HandlersOf } from '../router';

export function appHandlers(info: () => AppInfo): HandlersOf<'app'> {
  return {
    'app.info': () => info(),
  };
}
