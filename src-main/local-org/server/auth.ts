// Logging in to the local org the ways jsforce does (salesforce-rest.md §1): the SOAP partner
// login() (jsforce's default), the OAuth 2.0 username-password flow, the web-server flow with
// PKCE and its refresh tokens (oauth-web.ts), and the identity URL. The org has one user:
// store.identity.username with the org's password.

import { createHmac } from 'node:crypto';
import { normalizeId } from '../ids';
import {
  authorizationCodeGrant,
  authorizePage,
  oauthGrants,
  refreshTokenGrant,
  type AcceptedGrant,
} from './oauth-web';
import { parseApiVersion } from './versions';
import {
  bearerToken,
  formFields,
  jsonResponse,
  type PlainRequest,
  type PlainResponse,
  type ServerState,
} from './wire';

const SOAP_PATH = /^\/services\/Soap\/u\/([^/]+)(?:\/[^/]+)?$/i;
const IDENTITY_PATH = /^\/id\/([^/]+)\/([^/]+)$/i;

/** The answer to a login/identity request; undefined when the path is not one of them. */
export function handleAuthRequest(
  state: ServerState,
  request: PlainRequest,
): PlainResponse | undefined {
  const soap = SOAP_PATH.exec(request.path);
  if (soap) {
    if (request.method !== 'POST') return notAllowed(request.method, 'POST');
    return soapCall(state, request, soap[1] as string);
  }
  const path = request.path.toLowerCase();
  if (path === '/services/oauth2/authorize') {
    if (request.method !== 'GET' && request.method !== 'POST') {
      return notAllowed(request.method, 'GET,POST');
    }
    return authorizePage(state, request);
  }
  if (path === '/services/oauth2/token') {
    if (request.method !== 'POST') return notAllowed(request.method, 'POST');
    return oauthToken(state, request);
  }
  if (path === '/services/oauth2/revoke') {
    if (request.method !== 'POST') return notAllowed(request.method, 'POST');
    return oauthRevoke(state, request);
  }
  const identity = IDENTITY_PATH.exec(request.path);
  if (identity) {
    if (request.method !== 'GET') return notAllowed(request.method, 'GET');
    return identityInfo(state, request, identity[1] as string, identity[2] as string);
  }
  return undefined;
}

function notAllowed(method: string, allowed: string): PlainResponse {
  return jsonResponse(405, [
    {
      message: `HTTP Method '${method}' not allowed. Allowed are ${allowed}`,
      errorCode: 'METHOD_NOT_ALLOWED',
    },
  ]);
}

/** Usernames are case-insensitive on Salesforce; passwords are not. */
function credentialsMatch(state: ServerState, username: string, password: string): boolean {
  return (
    username.trim().toLowerCase() === state.store.identity.username.toLowerCase() &&
    password === state.password
  );
}

// ---------------------------------------------------------------------------------------------
// SOAP partner API: login and logout only.

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (whole, entity: string) => {
    const lower = entity.toLowerCase();
    if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith('#')) return String.fromCodePoint(parseInt(lower.slice(1), 10));
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    return named[lower] ?? whole;
  });
}

/** The text of the first element with this local name (any namespace prefix). */
function elementText(xml: string, name: string): string | undefined {
  const match = new RegExp(
    `<(?:[\\w-]+:)?${name}(?:\\s[^>]*)?>([\\s\\S]*?)</(?:[\\w-]+:)?${name}>`,
  ).exec(xml);
  return match ? unescapeXml(match[1] as string) : undefined;
}

function hasElement(xml: string, name: string): boolean {
  return new RegExp(`<(?:[\\w-]+:)?${name}[\\s/>]`).test(xml);
}

const SOAP_ENVELOPE_OPEN =
  '<?xml version="1.0" encoding="UTF-8"?>' +
  '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"' +
  ' xmlns="urn:partner.soap.sforce.com" xmlns:sf="urn:fault.partner.soap.sforce.com"' +
  ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>';
const SOAP_ENVELOPE_CLOSE = '</soapenv:Body></soapenv:Envelope>';

function soapResponse(status: number, body: string): PlainResponse {
  return {
    status,
    headers: { 'Content-Type': 'text/xml; charset=utf-8' },
    body: SOAP_ENVELOPE_OPEN + body + SOAP_ENVELOPE_CLOSE,
  };
}

