// jsforce sends even 127.0.0.1 traffic through a proxy named in the environment
// (salesforce-rest.md §0 rule 20), and reads the variables once, when it is first loaded. Tests
// and benchmarks talk only to local servers: they clear the variables before jsforce loads.
// No vitest here, so the benchmarks (plain Node scripts) can use it too.

/** Every variable that names a proxy for jsforce's requests, in both cases. */
export const PROXY_VARIABLES = [
  'http_proxy',
  'https_proxy',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'all_proxy',
  'ALL_PROXY',
] as const;

export function clearProxyVariables(): void {
  for (const name of PROXY_VARIABLES) delete process.env[name];
}
