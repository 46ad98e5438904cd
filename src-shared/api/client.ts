import type { ApiMethod, ApiParams, ApiResult } from './contract';
import { apiMethodNames } from './contract';
import type { ApiEventEnvelope, ApiEventName, ApiEventPayload } from './events';

/** How a client reaches the main process: IPC in Electron, HTTP + WebSocket in a browser. */
export interface ApiTransport {
  /** Resolves with the result, or rejects with an ApiError. */
  call(method: ApiMethod, params: unknown): Promise<unknown>;
  subscribe(listener: (envelope: ApiEventEnvelope) => void): () => void;
}

type Namespace<M> = M extends `${infer N}.${string}` ? N : never;
type ParamsArg<M extends ApiMethod> =
  Record<string, never> extends ApiParams<M> ? [params?: ApiParams<M>] : [params: ApiParams<M>];

export type ApiClient = {
  [N in Namespace<ApiMethod>]: {
    [M in ApiMethod as M extends `${N}.${infer Verb}` ? Verb : never]: (
      ...args: ParamsArg<M>
    ) => Promise<ApiResult<M>>;
  };
} & {
  call<M extends ApiMethod>(method: M, ...args: ParamsArg<M>): Promise<ApiResult<M>>;
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEventPayload<E>) => void): () => void;
};

/** A typed `api.<namespace>.<verb>(params)` over any transport. */
export function createApiClient(transport: ApiTransport): ApiClient {
  const call = (method: ApiMethod, params?: unknown) => transport.call(method, params ?? {});
  const client: Record<string, unknown> = {
    call,
    on(event: ApiEventName, listener: (payload: unknown) => void) {
      return transport.subscribe((envelope) => {
        if (envelope.event === event) listener(envelope.payload);
      });
    },
  };
  for (const name of apiMethodNames) {
    const [ns, verb] = name.split('.') as [string, string];
    const group = (client[ns] ??= {}) as Record<string, unknown>;
    group[verb] = (params?: unknown) => call(name, params);
  }
  return client as ApiClient;
}
