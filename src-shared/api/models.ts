import { z } from 'zod';

/** Salesforce API versions look like "62.0". */
export const ApiVersion = z.string().regex(/^\d{2}\.0$/, 'must look like 62.0 (two digits, ".0")');

const httpUrl = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `${what} is required`)
    .refine((v) => /^https?:\/\/[^\s/]+/i.test(v), {
      message: `${what} must start with https:// (or http:// for a local org), e.g. https://login.salesforce.com`,
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
      loginUrl: httpUrl('login URL').default('https://login.salesforce.com'),
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
]);

export const PostgresConnectionInput = z.discriminatedUnion('method', [
  z
    .object({
      method: z.literal('url'),
      url: z
        .string()
        .trim()
        .min(1, 'database URL is required')
        .refine((v) => /^postgres(ql)?:\/\/.+/i.test(v), {
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
    apiVersion: ApiVersion.default('62.0'),
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
  defaultApiVersion: ApiVersion.default('62.0'),
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