/** A SOAP fault: HTTP 500, which jsforce does not retry for a POST. */
function soapFault(
  code: string,
  message: string,
  faultType = 'UnexpectedErrorFault',
): PlainResponse {
  return soapResponse(
    500,
    '<soapenv:Fault>' +
      `<faultcode>sf:${code}</faultcode>` +
      `<faultstring>${escapeXml(`${code}: ${message}`)}</faultstring>` +
      `<detail><sf:${faultType} xsi:type="sf:${faultType}">` +
      `<sf:exceptionCode>${code}</sf:exceptionCode>` +
      `<sf:exceptionMessage>${escapeXml(message)}</sf:exceptionMessage>` +
      `</sf:${faultType}></detail></soapenv:Fault>`,
  );
}

function soapCall(state: ServerState, request: PlainRequest, rawVersion: string): PlainResponse {
  const version = parseApiVersion(rawVersion);
  if (!version) {
    return soapFault(
      'UNSUPPORTED_API_VERSION',
      `Invalid Api version specified on URL: ${rawVersion}. Use a version from 31.0 to 66.0.`,
    );
  }
  const xml = request.body.toString('utf8');
  if (hasElement(xml, 'login')) return soapLogin(state, xml, version);
  if (hasElement(xml, 'logout')) {
    const token = elementText(xml, 'sessionId');
    if (!token || !state.sessions.revoke(token)) {
      return soapFault(
        'INVALID_SESSION_ID',
        'Invalid Session ID found in SessionHeader: Session expired or invalid',
      );
    }
    return soapResponse(200, '<logoutResponse/>');
  }
  return soapFault(
    'INVALID_OPERATION',
    "The local org's SOAP endpoint supports only login and logout; use the REST API for everything else.",
  );
}

function soapLogin(state: ServerState, xml: string, version: string): PlainResponse {
  const username = elementText(xml, 'username') ?? '';
  const password = elementText(xml, 'password') ?? '';
  if (!credentialsMatch(state, username, password)) {
    return soapFault(
      'INVALID_LOGIN',
      'Invalid username, password, security token; or user locked out.',
      'LoginFault',
    );
  }
  const who = state.store.identity;
  const token = state.sessions.issue('soap');
  const org15 = who.orgId.slice(0, 15);
  const text = (name: string, value: string): string => `<${name}>${escapeXml(value)}</${name}>`;
  return soapResponse(
    200,
    '<loginResponse><result>' +
      text('metadataServerUrl', `${state.instanceUrl}/services/Soap/m/${version}/${org15}`) +
      text('passwordExpired', 'false') +
      text('sandbox', 'false') +
      text('serverUrl', `${state.instanceUrl}/services/Soap/u/${version}/${org15}`) +
      text('sessionId', token) +
      text('userId', who.userId) +
      '<userInfo>' +
      text('accessibilityMode', 'false') +
      text('currencySymbol', '$') +
      text('orgDefaultCurrencyIsoCode', 'USD') +
      text('orgHasPersonAccounts', 'false') +
      text('organizationId', who.orgId) +
      text('organizationMultiCurrency', 'false') +
      text('organizationName', who.organizationName) +
      text('sessionSecondsValid', '7200') +
      text('userDefaultCurrencyIsoCode', 'USD') +
      text('userEmail', who.userEmail) +
      text('userFullName', who.userFullName) +
      text('userId', who.userId) +
      text('userLanguage', 'en_US') +
      text('userLocale', 'en_US') +
      text('userName', who.username) +
      text('userTimeZone', 'GMT') +
      text('userType', 'Standard') +
      text('userUiSkin', 'Theme3') +
      '</userInfo></result></loginResponse>',
  );
}

// ---------------------------------------------------------------------------------------------
// OAuth 2.0

function oauthError(status: number, error: string, description: string): PlainResponse {
  return jsonResponse(status, { error, error_description: description });
}

function oauthToken(state: ServerState, request: PlainRequest): PlainResponse {
  const form = formFields(request.body);
  const grantType = form.get('grant_type') ?? request.query.get('grant_type');
  if (grantType === 'authorization_code' || grantType === 'refresh_token') {
    const grant =
      grantType === 'authorization_code'
        ? authorizationCodeGrant(state, form)
        : refreshTokenGrant(state, form);
    return 'status' in grant ? grant : tokenFromGrant(state, grant);
  }
  if (grantType !== 'password') {
    return oauthError(
      400,
      'unsupported_grant_type',
      `grant type not supported: ${grantType ?? '(none)'}; the local org accepts ` +
        'grant_type=password, authorization_code or refresh_token',
    );
  }
  if (!form.get('client_id')) {
    return oauthError(400, 'invalid_client_id', 'client identifier invalid');
  }
  if (!credentialsMatch(state, form.get('username') ?? '', form.get('password') ?? '')) {
    return oauthError(400, 'invalid_grant', 'authentication failure');
  }
  return tokenResponse(state, state.sessions.issue('oauth'), {});
}

