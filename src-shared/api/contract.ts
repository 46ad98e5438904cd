import { z } from 'zod';
import {
  AppInfo,
  ConnectionTestResult,
  ProfileInput,
  ProfileSummary,
  Settings,
  Theme,
  ApiVersion,
} from './models';

interface MethodDef<P extends z.ZodType, R extends z.ZodType> {
  summary: string;
  params: P;
  result: R;
}

const method = <P extends z.ZodType, R extends z.ZodType>(def: MethodDef<P, R>) => def;

const noParams = z.object({}).strict().default({});
const profileId = z.string().min(1, 'id is required');

/**
 * The contract between the renderer (or any client) and the main process. Each method is
 * `namespace.verb`; handlers validate params with `params` and answer with `result`.
 */
export const apiContract = {
  'app.info': method({
    summary: 'What this studio is, which host serves it and where it keeps its data',
    params: noParams,
    result: AppInfo,
  }),
  'profiles.list': method({
    summary: 'Saved connection profiles, without their secrets',
    params: noParams,
    result: z.object({ profiles: z.array(ProfileSummary) }),
  }),
  'profiles.save': method({
    summary: 'Create a profile, or update one when `id` is given (omitted secrets are kept)',
    params: ProfileInput,
    result: ProfileSummary,
  }),
  'profiles.remove': method({
    summary: 'Delete a profile and its secrets',
    params: z.object({ id: profileId }).strict(),
    result: z.object({ removed: z.boolean() }),
  }),
  'profiles.test': method({
    summary:
      'Try a saved profile (`id`) or an unsaved form (`profile`, falling back to saved secrets)',
    params: z
      .object({ id: profileId.optional(), profile: ProfileInput.optional() })
      .strict()
      .refine((p) => p.id !== undefined || p.profile !== undefined, {
        message: 'give either id (a saved profile) or profile (an unsaved form)',
      }),
    result: ConnectionTestResult,
  }),
  'settings.get': method({
    summary: 'The studio settings',
    params: noParams,
    result: Settings,
  }),
  'settings.set': method({
    summary: 'Change some settings; returns all of them',
    params: z
      .object({
        theme: Theme,
        activeOrgProfileId: z.string().nullable(),
        activeDbProfileId: z.string().nullable(),
        defaultApiVersion: ApiVersion,
      })
      .partial()
      .strict(),
    result: Settings,
  }),
} as const;

export type ApiContract = typeof apiContract;
export type ApiMethod = keyof ApiContract;
/** What a caller may pass (defaults not yet applied). */
export type ApiParams<M extends ApiMethod> = z.input<ApiContract[M]['params']>;
/** What a handler receives (validated, defaults applied). */
export type ApiParsedParams<M extends ApiMethod> = z.output<ApiContract[M]['params']>;
export type ApiResult<M extends ApiMethod> = z.output<ApiContract[M]['result']>;

export const apiMethodNames = Object.keys(apiContract) as ApiMethod[];

export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(apiContract, name);
}
