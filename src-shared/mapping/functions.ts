// Bodies of the trigger and helper functions Heroku Connect installs (reference §1.5, §2.5),
// written as our own plpgsql from the reference's pseudocode. Bodies never depend on a table's
// columns, so adding or removing a field never rewrites them. hstore functions are called
// schema-qualified so the triggers work whatever the writing session's search_path is.

import { quoteIdentifier, quoteLiteral, qualifiedName } from './sql';
import { triggerLogChannel } from './session';

export interface FunctionContext {
  schemaName: string;
  /** Schema holding the hstore extension (public unless it was installed elsewhere). */
  hstoreSchema: string;
}

const EXCLUDED = `ARRAY['_hc_lastop', '_hc_err']`;

function hs(ctx: FunctionContext, fn: string): string {
  return `${quoteIdentifier(ctx.hstoreSchema)}.${fn}`;
}

function triggerLog(ctx: FunctionContext): string {
  return qualifiedName(ctx.schemaName, '_trigger_log');
}

/** public.get_xmlbinary(): the session's xmlbinary; 'base64' unless the engine changed it. */
export function getXmlbinaryBody(): string {
  // current_setting reads the one value; the pg_settings view would build every setting per row.
  return `
  -- Connect Studio: the session's xmlbinary setting. Application sessions keep the default
  -- 'base64'; the sync engine sets 'hex', and the triggers use that to skip its writes.
  SELECT current_setting('xmlbinary')::varchar
`;
}

/**
 * hc_<t>_logger(): AFTER INSERT/UPDATE/DELETE, only in application sessions (the trigger's WHEN).
 * Read-write tables log NEW (or IGNORE when there is nothing to send); read-only ones READONLY.
 */
export function loggerBody(ctx: FunctionContext, readWrite: boolean): string {
  const hstoreType = hs(ctx, 'hstore');
  const toHstore = (row: string) => `${hs(ctx, 'hstore')}(${row})`;
  const minus = (a: string, b: string) => `${hs(ctx, 'delete')}(${a}, ${b})`;
  const ignoreDelete = readWrite
    ? `
    IF OLD.sfid IS NULL THEN
      -- The row never reached Salesforce, so there is nothing to delete there.
      log_state := 'IGNORE';
    END IF;`
    : '';
  const ignoreUpdate = readWrite
    ? `
      IF new_row::text = '' THEN
        -- Only the status columns changed: nothing to send.
        log_state := 'IGNORE';
      END IF;`
    : '';
  return `
-- Connect Studio log trigger (Heroku Connect layout, VERSION 4, ${readWrite ? 'read-write' : 'read-only'}).
-- Records an application's change to this table in _trigger_log for the sync engine.
DECLARE
  status_columns CONSTANT text[] := ${EXCLUDED};
  log_state varchar(8) := '${readWrite ? 'NEW' : 'READONLY'}';
  log_record integer;
  log_sfid varchar(18);
  old_row ${hstoreType};
  new_row ${hstoreType};
BEGIN
  IF TG_OP = 'DELETE' THEN
    log_record := OLD.id;
    log_sfid := OLD.sfid;
    old_row := ${minus(toHstore('OLD'), 'status_columns')};${ignoreDelete}
  ELSE
    log_record := NEW.id;
    new_row := ${minus(toHstore('NEW'), 'status_columns')};
    IF TG_OP = 'UPDATE' THEN
      log_sfid := OLD.sfid;
      old_row := ${minus(toHstore('OLD'), 'status_columns')};
      -- An UPDATE sends only the columns whose values changed.
      new_row := ${minus('new_row', 'old_row')};${ignoreUpdate}
    END IF;
  END IF;
  INSERT INTO ${triggerLog(ctx)}
    (txid, created_at, state, action, table_name, record_id, sfid, old, "values")
  VALUES
    (txid_current(), clock_timestamp(), log_state, TG_OP, TG_TABLE_NAME, log_record, log_sfid,
     old_row::text, new_row::text);
  RETURN NULL;
END;
`;
}

/**
 * hc_<t>_status(): BEFORE INSERT/UPDATE. Application writes mark the row PENDING (and turn
 * empty strings they wrote into NULL); engine writes mark it SYNCED unless the engine set
 * _hc_lastop itself (a failure it records, for instance).
 */
