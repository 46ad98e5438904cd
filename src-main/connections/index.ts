// The active org and database as live connections (and the local services behind the
// one-click profiles).
export { ConnectionsService } from './connections-service';
export type {
  ConnectionsServiceOptions,
  DatabaseConnection,
  OrgConnection,
} from './connections-service';
export {
  StudioConnections,
  EMBEDDED_POSTGRES_PROFILE_NAME,
  LOCAL_ORG_PROFILE_NAME,
} from './studio-connections';
export type { StudioConnectionsOptions } from './studio-connections';
export { OAUTH_CALLBACK_PATH, OAUTH_SIGN_IN_TIMEOUT_MS } from './oauth-sign-in';
export type { OAuthStarted, OAuthStartParams } from './oauth-sign-in';
