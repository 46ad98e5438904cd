// Shared by the explore-*.test.ts files: a studio with the local org as its active org (a token
// profile), calls through its router that fail loudly, the org's API-call counter, and events.
import type { LocalOrg } from '../../src-main/local-org';
import { createStudio, type Studio } from '../../src-main/studio';
import type {
  ApiErrorBody,
  ApiEventName,
  ApiEventPayload,
  ApiMethod,
  ApiParams,
  ApiResult,
} from '../../src-shared/api';
import { adminCall } from '../support/local-org';
import { tempDir } from '../support/temp';

export interface ExploreStudio {
  studio: Studio;
  /** Calls a method; throws with the error body when it fails. */
  call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>>;
  /** Calls a method that must fail; answers the error body. */
  fail<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiErrorBody>;
  /** Every event the studio emitted so far, oldest first. */
  events: { event: ApiEventName; payload: unknown }[];
  /** Resolves with the first event of that name (emitted from now on) that matches. */
  nextEvent<E extends ApiEventName>(
    name: E,
    match?: (payload: ApiEventPayload<E>) => boolean,
    timeoutMs?: number,
  ): Promise<ApiEventPayload<E>>;
  close(): Promise<void>;
}

export function openExploreStudio(): ExploreStudio {
  const studio = createStudio({ userDataDir: tempDir('connect-studio-explore-'), host: 'cli' });
  const events: ExploreStudio['events'] = [];
  studio.events.subscribe((e) => events.push({ event: e.event, payload: e.payload }));
  const call = async <M extends ApiMethod>(method: M, params: ApiParams<M>) => {
    const outcome = await studio.router.call(method, params);
    if (!outcome.ok) {
      throw new Error(`${method} failed: ${outcome.error.code}: ${outcome.error.message}`);
    }
    return outcome.result as ApiResult<M>;
  };
  const fail = async <M extends ApiMethod>(method: M, params: ApiParams<M>) => {
    const outcome = await studio.router.call(method, params);
    if (outcome.ok) throw new Error(`${method} was expected to fail but answered`);
    return outcome.error;
  };
  const nextEvent: ExploreStudio['nextEvent'] = (name, match, timeoutMs = 10_000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`no ${name} event within ${timeoutMs} ms`));
      }, timeoutMs);
      const stop = studio.events.subscribe((e) => {
        if (e.event !== name) return;
        const payload = e.payload as ApiEventPayload<typeof name>;
        if (match && !match(payload)) return;
        clearTimeout(timer);
        stop();
        resolve(payload);
      });
    });
  return { studio, call, fail, events, nextEvent, close: () => studio.close() };
}

/** Saves the org as a token profile and makes it the active org; answers the profile id. */
export async function useOrg(explore: ExploreStudio, org: LocalOrg, name = 'Local org') {
  const profile = await explore.call('profiles.save', {
    kind: 'salesforce',
    name,
    auth: { method: 'token', instanceUrl: org.instanceUrl, accessToken: org.accessToken },
  });
  await explore.call('settings.set', { activeOrgProfileId: profile.id });
  return profile.id;
}

/** Saves a Postgres URL profile (with the sync schema) and makes it the active database. */
export async function useDatabase(explore: ExploreStudio, url: string, schema: string) {
  const profile = await explore.call('profiles.save', {
    kind: 'postgres',
    name: `Database ${schema}`,
    schema,
    connection: { method: 'url', url },
  });
  await explore.call('settings.set', { activeDbProfileId: profile.id });
  return profile.id;
}

/** API requests the org has counted today (its DailyApiRequests figure). */
export async function orgCalls(org: LocalOrg): Promise<number> {
  const { status, json } = await adminCall(org, 'GET', 'daily-limit');
  if (status !== 200) throw new Error(`the org's admin endpoint answered ${status}`);
  return (json as { used: number }).used;
}
