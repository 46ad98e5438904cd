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
  | { method: 'token'; instanceUrl: string; accessToken: string; apiVersion: string };
