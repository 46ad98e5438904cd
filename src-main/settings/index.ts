import { Settings } from '../../src-shared/api';
import type { Cache } from '../cache';
import type { EventBus } from '../api';

/** Studio settings: defaults from the contract, overrides in the cache, changes announced. */
export class SettingsService {
  constructor(
    private readonly cache: Cache,
    private readonly events: EventBus,
  ) {}

  get(): Settings {
    const stored = this.cache.settings.all();
    // A value that no longer fits the schema (an older build's) falls back to its default.
    const valid: Record<string, unknown> = {};
    for (const key of Object.keys(Settings.shape) as (keyof Settings)[]) {
      if (!(key in stored)) continue;
      const field = Settings.shape[key].safeParse(stored[key]);
      if (field.success) valid[key] = field.data;
    }
    return Settings.parse(valid);
  }

  set(changes: Partial<Settings>): Settings {
    const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
    this.cache.settings.setMany(defined);
    const settings = this.get();
    this.events.emit('settings.changed', settings);
    return settings;
  }

  /** A removed profile stops being the active org or database. */
  forgetProfile(id: string): void {
    const current = this.get();
    const changes: Partial<Settings> = {};
    if (current.activeOrgProfileId === id) changes.activeOrgProfileId = null;
    if (current.activeDbProfileId === id) changes.activeDbProfileId = null;
    if (Object.keys(changes).length > 0) this.set(changes);
  }
}
