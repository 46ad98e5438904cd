// The OAuth 2.0 web-server flow of the local org (authorization code + PKCE, RFC 7636 S256) and
// the refresh tokens it issues: the sign-in page at /services/oauth2/authorize, the
// authorization_code and refresh_token grants of the token endpoint, and revoking a refresh
// token. Codes and refresh tokens live in the store's database, so a restart on the same file
// keeps refresh tokens valid as it keeps access tokens.
//
// The local org has no connected apps: any client id is accepted, and any absolute http(s)
// redirect URI on a loopback host (or a host the org was started to allow). A real org accepts
// only the app's registered callback URLs; without some such rule the page would hand a code
// to whatever site a link named.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { LocalOrgStore } from '../store/types';
import {
  formFields,
  jsonResponse,
  type PlainRequest,
  type PlainResponse,
  type ServerState,
} from './wire';

/** Authorization codes are single-use and live 15 minutes (Salesforce's documented lifetime). */
export const AUTHORIZATION_CODE_TTL_MS = 15 * 60 * 1000;

const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Letters and digits only, so a token fits an SFDX auth URL (no ':' or '@') and XML as is. */
function randomToken(prefix: string, length: number): string {
  let text = prefix;
  for (const byte of randomBytes(length)) text += TOKEN_ALPHABET[byte % TOKEN_ALPHABET.length];
  return text;
}

export type CodeRedemption =
  | {
      ok: true;
      clientId: string;
      redirectUri: string;
      codeChallenge: string | null;
    }
  | { ok: false; reason: 'unknown' | 'expired' };

