// How the triggers tell the sync engine's writes from an application's (reference §1.6): they
// log only when public.get_xmlbinary() returns 'base64', the server default. The engine sets
// 'hex' on its own connections, so its writes are not logged and mark rows SYNCED.

import { quoteIdentifier } from './sql';

/** The xmlbinary value of an application session (Postgres' default). */
export const APPLICATION_XMLBINARY = 'base64';
/** The xmlbinary value the sync engine's sessions use. Heroku Connect's own value is UNCONFIRMED; 'hex' is the only other legal one. */
export const ENGINE_XMLBINARY = 'hex';

/** Run once on a connection to make it an engine session (not logged, rows become SYNCED). */
export const ENGINE_SESSION_SQL = `SET xmlbinary = '${ENGINE_XMLBINARY}'`;
/** The same for one transaction only (inside BEGIN ... COMMIT). */
export const ENGINE_TRANSACTION_SQL = `SET LOCAL xmlbinary = '${ENGINE_XMLBINARY}'`;
/** Back to an application session. */
export const APPLICATION_SESSION_SQL = `SET xmlbinary = '${APPLICATION_XMLBINARY}'`;

/** The NOTIFY channel of a schema's trigger log: `salesforce.hc_trigger_log`. */
export function triggerLogChannel(schemaName: string): string {
  return `${schemaName}.hc_trigger_log`;
}

/** `LISTEN "salesforce.hc_trigger_log"` (the dot needs the quotes). */
export function listenTriggerLogSql(schemaName: string): string {
  return `LISTEN ${quoteIdentifier(triggerLogChannel(schemaName))}`;
}

/** Every state a trigger-log row can be in, as Heroku Connect writes them (reference §2.1). */
export const TRIGGER_LOG_STATES = [
  'NEW',
  'PENDING',
  'SUCCESS',
  'FAILED',
  'MERGED',
  'IGNORE',
  'IGNORED',
  'READONLY',
  'REQUEUE',
  'REQUEUED',
] as const;
export type TriggerLogState = (typeof TRIGGER_LOG_STATES)[number];

/** What a trigger-log row records. */
export const TRIGGER_LOG_ACTIONS = ['INSERT', 'UPDATE', 'DELETE'] as const;
export type TriggerLogAction = (typeof TRIGGER_LOG_ACTIONS)[number];
