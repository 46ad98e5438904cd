export { ProfilesService, splitSecrets } from './profiles-service';
export type { LocalServices, OAuthSignInResult, PostgresTarget } from './profiles-service';
export { parseSfdxAuthUrl } from './sfdx-auth-url';
export type { SfdxAuthUrl } from './sfdx-auth-url';
