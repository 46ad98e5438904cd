/** What went wrong talking to an org, in words a user can act on. */
export interface Explained {
  message: string;
  hint?: string;
}

/**
 * A failure already put in words where it happened (a refused refresh token, an unknown
 * client id): passed through as it is.
 */
export class ExplainedSalesforceError extends Error implements Explained {
  override readonly name = 'ExplainedSalesforceError';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** The saved refresh token no longer works: only a new sign-in helps. */
export const SIGN_IN_EXPIRED: Explained = {
  message: 'The saved sign-in expired or was revoked; sign in again.',
  hint:
    'Use "Sign in with Salesforce" on the profile again (for an SFDX auth URL: run ' +
    '`sf org display --verbose` and paste the new URL).',
};

interface ErrorLike {
  name?: unknown;
  errorCode?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
}

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
]);

/** Collects every code an error or its causes carry (node-fetch, undici and jsforce nest them). */
function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const e = current as ErrorLike;
    for (const c of [e.errorCode, e.code, e.name]) if (typeof c === 'string') codes.push(c);
    current = e.cause;
  }
  const message = messageOf(error);
  for (const m of message.matchAll(/\b(E[A-Z_]{3,}|[A-Z][A-Z_]{5,}[A-Z])\b/g)) codes.push(m[1]!);
  return codes;
}

function messageOf(error: unknown): string {
  if (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as ErrorLike).message === 'string'
  ) {
    return (error as { message: string }).message;
  }
  return String(error);
}

export function explainSalesforceError(error: unknown, origin: string): Explained {
  if (error instanceof ExplainedSalesforceError) {
    return error.hint === undefined
      ? { message: error.message }
      : { message: error.message, hint: error.hint };
  }
  // jsforce refreshing a lapsed access token by itself words the refusal this way.
  if (/unable to refresh session due to: expired access\/refresh token/i.test(messageOf(error))) {
    return SIGN_IN_EXPIRED;
  }
  const codes = codesOf(error);
  const has = (code: string) => codes.includes(code);
  const host = safeHost(origin);
  if (has('INVALID_LOGIN') || has('invalid_grant')) {
    return {
      message: 'Salesforce refused the username or password.',
      hint:
        'Check both. From an IP range the org does not trust, append your security token to the ' +
        'password (Salesforce: Settings → Reset My Security Token).',
    };
  }
  if (has('INVALID_SESSION_ID')) {
    return {
      message: 'The access token was refused: it has expired or was revoked.',
      hint: 'Get a fresh token (for example with `sf org display`) and save the profile again.',
    };
  }
  if (has('REQUEST_LIMIT_EXCEEDED')) {
    return {
      message: 'The org has used up its API requests for now (REQUEST_LIMIT_EXCEEDED).',
      hint: 'Wait for the 24-hour window to free requests, or ask an admin to raise the limit.',
    };
  }
  if (has('API_DISABLED_FOR_ORG') || has('API_CURRENTLY_DISABLED')) {
    return {
      message: 'API access is not enabled for this user or org.',
      hint: 'The user needs the "API Enabled" permission (and the org an edition with API access).',
    };
  }
  if (has('ENOTFOUND') || has('EAI_AGAIN')) {
    return {
      message: `Cannot find the host ${host}.`,
      hint: 'Check the URL for typos. Sandboxes sign in at https://test.salesforce.com.',
    };
  }
  if (has('ECONNREFUSED')) {
    return {
      message: `Nothing answered at ${origin} (connection refused).`,
      hint: 'Check the URL and port, and that the server behind them is running.',
    };
  }
  if (has('ETIMEDOUT') || has('TIMEOUT') || has('ECONNRESET')) {
    return {
      message: `No answer from ${origin} in time.`,
      hint: 'Check your network or VPN, and that the URL points at Salesforce.',
    };
  }
  const tls = codes.find((c) => TLS_CODES.has(c));
  if (tls) {
    return {
      message: `The TLS certificate of ${host} was not accepted (${tls}).`,
      hint:
        'If a corporate proxy inspects TLS, give Node its CA with NODE_EXTRA_CA_CERTS; ' +
        'otherwise check the URL.',
    };
  }
  const http = codes.find((c) => c.startsWith('ERROR_HTTP_'));
  if (http || /html content/i.test(messageOf(error))) {
    return {
      message: `${origin} answered, but not the way Salesforce does (${http ?? 'an HTML page'}).`,
      hint:
        'Use the login URL (https://login.salesforce.com, https://test.salesforce.com or your My ' +
        'Domain) or the instance URL, not the address of a Lightning page.',
    };
  }
  return { message: messageOf(error) };
}

function safeHost(origin: string): string {
  try {
    return new URL(origin).host;
  } catch {
    return origin;
  }
}
