// The initial load of a mapping (and its resumption after a crash). Each page of records is one
// transaction together with the bookkeeping that says how far the load got, so a crash anywhere
// resumes exactly after the last committed page and no record is loaded twice.

import type pg from 'pg';
import { withEngineSession } from '../../postgres';
import {
  readMappingBookkeeping,
  updateBookkeeping,
  type LoadBookkeeping,
  type MappingBookkeeping,
} from '../bookkeeping';
import type { MappingContext } from '../context';
import type { BulkQueryPage, SyncPartContext } from '../types';
import {
  applyStaging,
  copyIntoStaging,
  copyIntoTable,
  createStaging,
  type TriggerSkip,
} from './apply';
import { bulkPages, prefetch, restPages, type SourcePage } from './pages';
import { LoadProgressMeter } from './progress';
import {
  encodeBulkPage,
  encodeRestPage,
  loadCountSoql,
  loadSoql,
  readShapeOf,
  type CopyLayout,
  type EncodedPage,
  type ReadShape,
} from './shape';

/** Postgres' unique_violation. */
const UNIQUE_VIOLATION = '23505';

async function inTransaction<T>(client: pg.PoolClient, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

/**
 * Whether pages can be COPied straight into the table: not when it already holds records with
 * an sfid the load may bring again (a table filled by hand, an interrupted reload). On a resumed
 * load the rows up to `lastId` are this load's own and cannot collide.
 */
async function directCopyIsSafe(
  client: pg.PoolClient,
  mapping: MappingContext,
  lastId: string | null,
): Promise<boolean> {
  // Byte order (COLLATE "C") as the org sorts Ids. A wrong guess only costs speed: a page that
  // collides falls back to the staging path.
  const result = await client.query<{ taken: boolean }>(
    lastId === null
      ? `SELECT EXISTS (SELECT 1 FROM ${mapping.qualifiedTable} WHERE sfid IS NOT NULL) AS taken`
      : `SELECT EXISTS (SELECT 1 FROM ${mapping.qualifiedTable}
                         WHERE sfid IS NOT NULL AND sfid COLLATE "C" > $1) AS taken`,
    lastId === null ? [] : [lastId],
  );
  return !result.rows[0]?.taken;
}

/**
 * The Id of a Bulk page's last row. UNCONFIRMED: that Bulk 2.0 results follow the query's
 * ORDER BY Id in real orgs (the local org's do), we rely on it only when a lost job is replaced
 * by one that starts after this Id; a resumed job goes on from its locator instead.
 */
function bulkLastId(page: BulkQueryPage): string | null {
  const last = page.rows[page.rows.length - 1];
  if (!last) return null;
  return last.Id ?? Object.entries(last).find(([k]) => k.toLowerCase() === 'id')?.[1] ?? null;
}

/** A page from Salesforce with its COPY text for the layout in use when it arrived. */
interface PreparedPage {
  kind: 'prepared';
  source: SourcePage;
  layout: CopyLayout;
  encoded: EncodedPage;
  encode: (layout: CopyLayout) => EncodedPage;
}

export interface LoadOptions {
  hstoreSchema: () => Promise<string>;
}

/** Loads the mapping's table unless it has been loaded; resumes an interrupted load. */
export async function runInitialLoad(
  part: SyncPartContext,
  mapping: MappingContext,
  signal: AbortSignal,
  options: LoadOptions,
): Promise<{ loaded: number }> {
  const { salesforce, settings, emit } = part;
  const schemaName = mapping.schemaName;
  const objectName = mapping.objectName;
  const shape = readShapeOf(mapping);

  return withEngineSession(part.pool, async (client) => {
    const known: MappingBookkeeping | undefined = await readMappingBookkeeping(
      client,
      schemaName,
      objectName,
    );
    if (known?.loadedAt) return { loaded: 0 };
    if (signal.aborted) return { loaded: 0 };

    let load: LoadBookkeeping;
    // The greatest modification time loaded so far (kept in high_water_mark during the load).
    let maxStampMs: number | null = null;
    if (known?.load) {
      load = { ...known.load };
      maxStampMs = known.highWaterMark?.getTime() ?? null;
      await updateBookkeeping(client, schemaName, objectName, { phase: 'initial_load' });
    } else {
      const total = await salesforce.count(loadCountSoql(shape));
      load = {
        api: total > settings.bulkReadThreshold ? 'bulk' : 'rest',
        jobId: null,
        locator: null,
        lastId: null,
        done: 0,
        total,
        startedAt: settings.now(),
      };
      await updateBookkeeping(client, schemaName, objectName, {
        phase: 'initial_load',
        load,
        highWaterMark: null,
        error: null,
      });
    }

    let layout: CopyLayout = (await directCopyIsSafe(client, mapping, load.lastId))
      ? 'table'
      : 'staging';
    const meter = new LoadProgressMeter(
      emit,
      {
        objectName,
        table: mapping.table,
        phase: 'initial_load',
        paused: known?.paused ?? false,
        lastPollAt: null,
        nextPollAt: null,
        highWaterMark: null,
        error: null,
      },
      load.api,
      load.done,
    );
    meter.update(load.done, load.total, false);

    const startedAtMs = load.startedAt.getTime();
    const finalPatch = (greatestMs: number | null): Partial<MappingBookkeeping> => ({
      load: null,
      loadedAt: settings.now(),
      // Never later than the load's start: a record changed during the load may have been read
      // before its change, and the first poll must bring it again.
      highWaterMark: new Date(
        greatestMs === null ? startedAtMs : Math.min(greatestMs, startedAtMs),
      ),
      phase: 'synced',
      error: null,
    });

    const skip: TriggerSkip = { allowed: true };

    /** Writes one page and the load's new position in one transaction. */
    const commitPage = async (
      page: PreparedPage,
      position: Pick<LoadBookkeeping, 'jobId' | 'locator'>,
      isLast: boolean,
    ): Promise<number> => {
      const attempt = async (chosen: CopyLayout): Promise<number> => {
        const encoded = page.layout === chosen ? page.encoded : page.encode(chosen);
        const pageMax = encoded.maxStampMs;
        const nextMax =
          pageMax === null
            ? maxStampMs
            : maxStampMs === null
              ? pageMax
              : Math.max(maxStampMs, pageMax);
        const next: LoadBookkeeping = {
          ...load,
          ...position,
          lastId: encoded.lastId ?? load.lastId,
          done: load.done + encoded.rows,
        };
        await inTransaction(client, async () => {
          if (chosen === 'table') {
            await copyIntoTable(client, mapping, shape, encoded.text, skip);
          } else if (encoded.rows > 0) {
            await createStaging(client, mapping, shape);
            await copyIntoStaging(client, shape, encoded.text);
            const outcome = await applyStaging(client, mapping, shape, {
              hstoreSchema: await options.hstoreSchema(),
              dedupe: false,
            });
            for (const conflict of outcome.conflicts) {
              emit({ type: 'conflict', objectName, ...conflict });
            }
          }
          await updateBookkeeping(
            client,
            schemaName,
            objectName,
            isLast
              ? finalPatch(nextMax)
              : { load: next, highWaterMark: nextMax === null ? null : new Date(nextMax) },
          );
        });
        maxStampMs = nextMax;
        load = next;
        return encoded.rows;
      };
      try {
        return await attempt(layout);
      } catch (error) {
        // A record already in the table (by sfid or by the unique identifier): this page and
        // the rest of the load go through the staging path, which matches instead of failing.
        if (layout === 'table' && (error as { code?: unknown }).code === UNIQUE_VIOLATION) {
          layout = 'staging';
          return attempt(layout);
        }
        throw error;
      }
    };

    const source: AsyncIterable<SourcePage> =
      load.api === 'rest'
        ? restPages(salesforce, loadSoql(shape, load.lastId))
        : bulkPages(salesforce, load, (afterId) => loadSoql(shape, afterId), {
            pageSize: loadPageSize(settings.bulkPageSize, load.total),
            lastIdOf: bulkLastId,
            signal,
          });
    // Pages are encoded as they arrive, inside the prefetch: page n+1 becomes COPY text
    // while Postgres is still busy with page n.
    async function* prepared(): AsyncGenerator<SourcePage | PreparedPage> {
      for await (const item of source) {
        if (item.kind === 'job') {
          yield item;
          continue;
        }
        const encode = (chosen: CopyLayout): EncodedPage =>
          item.kind === 'rest'
            ? encodeRestPage(shape, item.records, chosen)
            : encodeBulkPage(shape, item.page, chosen);
        const chosen = layout;
        yield {
          kind: 'prepared',
          source: item,
          layout: chosen,
          encoded: encode(chosen),
          encode,
        };
      }
    }

    let loaded = 0;
    let finished = false;
    for await (const item of prefetch(prepared())) {
      if (signal.aborted) break;
      if (item.kind === 'job') {
        // A new job (fresh, or replacing a lost one) reads the records after lastId.
        load = { ...load, jobId: item.jobId, locator: null, total: load.done + item.records };
        await updateBookkeeping(client, schemaName, objectName, { load });
        continue;
      }
      if (item.kind !== 'prepared') continue;
      const page = item.source;
      if (page.kind === 'rest') {
        loaded += await commitPage(item, { jobId: null, locator: null }, false);
      } else if (page.kind === 'bulk') {
        const isLast = page.page.nextLocator === null;
        loaded += await commitPage(
          item,
          { jobId: page.jobId, locator: page.page.nextLocator },
          isLast,
        );
        finished = isLast;
      }
      meter.update(load.done, load.total, false);
      if (finished) break;
    }
    if (signal.aborted && !finished) {
      // Stopped between pages: everything committed stays, the next call resumes from here.
      meter.flush(load.done, load.total);
      return { loaded };
    }
    if (!finished) {
      // REST: the query is exhausted (a crash after the last page resumes with an empty query).
      await updateBookkeeping(client, schemaName, objectName, finalPatch(maxStampMs));
    }
    meter.update(load.done, load.total, true);
    return { loaded };
  });
}

export type { ReadShape };

/** The smallest Bulk results page a load asks for: below it, page overheads dominate. */
const MIN_LOAD_PAGE = 5_000;

/**
 * Rows per Bulk results page for a load of `total` records: about twenty pages, so progress
 * moves visibly on a mid-sized load, and never more than the configured page size, which keeps
 * large loads at full speed.
 */
export function loadPageSize(configured: number, total: number): number {
  return Math.min(configured, Math.max(MIN_LOAD_PAGE, Math.ceil(total / 20)));
}
