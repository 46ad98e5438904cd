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
  sfMethod: SalesforceSignIn;
  loginUrl: string;
  username: string;
  password: string;
  securityToken: string;
  instanceUrl: string;
  accessToken: string;
  /** SFDX auth URL (a secret: blank keeps the saved one). */
  authUrl: string;
  /** OAuth: the connected app's consumer key. */
  clientId: string;
  /** OAuth: who the last browser sign-in was (null: not signed in yet). Shown, never sent. */
  signedIn: { instanceUrl: string; username: string | null } | null;
  /** The SFDX profile's instance (shown while the URL itself stays hidden). */
  sfdxInstanceUrl: string;
  pgMethod: 'url' | 'embedded';
  url: string;
  schema: string;
}

export type SalesforceSignIn = 'password' | 'token' | 'sfdx' | 'oauth' | 'local';

/** The sign-in methods a user may pick in the form, in order; 'local' is made by one click. */
export const SIGN_IN_CHOICES: readonly { method: SalesforceSignIn; label: string }[] = [
  { method: 'password', label: 'Username + password' },
  { method: 'token', label: 'Access token' },
  { method: 'sfdx', label: 'SFDX auth URL' },
  { method: 'oauth', label: 'OAuth in the browser' },
];

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
    authUrl: '',
    clientId: '',
    signedIn: null,
    sfdxInstanceUrl: '',
    pgMethod: 'url',
    url: '',
    schema: 'salesforce',
  };
}

export function formFromProfile(profile: ProfileSummary): ProfileFormValues {
  const base = emptyForm(profile.kind);
  if (profile.kind === 'salesforce') {
    const { auth } = profile;
    return {
      ...base,
      id: profile.id,
      name: profile.name,
      apiVersion: profile.apiVersion,
      sfMethod: auth.method,
      loginUrl:
        auth.method === 'password' || auth.method === 'oauth' ? auth.loginUrl : base.loginUrl,
      username: auth.method === 'password' ? auth.username : '',
      instanceUrl: auth.method === 'token' ? auth.instanceUrl : '',
      clientId: auth.method === 'oauth' ? auth.clientId : '',
      signedIn:
        auth.method === 'oauth' && auth.instanceUrl
          ? { instanceUrl: auth.instanceUrl, username: auth.username }
          : null,
      sfdxInstanceUrl: auth.method === 'sfdx' ? auth.instanceUrl : '',
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
  const id = v.id ? { id: v.id } : {};
  if (v.kind === 'salesforce') {
    return {
      kind: 'salesforce',
      ...id,
      name: v.name,
      apiVersion: v.apiVersion,
      auth: authDraft(v),
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

type AuthDraft = Extract<ProfileInputDraft, { kind: 'salesforce' }>['auth'];

function authDraft(v: ProfileFormValues): AuthDraft {
  const secret = (s: string) => (s === '' ? undefined : s);
  switch (v.sfMethod) {
    case 'password':
      return {
        method: 'password',
        loginUrl: v.loginUrl,
        username: v.username,
        password: secret(v.password),
        securityToken: secret(v.securityToken),
      };
    case 'token':
      return { method: 'token', instanceUrl: v.instanceUrl, accessToken: secret(v.accessToken) };
    case 'sfdx':
      return { method: 'sfdx', authUrl: secret(v.authUrl.trim()) };
    case 'oauth':
      return { method: 'oauth', loginUrl: v.loginUrl, clientId: v.clientId };
    case 'local':
      return { method: 'local' };
  }
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
    authUrl: 'authUrl',
    clientId: 'clientId',
    url: 'url',
    schema: 'schema',
  };
  return known[last] ?? null;
}

export function describeProfile(profile: ProfileSummary): string {
  if (profile.kind === 'salesforce') {
    const { auth } = profile;
    switch (auth.method) {
      case 'password':
        return `${auth.username} · ${auth.loginUrl}`;
      case 'token':
        return `Access token · ${auth.instanceUrl}`;
      case 'sfdx':
        return `SFDX auth URL · ${auth.instanceUrl}`;
      case 'oauth':
        return auth.instanceUrl
          ? `OAuth · ${auth.username ? `${auth.username} · ` : ''}${auth.instanceUrl}`
          : `OAuth · not signed in yet · ${auth.loginUrl}`;
      case 'local':
        return 'Built-in local org · demo data, runs inside the studio';
    }
  }
  return profile.connection.method === 'embedded'
    ? `Embedded Postgres · schema ${profile.schema}`
    : `${profile.connection.url} · schema ${profile.schema}`;
}

/** Whether closing would lose something: the form would save differently from how it opened. */
export function formChanged(initial: ProfileFormValues, values: ProfileFormValues): boolean {
  return JSON.stringify(draftFromForm(initial)) !== JSON.stringify(draftFromForm(values));
}

/** The parts of a keydown the form's Esc handling reads (a KeyboardEvent has them). */
export interface EscapeKeyEvent {
  key: string;
  defaultPrevented: boolean;
  target: unknown;
}

/**
 * Whether Esc is the form's to act on: not when something inside already used it (an editor's
 * suggestions, a menu) or when focus is in a control whose own Esc closes its list of choices.
 */
export function escapeIsForForm(event: EscapeKeyEvent): boolean {
  if (event.key !== 'Escape' || event.defaultPrevented) return false;
  return !isChoiceControl(event.target);
}

function isChoiceControl(target: unknown): boolean {
  if (typeof target !== 'object' || target === null) return false;
  const element = target as { tagName?: unknown; getAttribute?: unknown };
  if (typeof element.tagName === 'string' && element.tagName.toUpperCase() === 'SELECT') {
    return true;
  }
  if (typeof element.getAttribute !== 'function') return false;
  const role: unknown = (element.getAttribute as (name: string) => unknown).call(target, 'role');
  return role === 'combobox' || role === 'listbox';
}
