// OAuth in the browser for a Salesforce profile: the authorization-code flow with PKCE (RFC 7636,
// S256) and a loopback redirect (RFC 8252 §7.3). The studio listens once on
// 127.0.0.1:<free port>/oauth/callback, the user signs in in a browser, Salesforce sends the
// browser back with a code, and the studio trades it (with the code verifier only it knows) for a
// refresh token kept encrypted in the profile.
//
// UNCONFIRMED: whether a connected app's callback URL must name the port exactly. RFC 8252 asks
// servers to accept any port on a loopback redirect; a connected app that does not must list the
// redirect URI the studio answers.

import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Connection, OAuth2 } from 'jsforce';
import {
  ApiError,
  DEFAULT_API_VERSION,
  type ProfileInput,
  type ProfileSummary,
} from '../../src-shared/api';
import type { EventBus } from '../api';
import type { ProfilesService } from '../profiles';
import { explainSalesforceError } from '../salesforce';

/** How long a started sign-in waits for the browser to come back. */
export const OAUTH_SIGN_IN_TIMEOUT_MS = 5 * 60 * 1000;
export const OAUTH_CALLBACK_PATH = '/oauth/callback';

export interface OAuthSignInOptions {
  profiles: ProfilesService;
  events: EventBus;
  log: (line: string) => void;
  /** Default five minutes. */
  timeoutMs?: number;
}

export interface OAuthStartParams {
  id?: string;
  profile?: ProfileInput;
}

export interface OAuthStarted {
  authorizeUrl: string;
  redirectUri: string;
}

interface Client {
  loginUrl: string;
  clientId: string;
}

interface Pending {
  server: Server;
  state: string;
  verifier: string;
  redirectUri: string;
  client: Client;
  /** The saved profile it signs in (undefined: the unsaved form, saved once signed in). */
  profileId: string | undefined;
  form: ProfileInput | undefined;
  timer: NodeJS.Timeout;
  /** Set once a callback with the right state arrived: later ones are turned away. */
  answered: boolean;
}

const base64Url = (bytes: Buffer) => bytes.toString('base64url');

/** One browser sign-in at a time; starting another replaces the one waiting. */
export class OAuthSignIns {
  private pending: Pending | undefined;

  constructor(private readonly options: OAuthSignInOptions) {}