/** The codes and refresh tokens of one org, kept in its database. */
export class OAuthGrants {
  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS "_oauth_codes" (
      "code" TEXT PRIMARY KEY,
      "client_id" TEXT NOT NULL,
      "redirect_uri" TEXT NOT NULL,
      "code_challenge" TEXT,
      "issued_at_ms" INTEGER NOT NULL,
      "used" INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE IF NOT EXISTS "_oauth_refresh_tokens" (
      "token" TEXT PRIMARY KEY,
      "client_id" TEXT NOT NULL,
      "issued_at" TEXT NOT NULL,
      "revoked_at" TEXT
    );
    CREATE TABLE IF NOT EXISTS "_oauth_refresh_sessions" (
      "refresh_token" TEXT NOT NULL,
      "access_token" TEXT NOT NULL
    )`);
  }

  issueCode(grant: {
    clientId: string;
    redirectUri: string;
    codeChallenge: string | null;
  }): string {
    const code = randomToken('aPrx', 80);
    this.db
      .prepare(
        `INSERT INTO "_oauth_codes" ("code", "client_id", "redirect_uri", "code_challenge", "issued_at_ms")
         VALUES (?, ?, ?, ?, ?)`,
      )
      .run(code, grant.clientId, grant.redirectUri, grant.codeChallenge, Date.now());
    return code;
  }

  /** Uses a code up: whatever the outcome, it never works a second time. */
  redeemCode(code: string): CodeRedemption {
    const row = this.db
      .prepare(
        `SELECT "client_id" AS clientId, "redirect_uri" AS redirectUri,
                "code_challenge" AS codeChallenge, "issued_at_ms" AS issuedAtMs, "used"
         FROM "_oauth_codes" WHERE "code" = ?`,
      )
      .get(code) as
      | {
          clientId: string;
          redirectUri: string;
          codeChallenge: string | null;
          issuedAtMs: number;
          used: number;
        }
      | undefined;
    if (!row || row.used) return { ok: false, reason: 'unknown' };
    this.db.prepare('UPDATE "_oauth_codes" SET "used" = 1 WHERE "code" = ?').run(code);
    if (Date.now() - row.issuedAtMs > AUTHORIZATION_CODE_TTL_MS) {
      return { ok: false, reason: 'expired' };
    }
    return {
      ok: true,
      clientId: row.clientId,
      redirectUri: row.redirectUri,
      codeChallenge: row.codeChallenge,
    };
  }

  issueRefreshToken(clientId: string): string {
    const token = randomToken('5Aep861', 80);
    this.db
      .prepare(
        'INSERT INTO "_oauth_refresh_tokens" ("token", "client_id", "issued_at") VALUES (?, ?, ?)',
      )
      .run(token, clientId, new Date().toISOString());
    return token;
  }

  /** The client a live refresh token was issued to; undefined when unknown or revoked. */
  clientOf(refreshToken: string): string | undefined {
    const row = this.db
      .prepare(
        `SELECT "client_id" AS clientId FROM "_oauth_refresh_tokens"
         WHERE "token" = ? AND "revoked_at" IS NULL`,
      )
      .get(refreshToken) as { clientId: string } | undefined;
    return row?.clientId;
  }

  /** Remembers which access token a refresh token made, so revoking it ends that session too. */
  linkSession(refreshToken: string, accessToken: string): void {
    this.db
      .prepare(
        'INSERT INTO "_oauth_refresh_sessions" ("refresh_token", "access_token") VALUES (?, ?)',
      )
      .run(refreshToken, accessToken);
  }

  /** Revokes a live refresh token; the access tokens it made, or undefined when it was not live. */
  revokeRefreshToken(refreshToken: string): string[] | undefined {
    const changed = this.db
      .prepare(
        `UPDATE "_oauth_refresh_tokens" SET "revoked_at" = ?
         WHERE "token" = ? AND "revoked_at" IS NULL`,
      )
      .run(new Date().toISOString(), refreshToken).changes;
    if (changed === 0) return undefined;
    return (
      this.db
        .prepare(
          'SELECT "access_token" AS accessToken FROM "_oauth_refresh_sessions" WHERE "refresh_token" = ?',
        )
        .all(refreshToken) as { accessToken: string }[]
    ).map((row) => row.accessToken);
  }
}

// One grants table set per open store; made on first use so the org's start-up is unchanged.
const grantsOfStore = new WeakMap<LocalOrgStore, OAuthGrants>();

export function oauthGrants(state: ServerState): OAuthGrants {
  let grants = grantsOfStore.get(state.store);
  if (!grants) {
    grants = new OAuthGrants(state.store.db);
    grantsOfStore.set(state.store, grants);
  }
  return grants;
}

/** base64url(SHA-256(verifier)): the S256 challenge of RFC 7636 §4.2. */
export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/**
 * RFC 7636 §4.1 allows 43 to 128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~".
 * jsforce's useVerifier sends 171 (128 random bytes in base64url) and real orgs take it, so the
 * upper bound here is looser. UNCONFIRMED what limit Salesforce enforces.
 */
const VERIFIER_PATTERN = /^[A-Za-z0-9\-._~]{43,512}$/;
/** An S256 challenge is a base64url SHA-256: 43 characters, no padding. */
const S256_CHALLENGE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

function verifierMatches(verifier: string, challenge: string): boolean {
  if (!VERIFIER_PATTERN.test(verifier)) return false;
  const computed = Buffer.from(s256Challenge(verifier));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}

// ---------------------------------------------------------------------------------------------
// The sign-in page: GET shows it, POST checks the user's answer.

interface AuthorizeParams {
  responseType: string;
  clientId: string;
  redirectUri: string;
  state: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
}

function readAuthorizeParams(fields: URLSearchParams): AuthorizeParams {
  const optional = (name: string) => {
    const value = fields.get(name);
    return value === null || value === '' ? null : value;
  };
  return {
    responseType: fields.get('response_type') ?? '',
    clientId: fields.get('client_id') ?? '',
    redirectUri: fields.get('redirect_uri') ?? '',
    state: optional('state'),
    codeChallenge: optional('code_challenge'),
    codeChallengeMethod: optional('code_challenge_method'),
  };
}

/** Hosts a redirect URI may always name: this machine (RFC 8252 §7.3 loopback redirects). */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The redirect URI when it is an absolute http(s) address; undefined otherwise. */
function absoluteRedirect(raw: string): URL | undefined {
  try {
    const url = new URL(raw);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hash === ''
      ? url
      : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the org may send a code to this host: loopback, or one it was started to allow. */
function allowedRedirectHost(state: ServerState, url: URL): boolean {
  const host = url.hostname.toLowerCase();
  if (LOOPBACK_HOSTS.has(host)) return true;
  return (state.oauthRedirectHosts ?? []).some((allowed) => {
    const name = allowed.trim().toLowerCase();
    // IPv6 addresses may be given with or without their brackets.
    return name === host || `[${name}]` === host;
  });
}

/** 302 back to the client with these query fields (state echoed when it was given). */
function redirectBack(
  redirect: URL,
  params: AuthorizeParams,
  fields: Record<string, string>,
): PlainResponse {
  const target = new URL(redirect.toString());
  for (const [name, value] of Object.entries(fields)) target.searchParams.set(name, value);
  if (params.state !== null) target.searchParams.set('state', params.state);
  return { status: 302, headers: { Location: target.toString(), 'Cache-Control': 'no-store' } };
}

type Checked = { ok: true; redirect: URL } | { ok: false; response: PlainResponse };

/**
 * RFC 6749 §4.1.2.1: a missing client or an unusable redirect URI is told to the user on a page
 * (never redirected to); other mistakes go back to the client as error=…&error_description=….
 */
function checkAuthorizeParams(state: ServerState, params: AuthorizeParams): Checked {
  const redirect = absoluteRedirect(params.redirectUri);
  if (!redirect) {
    return {
      ok: false,
      response: errorPage(
        400,
        'redirect_uri_mismatch',
        params.redirectUri === ''
          ? 'The request has no redirect_uri. The application must say where to send you back.'
          : `The redirect_uri "${params.redirectUri}" is not an absolute http(s) address.`,
      ),
    };
  }
  if (!allowedRedirectHost(state, redirect)) {
    return {
      ok: false,
      response: errorPage(
        400,
        'redirect_uri_mismatch',
        `The redirect_uri "${params.redirectUri}" is not on this machine. The local org sends ` +
          'sign-ins back to 127.0.0.1, localhost or [::1] only, unless it is started to allow ' +
          `the host "${redirect.hostname}" (oauthRedirectHosts).`,
      ),
    };
  }
  if (params.clientId === '') {
    return {
      ok: false,
      response: errorPage(
        400,
        'invalid_client_id',
        'The request has no client_id. The application must send its consumer key.',
      ),
    };
  }
  const back = (error: string, description: string): Checked => ({
    ok: false,
    response: redirectBack(redirect, params, { error, error_description: description }),
  });
  if (params.responseType !== 'code') {
    return back(
      'unsupported_response_type',
      `response type not supported: ${params.responseType || '(none)'}; the local org accepts code`,
    );
  }
  if (params.codeChallenge !== null) {
    // A challenge without a method is S256 here: the local org does not accept "plain".
    const method = params.codeChallengeMethod ?? 'S256';
    if (method !== 'S256') {
      return back('invalid_request', `code_challenge_method not supported: ${method}; use S256`);
    }
    if (!S256_CHALLENGE_PATTERN.test(params.codeChallenge)) {
      return back('invalid_request', 'invalid code_challenge: expected 43 base64url characters');
    }
  } else if (params.codeChallengeMethod !== null) {
    return back('invalid_request', 'code_challenge_method given without a code_challenge');
  }
  return { ok: true, redirect };
}

export function authorizePage(state: ServerState, request: PlainRequest): PlainResponse {
  if (request.method === 'GET') {
    const params = readAuthorizeParams(request.query);
    const checked = checkAuthorizeParams(state, params);
    if (!checked.ok) return checked.response;
    return signInPage(state, params, { username: '', error: null });
  }
  const form = formFields(request.body);
  const params = readAuthorizeParams(form);
  const checked = checkAuthorizeParams(state, params);
  if (!checked.ok) return checked.response;
  if (form.get('decision') === 'deny') {
    return redirectBack(checked.redirect, params, {
      error: 'access_denied',
      error_description: 'end-user denied authorization',
    });
  }
  const username = form.get('username') ?? '';
  const password = form.get('password') ?? '';
  const who = state.store.identity;
  if (username.trim().toLowerCase() !== who.username.toLowerCase() || password !== state.password) {
    return signInPage(state, params, {
      username,
      error:
        "Please check your username and password. If you still can't log in, contact your " +
        'Salesforce administrator.',
    });
  }
  const code = oauthGrants(state).issueCode({
    clientId: params.clientId,
    redirectUri: params.redirectUri,
    codeChallenge: params.codeChallenge,
  });
  return redirectBack(checked.redirect, params, { code });
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const PAGE_STYLE = `
  :root { color-scheme: light dark; --bg: #f4f6f9; --card: #fff; --text: #181818; --muted: #5c5c5c;
    --line: #d8dde6; --accent: #0b5cab; --accent-text: #fff; --error: #ba0517; }
  @media (prefers-color-scheme: dark) { :root { --bg: #16181d; --card: #22252c; --text: #eceef2;
    --muted: #a4a9b3; --line: #3a3f4a; --accent: #4c9bf0; --accent-text: #0b1220; --error: #ff8a80; } }
  body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: var(--bg);
    color: var(--text); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
  main { width: min(380px, 92vw); background: var(--card); border: 1px solid var(--line);
    border-radius: 10px; padding: 28px; box-sizing: border-box; }
  h1 { font-size: 20px; margin: 0 0 6px; }
  p { margin: 0 0 16px; color: var(--muted); }
  label { display: block; font-weight: 600; margin: 12px 0 4px; }
  input { width: 100%; box-sizing: border-box; padding: 8px 10px; border: 1px solid var(--line);
    border-radius: 6px; background: transparent; color: var(--text); font: inherit; }
  .error { color: var(--error); margin: 12px 0 0; }
  .buttons { display: flex; gap: 8px; justify-content: flex-end; margin-top: 20px; }
  button { padding: 8px 16px; border-radius: 6px; border: 1px solid var(--line); font: inherit;
    background: transparent; color: var(--text); cursor: pointer; }
  button.allow { background: var(--accent); border-color: var(--accent); color: var(--accent-text); }
  code { font-size: 13px; }`;

function htmlPage(status: number, title: string, body: string): PlainResponse {
  return {
    status,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      // The page must not be framed: a sign-in form inside someone else's page is clickjacking.
      'X-Frame-Options': 'DENY',
    },
    body:
      `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
      `<meta name="viewport" content="width=device-width, initial-scale=1">` +
      `<title>${escapeHtml(title)}</title><style>${PAGE_STYLE}</style></head>` +
      `<body><main>${body}</main></body></html>`,
  };
}

function errorPage(status: number, error: string, description: string): PlainResponse {
  return htmlPage(
    status,
    'Sign-in error',
    `<h1>This sign-in request cannot be answered</h1><p>${escapeHtml(description)}</p>` +
      `<p><code>error=${escapeHtml(error)}</code></p>`,
  );
}

function signInPage(
  state: ServerState,
  params: AuthorizeParams,
  form: { username: string; error: string | null },
): PlainResponse {
  const who = state.store.identity;
  const hidden = (name: string, value: string | null) =>
    value === null ? '' : `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
  return htmlPage(
    200,
    'Allow access? · Local org',
    `<h1>Allow access?</h1>` +
      `<p><strong>${escapeHtml(params.clientId)}</strong> asks to use the API of ` +
      `${escapeHtml(who.organizationName)} (the local org) as you. ` +
      `Its user is <code>${escapeHtml(who.username)}</code>.</p>` +
      `<form method="post" action="/services/oauth2/authorize">` +
      hidden('response_type', params.responseType) +
      hidden('client_id', params.clientId) +
      hidden('redirect_uri', params.redirectUri) +
      hidden('state', params.state) +
      hidden('code_challenge', params.codeChallenge) +
      hidden('code_challenge_method', params.codeChallengeMethod) +
      `<label for="username">Username</label>` +
      `<input id="username" name="username" autocomplete="username" required ` +
      `value="${escapeHtml(form.username)}">` +
      `<label for="password">Password</label>` +
      `<input id="password" name="password" type="password" autocomplete="current-password" required>` +
      (form.error ? `<p class="error" role="alert">${escapeHtml(form.error)}</p>` : '') +
      `<div class="buttons">` +
      `<button type="submit" name="decision" value="deny" formnovalidate>Deny</button>` +
      `<button type="submit" name="decision" value="allow" class="allow">Allow</button>` +
      `</div></form>`,
  );
}

// ---------------------------------------------------------------------------------------------
// The token endpoint's grants for this flow.

function oauthError(error: string, description: string): PlainResponse {
  return jsonResponse(400, { error, error_description: description });
}

/** A grant the token endpoint accepted: answer with a new access token made from this. */
export interface AcceptedGrant {
  refreshToken: string;
  /** The code grant hands the refresh token out; a refresh answers without it. */
  returnRefreshToken: boolean;
}

export function authorizationCodeGrant(
  state: ServerState,
  form: URLSearchParams,
): AcceptedGrant | PlainResponse {
  const clientId = form.get('client_id') ?? '';
  if (clientId === '') return oauthError('invalid_client_id', 'client identifier invalid');
  const code = form.get('code') ?? '';
  if (code === '') return oauthError('invalid_grant', 'invalid authorization code');
  const grants = oauthGrants(state);
  const redeemed = grants.redeemCode(code);
  if (!redeemed.ok) {
    return oauthError(
      'invalid_grant',
      redeemed.reason === 'expired' ? 'expired authorization code' : 'invalid authorization code',
    );
  }
  if (redeemed.clientId !== clientId) {
    return oauthError('invalid_grant', 'authorization code was issued to another client');
  }
  if ((form.get('redirect_uri') ?? '') !== redeemed.redirectUri) {
    return oauthError('invalid_grant', 'redirect_uri must match configuration');
  }
  if (redeemed.codeChallenge !== null) {
    const verifier = form.get('code_verifier');
    if (!verifier || !verifierMatches(verifier, redeemed.codeChallenge)) {
      return oauthError('invalid_grant', 'invalid code verifier');
    }
  }
  return { refreshToken: grants.issueRefreshToken(clientId), returnRefreshToken: true };
}

export function refreshTokenGrant(
  state: ServerState,
  form: URLSearchParams,
): AcceptedGrant | PlainResponse {
  const clientId = form.get('client_id') ?? '';
  if (clientId === '') return oauthError('invalid_client_id', 'client identifier invalid');
  const refreshToken = form.get('refresh_token') ?? '';
  const owner = refreshToken === '' ? undefined : oauthGrants(state).clientOf(refreshToken);
  if (owner === undefined) return oauthError('invalid_grant', 'expired access/refresh token');
  // UNCONFIRMED what a real org answers for a refresh token of another connected app; a client
  // id it does not know is what the caller can act on.
  if (owner !== clientId) return oauthError('invalid_client_id', 'client identifier invalid');
  return { refreshToken, returnRefreshToken: false };
}
