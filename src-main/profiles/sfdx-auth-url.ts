import { ApiError } from '../../src-shared/api';

/** The parts of an SFDX auth URL (`sf org display --verbose` prints it as "Sfdx Auth Url"). */
export interface SfdxAuthUrl {
  clientId: string;
  /** Empty for the CLI's own connected app (PlatformCLI), which has no secret. */
  clientSecret: string;
  refreshToken: string;
  /** https://host (http:// for a loopback host such as a local org). */
  instanceUrl: string;
}

const PREFIX = 'force://';
const FORMAT = 'force://<client id>:<client secret>:<refresh token>@<instance host>';

/**
 * Splits `force://<clientId>:<clientSecret>:<refreshToken>@<instance host or URL>`. Errors name
 * the part that is wrong and never repeat the secret parts.
 */
export function parseSfdxAuthUrl(raw: string): SfdxAuthUrl {
  const fail = (problem: string): never => {
    throw new ApiError('BAD_PARAMS', `The SFDX auth URL ${problem}. It looks like ${FORMAT}.`, {
      field: 'authUrl',
      problems: [{ path: 'auth.authUrl', message: `The SFDX auth URL ${problem}.` }],
    });
  };
  const text = raw.trim();
  if (text === '')
    fail('is empty: paste the "Sfdx Auth Url" that `sf org display --verbose` prints');
  if (!text.toLowerCase().startsWith(PREFIX)) fail('must start with force://');
  const rest = text.slice(PREFIX.length);
  // Tokens never hold '@'; the instance may (in theory) be a URL with one in its path, so the
  // credentials end at the first '@'.
  const at = rest.indexOf('@');
  if (at < 0) fail('has no "@<instance host>" after the refresh token');
  const credentials = rest.slice(0, at).split(':');
  const instance = rest.slice(at + 1);
  if (credentials.length < 3) {
    fail(
      `has ${credentials.length} part${credentials.length === 1 ? '' : 's'} before the "@" where it ` +
        'needs three separated by ":" (client id, client secret — may be empty — and refresh token)',
    );
  }
  const [clientId, clientSecret, ...tokenParts] = credentials as [string, string, ...string[]];
  // A refresh token with a ':' of its own would land in several parts: put it back together.
  const refreshToken = tokenParts.join(':');
  if (clientId === '') fail('has an empty client id (the part right after force://)');
  if (refreshToken === '') fail('has an empty refresh token (the third part, before the "@")');
  return { clientId, clientSecret, refreshToken, instanceUrl: instanceUrlOf(instance, fail) };
}

/**
 * The instance part as a URL. The CLI writes a bare host (https implied); a full URL is
 * accepted too. UNCONFIRMED how the CLI treats a bare loopback host: we decide http://, since
 * a local org (ours included) serves plain HTTP on 127.0.0.1.
 */
function instanceUrlOf(instance: string, fail: (problem: string) => never): string {
  if (instance === '') return fail('has nothing after the "@" (the instance host is missing)');
  const withScheme = /^https?:\/\//i.test(instance)
    ? instance
    : `${isLoopback(instance) ? 'http' : 'https'}://${instance}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return fail(`names an instance that is not a host name or URL ("${instance}")`);
  }
  if (url.hostname === '' || /[\s]/.test(instance)) {
    return fail(`names an instance that is not a host name or URL ("${instance}")`);
  }
  return url.origin;
}

function isLoopback(hostAndPort: string): boolean {
  const host = hostAndPort
    .replace(/:\d+$/, '')
    .replace(/^\[|\]$/g, '')
    .toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