  async start(params: OAuthStartParams): Promise<OAuthStarted> {
    const { client, profileId, form } = this.resolveProfile(params);
    this.cancel('a newer sign-in was started');

    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    const redirectUri = `http://127.0.0.1:${port}${OAUTH_CALLBACK_PATH}`;
    // RFC 7636 §4.1: 32 random bytes make a 43-character verifier; the challenge is its SHA-256.
    const verifier = base64Url(randomBytes(32));
    const challenge = base64Url(createHash('sha256').update(verifier).digest());
    const state = base64Url(randomBytes(16));
    const timeoutMs = this.options.timeoutMs ?? OAUTH_SIGN_IN_TIMEOUT_MS;
    const timer = setTimeout(() => {
      this.finish(pending, {
        ok: false,
        profileId: profileId ?? null,
        message:
          `The browser sign-in was not finished within ${describeDuration(timeoutMs)}. ` +
          'Start it again with "Sign in with Salesforce".',
      });
    }, timeoutMs);
    timer.unref();
    const pending: Pending = {
      server,
      state,
      verifier,
      redirectUri,
      client,
      profileId,
      form,
      timer,
      answered: false,
    };
    this.pending = pending;
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      void this.answer(pending, req, res);
    });

    const query = new URLSearchParams({
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: redirectUri,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state,
    });
    return {
      authorizeUrl: `${client.loginUrl}/services/oauth2/authorize?${query.toString()}`,
      redirectUri,
    };
  }

  /**
   * 'profiles.oauthCancel' ("Stop waiting"): closes the listener and tells the renderer. A code
   * exchange already under way is not saved. False when no sign-in was waiting.
   */
  stopWaiting(): boolean {
    const pending = this.pending;
    if (!pending) return false;
    this.options.log('connect-studio: OAuth sign-in stopped (the user stopped waiting).');
    this.finish(pending, {
      ok: false,
      profileId: pending.profileId ?? null,
      message: 'The browser sign-in was stopped. Start it again with "Sign in with Salesforce".',
    });
    return true;
  }

  /** Stops waiting (the studio is closing); no event: nobody is left to tell. */
  async close(): Promise<void> {
    this.cancel('the studio closed');
  }

  private resolveProfile(params: OAuthStartParams): {
    client: Client;
    profileId: string | undefined;
    form: ProfileInput | undefined;
  } {
    const notOAuth = (name: string): never => {
      throw new ApiError(
        'BAD_PARAMS',
        `Profile "${name}" does not sign in with "OAuth in the browser". Choose that sign-in ` +
          'method (with a client id) first.',
      );
    };
    const saved = params.id ? this.options.profiles.get(params.id) : undefined;
    const form = params.profile;
    if (form) {
      if (form.kind !== 'salesforce' || form.auth.method !== 'oauth') return notOAuth(form.name);
      const profileId = params.id ?? form.id;
      // Saved only once signed in: a name clash is told now, not after the browser round trip.
      const clash = this.options.profiles.find(form.name);
      if (clash && clash.name.toLowerCase() === form.name.toLowerCase() && clash.id !== profileId) {
        throw new ApiError(
          'CONFLICT',
          `A profile named "${form.name}" already exists. Choose another name, or edit that profile.`,
          { field: 'name', value: form.name },
        );
      }
      return {
        client: { loginUrl: form.auth.loginUrl, clientId: form.auth.clientId },
        profileId,
        form: profileId ? { ...form, id: profileId } : form,
      };
    }
    if (!saved) throw new ApiError('BAD_PARAMS', 'Give the profile to sign in (id or profile).');
    if (saved.kind !== 'salesforce' || saved.auth.method !== 'oauth') return notOAuth(saved.name);
    return {
      client: { loginUrl: saved.auth.loginUrl, clientId: saved.auth.clientId },
      profileId: saved.id,
      form: undefined,
    };
  }

  private cancel(reason: string): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    clearTimeout(pending.timer);
    closeServer(pending.server);
    this.options.log(`connect-studio: OAuth sign-in stopped (${reason}).`);
  }

  private async answer(pending: Pending, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', pending.redirectUri);
    if (req.method !== 'GET' || url.pathname !== OAUTH_CALLBACK_PATH) {
      sendPage(res, 404, 'Not found', 'This address only takes the sign-in answer.');
      return;
    }
    if (this.pending !== pending || pending.answered) {
      sendPage(
        res,
        409,
        'Sign-in already handled',
        'This sign-in was already answered or stopped. Start a new one from Connect Studio.',
      );
      return;
    }
    // A stray or forged request must not end (or hijack) the sign-in: only the state we sent.
    if (url.searchParams.get('state') !== pending.state) {
      sendPage(
        res,
        400,
        'Unknown sign-in',
        'This answer does not belong to the sign-in Connect Studio started (its state differs). ' +
          'Start the sign-in again from Connections.',
      );
      return;
    }
    pending.answered = true;
    // The browser is back: the time limit no longer applies, however long the exchange takes.
    clearTimeout(pending.timer);
    const outcome = await this.complete(pending, url.searchParams);
    // Told now, not when the page is sent: a browser that went away must not leave the studio
    // waiting. The listener's last connection ends once this page is out.
    res.once('close', () => pending.server.closeAllConnections());
    this.finish(pending, outcome);
    sendPage(
      res,
      outcome.ok ? 200 : 400,
      outcome.ok ? 'Signed in' : 'Sign-in failed',
      outcome.ok
        ? 'Signed in — you can close this tab and go back to Connect Studio.'
        : `${outcome.message} You can close this tab.`,
    );
  }

  /** Trades the code for tokens and saves them; what to tell the user either way. */
  private async complete(
    pending: Pending,
    query: URLSearchParams,
  ): Promise<{ ok: boolean; profileId: string | null; message: string }> {
    const failed = (message: string) => ({
      ok: false,
      profileId: pending.profileId ?? null,
      message,
    });
    const error = query.get('error');
    if (error) {
      const description = query.get('error_description');
      return failed(
        error === 'access_denied'
          ? 'The sign-in was denied in the browser.'
          : `Salesforce did not sign you in: ${description ?? error} (${error}).`,
      );
    }
    const code = query.get('code');
    if (!code) return failed('The browser came back without an authorization code.');

    const oauth2 = new OAuth2({
      loginUrl: pending.client.loginUrl,
      clientId: pending.client.clientId,
      redirectUri: pending.redirectUri,
    });
    let token: Awaited<ReturnType<OAuth2['requestToken']>>;
    try {
      token = await oauth2.requestToken(code, { code_verifier: pending.verifier });
    } catch (caught) {
      const name = caught instanceof Error ? caught.name : '';
      if (/^(invalid|unsupported|unauthorized)_/.test(name)) {
        return failed(
          `${pending.client.loginUrl} refused the sign-in code: ${(caught as Error).message} (${name}).`,
        );
      }
      const explained = explainSalesforceError(caught, pending.client.loginUrl);
      return failed(explained.hint ? `${explained.message} ${explained.hint}` : explained.message);
    }
    if (!token.refresh_token) {
      return failed(
        'Salesforce signed you in but sent no refresh token. Give the connected app the scope ' +
          '"Perform requests at any time (refresh_token, offline_access)" and sign in again.',
      );
    }
    const username = await this.usernameOf(token.instance_url, token.access_token, token.id);
    if (this.pending !== pending) {
      return failed('The sign-in was stopped before it finished; nothing was saved.');
    }
    let profile: ProfileSummary;
    try {
      const profileId = pending.form
        ? this.profileOfForm(pending.form, pending.client)
        : (pending.profileId as string);
      profile = this.options.profiles.completeOAuth(profileId, {
        refreshToken: token.refresh_token,
        instanceUrl: token.instance_url,
        username,
      });
    } catch (caught) {
      return failed(
        `Signed in, but the profile could not be saved: ${caught instanceof Error ? caught.message : String(caught)}`,
      );
    }
    this.options.events.emit('profiles.changed', { profiles: this.options.profiles.list() });
    return {
      ok: true,
      profileId: profile.id,
      message: `Signed in to ${token.instance_url}${username ? ` as ${username}` : ''}.`,
    };
  }

  /**
   * The saved profile an unsaved form's sign-in goes to. When the user pressed Save while the
   * browser was open, a profile of that name for the same login URL and client exists now: the
   * sign-in is kept there rather than lost to a name clash.
   */
  private profileOfForm(form: ProfileInput, client: Client): string {
    if (!form.id) {
      const saved = this.options.profiles.find(form.name);
      if (
        saved &&
        saved.name.toLowerCase() === form.name.toLowerCase() &&
        saved.kind === 'salesforce' &&
        saved.auth.method === 'oauth' &&
        saved.auth.loginUrl === client.loginUrl &&
        saved.auth.clientId === client.clientId
      ) {
        return saved.id;
      }
    }
    return this.options.profiles.save(form).id;
  }

  /** The signed-in user's name from the identity URL; null when it cannot be read. */
  private async usernameOf(
    instanceUrl: string,
    accessToken: string,
    identityUrl: string,
  ): Promise<string | null> {
    try {
      const conn = new Connection({ instanceUrl, accessToken, version: DEFAULT_API_VERSION });
      const identity = await conn.request<{ username?: unknown }>(identityUrl);
      return typeof identity.username === 'string' ? identity.username : null;
    } catch {
      return null;
    }
  }

  /**
   * Ends the sign-in once (later calls do nothing): the listener takes no new connections, open
   * ones are closed unless an answer is still being sent, and the renderer is told.
   */
  private finish(
    pending: Pending,
    outcome: { ok: boolean; profileId: string | null; message: string },
  ): void {
    if (this.pending !== pending) return;
    this.pending = undefined;
    clearTimeout(pending.timer);
    pending.server.close();
    if (!pending.answered) pending.server.closeAllConnections();
    this.options.events.emit('profiles.oauthFinished', outcome);
  }
}

function describeDuration(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) {
    const minutes = ms / 60_000;
    return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  }
  const seconds = Math.max(1, Math.round(ms / 1000));
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
}

function closeServer(server: Server): void {
  server.close();
  server.closeAllConnections();
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** The small page the browser shows after coming back. */
function sendPage(res: ServerResponse, status: number, title: string, text: string): void {
  const ok = status === 200;
  const body =
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    `<title>${escapeHtml(title)} · Connect Studio</title><style>` +
    ':root{color-scheme:light dark}body{font:16px/1.5 system-ui,sans-serif;display:grid;' +
    'place-items:center;min-height:100vh;margin:0}main{max-width:420px;padding:24px;' +
    'text-align:center}h1{font-size:22px;margin:0 0 8px}' +
    `h1{color:${ok ? '#2e844a' : '#ba0517'}}@media (prefers-color-scheme:dark){h1{color:` +
    `${ok ? '#6fcf97' : '#ff8a80'}}}` +
    `</style></head><body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>` +
    '</main></body></html>';
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    Connection: 'close',
  });
  res.end(body);
}
