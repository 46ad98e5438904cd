export { ProfilesService, splitSecrets } from './profiles-service';
export type { PostgresTarget } from './profiles-service';
