export { openCache, Cache } from './cache';
export type {
  OpenedCache,
  OpenCacheOptions,
  StoredProfile,
  DescribeEntry,
  ObjectListEntry,
  QueryHistoryEntry,
  SavedQuery,
  MappingDraftEntry,
} from './cache';
export { KeyFileSecretBox, SecretUnreadableError } from './secret-box';
export type { SecretBox } from './secret-box';
export { cacheMigrations, latestCacheVersion, CacheTooNewError } from './migrations';
