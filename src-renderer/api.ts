import {
  ApiError,
  createApiClient,
  type ApiClient,
  type ApiEventEnvelope,
  type ApiMethod,
  type ApiTransport,
  type HostKind,
} from '../src-shared/api';

/** What the Electron preload puts on window (see src-main/preload.ts). */
interface PreloadBridge {
  host: 'electron';
  call(method: string, params: unknown): Promise<unknown>;
  subscribe(listener: (envelope: ApiEventEnvelope) => void): () => void;
}

declare global {
  interface Window {
    connectStudio?: PreloadBridge;
  }
}

export type LinkState = 'connecting' | 'live' | 'reconnecting';

/** In Electron: IPC through the preload bridge. */
function ipcTransport(bridge: PreloadBridge): ApiTransport {
  return {
    async call(method, params) {
      try {
        return await bridge.call(method, params);
      } catch (error) {
        throw toApiError(error);
      }
    },
    subscribe: (listener) => bridge.subscribe(listener),
  };
}

function toApiError(error: unknown): ApiError {
  if (ApiError.isBody(error)) return ApiError.from(error);
  const message = error instanceof Error ? error.message : String(error);
  // Electron prefixes the rejected message; the body is the JSON at its end.
  const json = message.slice(message.indexOf('{'));
  try {
    const body: unknown = JSON.parse(json);
    if (ApiError.isBody(body)) return ApiError.from(body);
  } catch {
    // not an ApiError body
  }
  return new ApiError('INTERNAL', message);
}

/** The token comes in the opening URL; keep it for this tab and take it out of the address bar. */
function takeToken(): string {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem('connect-studio-token', fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return sessionStorage.getItem('connect-studio-token') ?? '';
}

/** In a browser: HTTP for calls, one WebSocket for events, reconnecting with back-off. */
function webTransport(onLink: (state: LinkState) => void): ApiTransport {
  const token = takeToken();
  const listeners = new Set<(envelope: ApiEventEnvelope) => void>();
  let retry = 0;

  const connect = () => {
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(
      `${scheme}://${window.location.host}/events?token=${encodeURIComponent(token)}`,
    );
    socket.onopen = () => {
      retry = 0;
      onLink('live');
    };
    socket.onmessage = (message) => {
      const envelope = JSON.parse(String(message.data)) as ApiEventEnvelope;
      for (const listener of listeners) listener(envelope);
    };
    socket.onclose = () => {
      onLink('reconnecting');
      retry = Math.min(retry + 1, 6);
      setTimeout(connect, 250 * 2 ** retry);
    };
  };
  connect();

  return {
    async call(method: ApiMethod, params: unknown) {
      let response: Response;
      try {
        response = await fetch(`/api/${method}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
          body: JSON.stringify(params ?? {}),
        });
      } catch {
        throw new ApiError(
          'UNAVAILABLE',
          'The studio is not answering. Was `connect-studio start` stopped? Start it again and reload.',
        );
      }
      const body: unknown = await response.json().catch(() => null);
      if (response.ok) return body;
      const error = (body as { error?: unknown } | null)?.error;
      if (ApiError.isBody(error)) throw ApiError.from(error);
      throw new ApiError('INTERNAL', `${method} answered HTTP ${response.status}`);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

type LinkListener = (state: LinkState) => void;
const linkListeners = new Set<LinkListener>();
let linkState: LinkState = window.connectStudio ? 'live' : 'connecting';

export const host: HostKind = window.connectStudio ? 'electron' : 'web';

export const api: ApiClient = createApiClient(
  window.connectStudio
    ? ipcTransport(window.connectStudio)
    : webTransport((state) => {
        linkState = state;
        for (const listener of linkListeners) listener(state);
      }),
);

export function onLinkState(listener: LinkListener): () => void {
  linkListeners.add(listener);
  listener(linkState);
  return () => linkListeners.delete(listener);
}
