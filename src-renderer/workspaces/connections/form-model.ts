import {
  DEFAULT_API_VERSION,
  DEFAULT_LOGIN_URL,
  type ProfileInputDraft,
  type ProfileSummary,
} from '../../../src-shared/api';

/** The form's fields as the user types them; turned into a contract draft on submit. */
export interface ProfileFormValues {
  kind: 'salesforce' | 'postgres';
  id?: string;
  name: string;
  apiVersion: string;
  sfMethod: 'password' | 'token';
  loginUrl: string;
  username: string;
  password: string;
  securityToken: string;
  instanceUrl: string;
  accessToken: string;
  pgMethod: 'url' | 'embedded';
  url: string;
  schema: string;
}

export const LOGIN_URLS = {
  Production: DEFAULT_LOGIN_URL,
  Sandbox: 'https://test.salesforce.com',
} as const;

export function emptyForm(
  kind: ProfileFormValues['kind'],
  defaultApiVersion = DEFAULT_API_VERSION,
): ProfileFormValues {
  return {
    kind,
    name: '',
    apiVersion: defaultApiVersion,
    sfMethod: 'password',
    loginUrl: LOGIN_URLS.Production,
    username: '',
    password: '',
    securityToken: '',
    instanceUrl: '',
    accessToken: '',
    pgMethod: 'url',
    url: '',
    schema: 'salesforce',
  };
}

export function formFromProfile(profile: ProfileSummary): ProfileFormValues {
  const base = emptyForm(profile.kind);
  if (profile.kind === 'salesforce') {
    return {
      ...base,
      id: profile.id,
      name: profile.name,
      apiVersion: profile.apiVersion,
      sfMethod: profile.auth.method,
      loginUrl: profile.auth.method === 'password' ? profile.auth.loginUrl : base.loginUrl,
      username: profile.auth.method === 'password' ? profile.auth.username : '',
      instanceUrl: profile.auth.method === 'token' ? profile.auth.instanceUrl : '',
    };
  }
  return {
    ...base,
    id: profile.id,
    name: profile.name,
    schema: profile.schema,
    pgMethod: profile.connection.method,
    url: profile.connection.method === 'url' ? profile.connection.url : '',
  };
}

/** Blank secrets are left out: the main process keeps what it has saved. */
export function draftFromForm(v: ProfileFormValues): ProfileInputDraft {
  const secret = (s: string) => (s === '' ? undefined : s);
  const id = v.id ? { id: v.id } : {};
  if (v.kind === 'salesforce') {
    return {
      kind: 'salesforce',
      ...id,
      name: v.name,
      apiVersion: v.apiVersion,
      auth:
        v.sfMethod === 'password'
          ? {
              method: 'password',
              loginUrl: v.loginUrl,
              username: v.username,
              password: secret(v.password),
              securityToken: secret(v.securityToken),
            }
          : { method: 'token', instanceUrl: v.instanceUrl, accessToken: secret(v.accessToken) },
    };
  }
  return {
    kind: 'postgres',
    ...id,
    name: v.name,
    schema: v.schema,
    connection: v.pgMethod === 'url' ? { method: 'url', url: v.url } : { method: 'embedded' },
  };
}

/** Maps a problem's path in the contract (auth.username) to the form field that shows it. */
export function fieldOfProblem(path: string): keyof ProfileFormValues | null {
  const last = path.split('.').pop() ?? '';
  const known: Record<string, keyof ProfileFormValues> = {
    name: 'name',
    apiVersion: 'apiVersion',
    loginUrl: 'loginUrl',
    username: 'username',
    password: 'password',
    securityToken: 'securityToken',
    instanceUrl: 'instanceUrl',
    accessToken: 'accessToken',
    url: 'url',
    schema: 'schema',
  };
  return known[last] ?? null;
}

export function describeProfile(profile: ProfileSummary): string {
  if (profile.kind === 'salesforce') {
    return profile.auth.method === 'password'
      ? `${profile.auth.username} · ${profile.auth.loginUrl}`
      : `Access token · ${profile.auth.instanceUrl}`;
  }
  return profile.connection.method === 'embedded'
    ? `Embedded Postgres · schema ${profile.schema}`
    : `${profile.connection.url} · schema ${profile.schema}`;
}
