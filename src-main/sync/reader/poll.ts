// One read poll of a mapping: the records changed (or deleted) since the high-water mark minus
// an overlap window, applied through a staging table in one engine-session transaction together
// with the new high-water mark. Reference §4.2 (SystemModstamp polling), §4.5 (deletes), §3.5
// (matching by sfid, then the unique identifier).

import { withEngineSession } from '../../postgres';
import { readMappingBookkeeping, updateBookkeeping } from '../bookkeeping';
import type { MappingContext } from '../context';
import type { SyncPartContext } from '../types';
import { applyStaging, copyIntoStaging, createStaging } from './apply';
import { bulkPages, prefetch, restPages, type SourcePage } from './pages';
import { encodeBulkPage, encodeRestPage, pollCountSoql, pollSoql, readShapeOf } from './shape';

export interface PollOutcome {
  upserted: number;
  deleted: number;
  conflicts: number;
}

export class MappingNotLoadedError extends Error {
  override readonly name = 'MappingNotLoadedError';
}

export async function runPoll(
  part: SyncPartContext,
  mapping: MappingContext,
  signal: AbortSignal,
  options: { hstoreSchema: () => Promise<string> },
): Promise<PollOutcome> {
  const { salesforce, settings, emit } = part;
  const schemaName = mapping.schemaName;
  const objectName = mapping.objectName;
  const shape = readShapeOf(mapping);
  const nothing: PollOutcome = { upserted: 0, deleted: 0, conflicts: 0 };

  return withEngineSession(part.pool, async (client) => {
    const known = await readMappingBookkeeping(client, schemaName, objectName);
    if (!known?.loadedAt) {
      throw new MappingNotLoadedError(
        `${objectName} cannot be polled before its initial load has finished; load it first.`,
      );
    }
    if (signal.aborted) return nothing;
    const mark = known.highWaterMark ?? known.loadedAt;
    // Reference §4.2 asks for SystemModstamp > mark; we ask from (mark - overlap) so a change
    // committed late with an earlier stamp is not missed, and skip what we already have.
    const since = new Date(mark.getTime() - settings.pollOverlapMs);
    // queryAll brings deleted records (IsDeleted = true); objects without IsDeleted have none.
    const all = mapping.hasIsDeleted;
    const total = await salesforce.count(pollCountSoql(shape, since), { all });
    const api: 'rest' | 'bulk' = total > settings.bulkReadThreshold ? 'bulk' : 'rest';
    const soql = pollSoql(shape, since);
    const source: AsyncIterable<SourcePage> =
      api === 'rest'
        ? restPages(salesforce, soql, all)
        : bulkPages(
            salesforce,
            { jobId: null, locator: null, lastId: null },
            // A lost job is read again from the start: the duplicates are removed below.
            () => soql,
            { all, pageSize: settings.bulkPageSize, signal },
          );
    const hstoreSchema = await options.hstoreSchema();

    await client.query('BEGIN');
    let outcome;
    let greatestMs = mark.getTime();
    try {
      await createStaging(client, mapping, shape);
      const seen = new Set<string>();
      let duplicates = false;
      for await (const item of prefetch(source)) {
        if (signal.aborted) break;
        if (item.kind === 'job') {
          // A replacement job (the first was lost) starts over: what it repeats is deduplicated.
          if (seen.size > 0) duplicates = true;
          continue;
        }
        const encoded =
          item.kind === 'rest'
            ? encodeRestPage(shape, item.records, 'staging')
            : encodeBulkPage(shape, item.page, 'staging');
        await copyIntoStaging(client, shape, encoded.text);
        for (const id of encoded.ids) {
          if (seen.has(id)) duplicates = true;
          else seen.add(id);
        }
        if (encoded.maxStampMs !== null && encoded.maxStampMs > greatestMs) {
          greatestMs = encoded.maxStampMs;
        }
      }
      if (signal.aborted) {
        await client.query('ROLLBACK');
        return nothing;
      }
      outcome = await applyStaging(client, mapping, shape, { hstoreSchema, dedupe: duplicates });
      await updateBookkeeping(client, schemaName, objectName, {
        highWaterMark: new Date(greatestMs),
        lastPollAt: settings.now(),
      });
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }

    for (const conflict of outcome.conflicts) {
      emit({ type: 'conflict', objectName, ...conflict });
    }
    const result: PollOutcome = {
      upserted: outcome.updated + outcome.inserted,
      deleted: outcome.deleted,
      conflicts: outcome.conflicts.length,
    };
    emit({ type: 'poll.done', objectName, ...result, api });
    return result;
  });
}
