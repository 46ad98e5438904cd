import { z } from 'zod';
import { ProfileSummary, Settings } from './models';
import { SyncLogEntry, SyncStatus } from './models-sync';

/** Events the main process pushes to every connected renderer. */
export const apiEvents = {
  'profiles.changed': z.object({ profiles: z.array(ProfileSummary) }),
  'settings.changed': Settings,
  'profiles.oauthFinished': z.object({
    ok: z.boolean(),
    profileId: z.string().nullable(),
    message: z.string(),
  }),
  /** The active org's object list was refreshed; call schema.objects again. */
  'schema.objectsUpdated': z.object({ count: z.number() }),
  /** A cached describe changed; call schema.describe again. */
  'schema.describeUpdated': z.object({ object: z.string() }),
  /** The applied mappings of the active database changed; call mappings.state again. */
  'mappings.changed': z.object({ schemaName: z.string() }),
  /** The engine's status changed (at most about four times a second while it loads). */
  'sync.status': SyncStatus,
  /** New lines of the engine's event log, oldest first. */
  'sync.log': z.object({ entries: z.array(SyncLogEntry) }),
  /**
   * Trigger-log rows were captured, written, retried, ignored or archived (batched, at most
   * about four times a second): a client showing the log reads its rows again.
   */
  'triggerLog.changed': z.object({
    schemaName: z.string(),
    reason: z.enum(['captured', 'written', 'retried', 'ignored', 'archived']),
  }),
  'app.notice': z.object({
    level: z.enum(['info', 'warning', 'error']),
    message: z.string(),
  }),
} as const;

export type ApiEventName = keyof typeof apiEvents;
export type ApiEventPayload<E extends ApiEventName> = z.output<(typeof apiEvents)[E]>;

export type ApiEventEnvelope = {
  [E in ApiEventName]: { event: E; payload: ApiEventPayload<E> };
}[ApiEventName];

export function isApiEventName(name: unknown): name is ApiEventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(apiEvents, name);
}
