// The reader part of the engine (Salesforce -> Postgres) for any mapping: initial loads, polls
// and reloads. It keeps nothing in memory between calls; its state is the bookkeeping table.

import { withEngineSession } from '../../postgres';
import { ensureBookkeeping, updateBookkeeping } from '../bookkeeping';
import type { MappingContext } from '../context';
import type { MappingReader, SyncPartContext } from '../types';
import { hstoreSchemaOf } from './apply';
import { runInitialLoad } from './load';
import { runPoll } from './poll';

export function createMappingReader(part: SyncPartContext): MappingReader {
  let hstoreSchema: Promise<string> | undefined;
  const hstore = (): Promise<string> => {
    hstoreSchema ??= hstoreSchemaOf(part.pool).catch((error: unknown) => {
      hstoreSchema = undefined;
      throw error;
    });
    return hstoreSchema;
  };
  const ready = new Map<string, Promise<void>>();
  const bookkeeping = (schemaName: string): Promise<void> => {
    let done = ready.get(schemaName);
    if (!done) {
      done = ensureBookkeeping(part.pool, schemaName).catch((error: unknown) => {
        ready.delete(schemaName);
        throw error;
      });
      ready.set(schemaName, done);
    }
    return done;
  };

  return {
    async ensureLoaded(mapping, signal) {
      await bookkeeping(mapping.schemaName);
      return runInitialLoad(part, mapping, signal, { hstoreSchema: hstore });
    },
    async poll(mapping, signal) {
      await bookkeeping(mapping.schemaName);
      return runPoll(part, mapping, signal, { hstoreSchema: hstore });
    },
    async reload(mapping) {
      await bookkeeping(mapping.schemaName);
      await reloadMapping(part, mapping);
    },
  };
}

/**
 * Empties the table of what came from Salesforce, in the engine session (DELETE, not
 * TRUNCATE: the id sequence goes on and row locks are respected; neither is logged there), and
 * forgets the load, so the next ensureLoaded loads it again. Rows without an sfid are an
 * application's inserts that have not reached Salesforce yet: they stay, and so do their
 * trigger-log rows, so a reload never loses a change.
 */
async function reloadMapping(part: SyncPartContext, mapping: MappingContext): Promise<void> {
  await withEngineSession(part.pool, async (client) => {
    await client.query('BEGIN');
    try {
      await client.query(`DELETE FROM ${mapping.qualifiedTable} WHERE sfid IS NOT NULL`);
      await updateBookkeeping(client, mapping.schemaName, mapping.objectName, {
        phase: 'waiting',
        loadedAt: null,
        load: null,
        highWaterMark: null,
        lastPollAt: null,
        error: null,
      });
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  });
}
