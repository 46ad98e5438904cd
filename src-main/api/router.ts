import {
  ApiError,
  apiContract,
  isApiMethod,
  parseOrThrow,
  type ApiErrorBody,
  type ApiMethod,
  type ApiParsedParams,
  type ApiResult,
} from '../../src-shared/api';

export type ApiHandler<M extends ApiMethod> = (
  params: ApiParsedParams<M>,
) => ApiResult<M> | Promise<ApiResult<M>>;

export type ApiHandlers = { [M in ApiMethod]: ApiHandler<M> };

/** The handlers of one namespace, e.g. `HandlersOf<'profiles'>`. */
export type HandlersOf<N extends string> = {
  [M in ApiMethod as M extends `${N}.${string}` ? M : never]: ApiHandler<M>;
};

export type CallOutcome = { ok: true; result: unknown } | { ok: false; error: ApiErrorBody };

export interface ApiRouter {
  /** Validates, runs and answers one call; never throws, never leaks a stack. */
  call(method: string, params: unknown): Promise<CallOutcome>;
}

export interface RouterOptions {
  /** Where unexpected failures are reported in full (the user sees only a short message). */
  onInternalError?: (method: string, error: unknown) => void;
}

export function createApiRouter(handlers: ApiHandlers, options: RouterOptions = {}): ApiRouter {
  return {
    async call(method, rawParams) {
      try {
        if (!isApiMethod(method)) {
          throw new ApiError(
            'UNKNOWN_METHOD',
            `There is no method "${method}". Known methods: ${Object.keys(apiContract).join(', ')}.`,
          );
        }
        const def = apiContract[method];
        const params = parseOrThrow(def.params, rawParams ?? {}, method);
        const handler = handlers[method] as (p: unknown) => unknown;
        const result = await handler(params);
        // The result schema is part of the contract: a handler that breaks it is our bug.
        const checked = def.result.safeParse(result);
        if (!checked.success) {
          throw new Error(`${method} answered outside its contract: ${checked.error.message}`);
        }
        return { ok: true, result: checked.data };
      } catch (error) {
        if (error instanceof ApiError) return { ok: false, error: error.toJSON() };
        options.onInternalError?.(method, error);
        const reason = error instanceof Error ? error.message : String(error);
        return {
          ok: false,
          error: { code: 'INTERNAL', message: `${method} failed unexpectedly: ${reason}` },
        };
      }
    },
  };
}