export function statusBody(ctx: FunctionContext): string {
  return `
-- Connect Studio status trigger (Heroku Connect layout).
DECLARE
  written ${hs(ctx, 'hstore')};
  emptied ${hs(ctx, 'hstore')};
BEGIN
  IF public.get_xmlbinary() = 'base64' THEN
    -- An application session. Empty strings become NULL, as Heroku Connect stores them; on an
    -- UPDATE only in the columns whose values this statement changed.
    written := ${hs(ctx, 'hstore')}(NEW);
    IF '' = ANY (${hs(ctx, 'avals')}(written)) THEN
      IF TG_OP = 'UPDATE' THEN
        written := ${hs(ctx, 'delete')}(written, ${hs(ctx, 'hstore')}(OLD));
      END IF;
      SELECT ${hs(ctx, 'hstore')}(array_agg(pair.key), array_agg(NULL::text))
        INTO emptied
        FROM ${hs(ctx, 'each')}(written) AS pair
       WHERE pair.value = '';
      IF emptied IS NOT NULL THEN
        NEW := ${hs(ctx, 'populate_record')}(NEW, emptied);
      END IF;
    END IF;
    NEW._hc_lastop := 'PENDING';
    NEW._hc_err := NULL;
  ELSE
    -- The sync engine's session.
    IF TG_OP = 'UPDATE' AND NEW._hc_lastop IS NOT NULL
       AND NEW._hc_lastop IS DISTINCT FROM OLD._hc_lastop THEN
      -- The engine set the outcome itself: keep it and its _hc_err.
      RETURN NEW;
    END IF;
    NEW._hc_lastop := 'SYNCED';
    NEW._hc_err := NULL;
  END IF;
  RETURN NEW;
END;
`;
}

/** tlog_notify_trigger(): one NOTIFY '<schema>.hc_trigger_log', 'ping' per logged change. */
export function notifyBody(ctx: FunctionContext): string {
  return `
-- Connect Studio (Heroku Connect layout, VERSION 1): wakes the sync engine for each logged change.
BEGIN
  PERFORM pg_notify(${quoteLiteral(triggerLogChannel(ctx.schemaName))}, 'ping');
  RETURN NEW;
END;
`;
}

/**
 * hc_capture_insert_from_row(source_row, table_name, excluded_cols): logs a row again as a NEW
 * INSERT (the retry route under ordered writes). id and sfid can never be excluded.
 */
export function captureInsertBody(ctx: FunctionContext): string {
  return `
-- Connect Studio (Heroku Connect layout, VERSION 1): re-captures a row as a NEW INSERT.
-- Returns the new _trigger_log id, or NULL when the row has no id.
DECLARE
  dropped text[];
  log_id integer;
BEGIN
  IF NOT ${hs(ctx, 'exist')}(source_row, 'id') THEN
    RETURN NULL;
  END IF;
  dropped := array_remove(array_remove(coalesce(excluded_cols, '{}'::text[]), 'id'), 'sfid')
             || ${EXCLUDED};
  INSERT INTO ${triggerLog(ctx)}
    (action, table_name, txid, created_at, state, record_id, "values")
  VALUES
    ('INSERT', hc_capture_insert_from_row.table_name, txid_current(), clock_timestamp(), 'NEW',
     ${hs(ctx, 'fetchval')}(source_row, 'id')::integer,
     ${hs(ctx, 'delete')}(source_row, dropped)::text)
  RETURNING id INTO log_id;
  RETURN log_id;
END;
`;
}

/**
 * hc_capture_update_from_row(source_row, table_name, columns_to_include): logs a NEW UPDATE of
 * the given columns (all when the list is empty), with the row's sfid and no old values.
 */
export function captureUpdateBody(ctx: FunctionContext): string {
  return `
-- Connect Studio (Heroku Connect layout, VERSION 1): re-captures a row as a NEW UPDATE.
-- Returns the new _trigger_log id, or NULL when the row has no id.
DECLARE
  kept ${hs(ctx, 'hstore')} := source_row;
  log_id integer;
BEGIN
  IF NOT ${hs(ctx, 'exist')}(source_row, 'id') THEN
    RETURN NULL;
  END IF;
  IF cardinality(columns_to_include) > 0 THEN
    kept := ${hs(ctx, 'slice')}(source_row, columns_to_include);
  END IF;
  kept := ${hs(ctx, 'delete')}(kept, ${EXCLUDED});
  INSERT INTO ${triggerLog(ctx)}
    (action, table_name, txid, created_at, state, record_id, sfid, "values", old)
  VALUES
    ('UPDATE', hc_capture_update_from_row.table_name, txid_current(), clock_timestamp(), 'NEW',
     ${hs(ctx, 'fetchval')}(source_row, 'id')::integer,
     ${hs(ctx, 'fetchval')}(source_row, 'sfid'), kept::text, NULL)
  RETURNING id INTO log_id;
  RETURN log_id;
END;
`;
}
