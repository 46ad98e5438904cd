/** Everything needed to reach an org, secrets included. Never leaves the main process. */
export type SalesforceTarget =
  | {
      method: 'password';
      loginUrl: string;
      username: string;
      password: string;
      securityToken?: string;
      apiVersion: string;
    }
  | { method: 'token'; instanceUrl: string; accessToken: string; apiVersion: string }
  | {
      /**
       * A refresh token (an SFDX auth URL, or the OAuth browser sign-in): exchanged at
       * `loginUrl` for an access token before the first call, and again whenever the access
       * token lapses.
       */
      method: 'refreshToken';
      /** Where the token endpoint is: the login URL, or the instance for an SFDX auth URL. */
      loginUrl: string;
      clientId: string;
      clientSecret?: string;
      refreshToken: string;
      instanceUrl: string;
      apiVersion: string;
    };

/** The address a target is reached at first: what an error message names. */
export function targetOrigin(target: SalesforceTarget): string {
  if (target.method === 'password') return target.loginUrl;
  if (target.method === 'refreshToken') return target.loginUrl;
  return target.instanceUrl;
}