/** A new access token for an accepted code or refresh grant, tied to its refresh token. */
function tokenFromGrant(state: ServerState, grant: AcceptedGrant): PlainResponse {
  const token = state.sessions.issue('oauth');
  oauthGrants(state).linkSession(grant.refreshToken, token);
  return tokenResponse(
    state,
    token,
    grant.returnRefreshToken
      ? { refresh_token: grant.refreshToken, scope: 'api refresh_token full' }
      : { scope: 'api refresh_token full' },
  );
}

function tokenResponse(
  state: ServerState,
  accessToken: string,
  extra: Record<string, string>,
): PlainResponse {
  const who = state.store.identity;
  const id = `${state.instanceUrl}/id/${who.orgId}/${who.userId}`;
  const issuedAt = String(Date.now());
  return jsonResponse(200, {
    access_token: accessToken,
    instance_url: state.instanceUrl,
    id,
    token_type: 'Bearer',
    issued_at: issuedAt,
    // Real orgs sign id + issued_at with the connected app's secret; jsforce does not check it.
    signature: createHmac('sha256', who.orgId)
      .update(id + issuedAt)
      .digest('base64'),
    scope: 'api full',
    ...extra,
  });
}

function oauthRevoke(state: ServerState, request: PlainRequest): PlainResponse {
  const token = formFields(request.body).get('token') ?? request.query.get('token');
  if (token) {
    // A refresh token ends with the sessions it made (as on Salesforce); else an access token.
    const sessions = oauthGrants(state).revokeRefreshToken(token);
    if (sessions) {
      for (const session of sessions) state.sessions.revoke(session);
      return { status: 200 };
    }
    if (state.sessions.revoke(token)) return { status: 200 };
  }
  // Revoke answers failures form-encoded (jsforce parses them with querystring).
  return {
    status: 400,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      error: 'invalid_token',
      error_description: 'the token is unknown, expired or already revoked',
    }).toString(),
  };
}

// ---------------------------------------------------------------------------------------------
// Identity URL

function identityInfo(
  state: ServerState,
  request: PlainRequest,
  orgId: string,
  userId: string,
): PlainResponse {
  const token = bearerToken(request.headers) ?? request.query.get('oauth_token') ?? undefined;
  if (!token || !state.sessions.userOf(token)) {
    // Real orgs answer 403 Bad_OAuth_Token (UNCONFIRMED); a 401 lets jsforce log in again.
    return jsonResponse(401, [
      { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
    ]);
  }
  const who = state.store.identity;
  if (normalizeId(orgId) !== who.orgId || normalizeId(userId) !== who.userId) {
    return jsonResponse(404, [
      { message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' },
    ]);
  }
  const base = state.instanceUrl;
  const [firstName, ...rest] = who.userFullName.split(' ');
  return jsonResponse(200, {
    id: `${base}/id/${who.orgId}/${who.userId}`,
    asserted_user: true,
    user_id: who.userId,
    organization_id: who.orgId,
    username: who.username,
    nick_name: who.username.split('@')[0],
    display_name: who.userFullName,
    email: who.userEmail,
    email_verified: true,
    first_name: rest.length > 0 ? firstName : null,
    last_name: rest.length > 0 ? rest.join(' ') : who.userFullName,
    timezone: 'GMT',
    active: true,
    user_type: 'STANDARD',
    language: 'en_US',
    locale: 'en_US',
    utcOffset: 0,
    urls: {
      enterprise: `${base}/services/Soap/c/{version}/${who.orgId.slice(0, 15)}`,
      partner: `${base}/services/Soap/u/{version}/${who.orgId.slice(0, 15)}`,
      rest: `${base}/services/data/v{version}/`,
      sobjects: `${base}/services/data/v{version}/sobjects/`,
      query: `${base}/services/data/v{version}/query/`,
      limits: `${base}/services/data/v{version}/limits/`,
      profile: `${base}/${who.userId}`,
    },
  });
}
