export { createApiRouter } from './router';
export type { ApiRouter, ApiHandlers, HandlersOf, CallOutcome } from './router';
export { EventBus } from './event-bus';
export { appHandlers } from './handlers/app';
export { profileHandlers } from './handlers/profiles';
export { settingsHandlers } from './handlers/settings';
export { connectionHandlers } from './handlers/connections';
export { exploreHandlers } from './handlers/explore';
export { syncControlHandlers } from './handlers/sync-control';
