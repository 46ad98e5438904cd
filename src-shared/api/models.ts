import { z } from 'zod';

/** Defaults and formats shared by the contract, the CLI and the forms. */
export const DEFAULT_API_VERSION = '62.0';
export const DEFAULT_LOGIN_URL = 'https://login.salesforce.com';
/** Salesforce API versions look like "62.0". */
export const API_VERSION_PATTERN = /^\d{2}\.0$/;
/** http(s) with a host; http is allowed for a local org. */
export const HTTP_URL_PATTERN = /^https?:\/\/[^\s/]+/i;
export const POSTGRES_URL_PATTERN = /^postgres(ql)?:\/\/.+/i;

export const ApiVersion = z
  .string()
  .regex(API_VERSION_PATTERN, `must look like ${DEFAULT_API_VERSION} (two digits, ".0")`);

const httpUrl = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `${what} is required`)
    .refine((v) => HTTP_URL_PATTERN.test(v), {
      message: `${what} must start with https:// (or http:// for a local org), e.g. ${DEFAULT_LOGIN_URL}`,
    })
    .transform((v) => v.replace(/\/+$/, ''));

export const ProfileName = z
  .string()
  .trim()
  .min(1, 'name is required')
  .max(80, 'name must be at most 80 characters');

/** How a Salesforce profile signs in. Secrets are optional on save: omitted means "keep". */
export const SalesforceAuthInput = z.discriminatedUnion('method', [
  z
    .object({
      method: z.literal('password'),
      loginUrl: httpUrl('login URL').default(DEFAULT_LOGIN_URL),
      username: z.string().trim().min(1, 'username is required'),
      password: z.string().optional(),
      securityToken: z.string().optional(),
    })
    .strict(),
  z
    .object({
      method: z.literal('token'),
      instanceUrl: httpUrl('instance URL'),
      accessToken: z.string().optional(),
    })
    .strict(),
  // `force://<clientId>:<clientSecret>:<refreshToken>@<instance>` as `sf org display --verbose`
  // prints it; kept whole as a secret, its instance shown.
  z
    .object({
      method: z.literal('sfdx'),
      authUrl: z.string().optional(),
    })
    .strict(),
  // OAuth in the browser (authorization code + PKCE, loopback redirect); the refresh token the
  // flow brings back is a secret set by profiles.oauthStart, never typed.
  z
    .object({
      method: z.literal('oauth'),
      loginUrl: httpUrl('login URL').default(DEFAULT_LOGIN_URL),
      clientId: z.string().trim().min(1, 'client id is required'),
    })
    .strict(),
  // The built-in local org, started inside the studio on demand.
  z.object({ method: z.literal('local') }).strict(),
]);

export const PostgresConnectionInput = z.discriminatedUnion('method', [
  z
    .object({
      method: z.literal('url'),
      url: z
        .string()
        .trim()
        .min(1, 'database URL is required')
        .refine((v) => POSTGRES_URL_PATTERN.test(v), {
          message:
            'database URL must start with postgres:// e.g. postgres://user:pass@localhost:5432/app',
        }),
    })
    .strict(),
  z.object({ method: z.literal('embedded') }).strict(),
]);

const SalesforceProfileInput = z
  .object({
    kind: z.literal('salesforce'),
    id: z.string().min(1).optional(),
    name: ProfileName,
    apiVersion: ApiVersion.default(DEFAULT_API_VERSION),
    auth: SalesforceAuthInput,
  })
  .strict();

const PostgresProfileInput = z
  .object({
    kind: z.literal('postgres'),
    id: z.string().min(1).optional(),
    name: ProfileName,
    schema: z
      .string()
      .trim()
      .min(1)
      .max(63, 'schema must be at most 63 characters (a Postgres identifier)')
      .default('salesforce'),
    connection: PostgresConnectionInput,
  })
  .strict();

export const ProfileInput = z.discriminatedUnion('kind', [
  SalesforceProfileInput,
  PostgresProfileInput,
]);
export type ProfileInput = z.output<typeof ProfileInput>;
export type ProfileInputDraft = z.input<typeof ProfileInput>;

/** What the renderer sees of a profile: everything but the secrets, and which secrets are kept. */
export const ProfileSummary = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('salesforce'),
    id: z.string(),
    name: z.string(),
    apiVersion: ApiVersion,
    auth: z.discriminatedUnion('method', [
      z.object({ method: z.literal('password'), loginUrl: z.string(), username: z.string() }),
      z.object({ method: z.literal('token'), instanceUrl: z.string() }),
      z.object({ method: z.literal('sfdx'), instanceUrl: z.string() }),
      z.object({
        method: z.literal('oauth'),
        loginUrl: z.string(),
        clientId: z.string(),
        /** Known once the browser flow finished. */
        instanceUrl: z.string().nullable(),
        username: z.string().nullable(),
      }),
      z.object({ method: z.literal('local') }),
    ]),
    savedSecrets: z.array(z.string()),
    secretsReadable: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
  z.object({
    kind: z.literal('postgres'),
    id: z.string(),
    name: z.string(),
    schema: z.string(),
    connection: z.discriminatedUnion('method', [
      // The URL without its password; the password is a secret.
      z.object({ method: z.literal('url'), url: z.string() }),
      z.object({ method: z.literal('embedded') }),
    ]),
    savedSecrets: z.array(z.string()),
    secretsReadable: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
]);
export type ProfileSummary = z.output<typeof ProfileSummary>;

export const ConnectionTestResult = z.object({
  ok: z.boolean(),
  /** One sentence: what happened. */
  message: z.string(),
  /** What to do about it, when it failed. */
  hint: z.string().optional(),
  durationMs: z.number(),
  details: z.record(z.string(), z.string()).default({}),
});
export type ConnectionTestResult = z.output<typeof ConnectionTestResult>;

export const Theme = z.enum(['system', 'light', 'dark']);

export const Settings = z.object({
  theme: Theme.default('system'),
  activeOrgProfileId: z.string().nullable().default(null),
  activeDbProfileId: z.string().nullable().default(null),
  defaultApiVersion: ApiVersion.default(DEFAULT_API_VERSION),
});
export type Settings = z.output<typeof Settings>;

export const HostKind = z.enum(['electron', 'web', 'cli']);
export type HostKind = z.output<typeof HostKind>;

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  host: HostKind,
  platform: z.string(),
  nodeVersion: z.string(),
  userDataDir: z.string(),
  cacheFile: z.string(),
  secretStorage: z.enum(['safeStorage', 'keyFile']),
  /** Set when the cache had to be recovered at start-up; the UI shows it once. */
  startupNotice: z.string().nullable(),
});
export type AppInfo = z.output<typeof AppInfo>;
