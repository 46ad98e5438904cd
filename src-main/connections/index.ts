// The active org and database as live connections (and the local services behind the
// one-click profiles).
export { ConnectionsService } from './connections-service';
export type {
  ConnectionsServiceOptions,
  DatabaseConnection,
  OrgConnection,
} from './connections-service';
export { StudioConnections } from './studio-connections';
export type { StudioConnectionsOptions } from './studio-connections';
