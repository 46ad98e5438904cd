// The engine: one read loop per mapping (initial load, then polls at the mapping's interval) and
// one writer loop (drains the trigger log when NOTIFY or the fallback timer wakes it). All state
// that matters lives in Postgres, so stopping, crashing or pausing at any point loses nothing.

import { randomInt } from 'node:crypto';
import pg from 'pg';
import {
  DEFAULT_SCHEMA_NAME,
  listenTriggerLogSql,
  writeAlgorithmOf,
} from '../../src-shared/mapping';
import {
  ENGINE_BOOKKEEPING_KEY,
  ensureBookkeeping,
  readBookkeeping,
  updateBookkeeping,
  type MappingBookkeeping,
} from './bookkeeping';
import { buildMappingContexts, type MappingContext } from './context';
import { createMappingReader } from './reader';
import { archiveTriggerLog, triggerLogCounts } from './trigger-log';
import {
  SalesforceCallError,
  type DrainResult,
  type EngineSettings,
  type EngineState,
  type MappingStatus,
  type SyncEngine,
  type SyncEngineOptions,
  type SyncEvent,
  type SyncEventListener,
  type SyncPartContext,
  type SyncSummary,
} from './types';
import { createTriggerLogWriter } from './writer';

export const DEFAULT_ENGINE_SETTINGS = {
  schemaName: DEFAULT_SCHEMA_NAME,
  bulkReadThreshold: 10_000,
  bulkWriteThreshold: 2_000,
  batchSize: 200,
  bulkPageSize: 50_000,
  pollOverlapMs: 60_000,
  maxRecordAttempts: 6,
  archiveAfterMs: 24 * 3_600_000,
  purgeAfterMs: 31 * 24 * 3_600_000,
} as const;

const DEFAULT_WRITER_POLL_MS = 10_000;
const DEFAULT_NOTIFY_FLOOR_MS = 100;
/** How long a loop waits after the org refused it (daily limit, expired session, outage). */
const ERROR_BACKOFF_MS = 30_000;
const ARCHIVE_EVERY_MS = 10 * 60_000;
/** How soon the engine tries to take its lease again after losing its database connection. */
const LEASE_RETRY_MS = 2_000;
/** `--once` stops waiting for a lost lease after this long. */
const LEASE_GIVE_UP_MS = 60_000;
/** The bookkeeping row that stands for the whole engine. */
const ENGINE_ROW = ENGINE_BOOKKEEPING_KEY;

/** A sleep that `wake()` cuts short; used by every loop so pause, reload and stop act at once. */
class Alarm {
  private wakeUp: (() => void) | undefined;
  private pending = false;

  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  wake(): void {
    if (this.wakeUp) this.wakeUp();
    else this.pending = true;
  }
}

interface MappingLoop {
  context: MappingContext;
  status: MappingStatus;
  alarm: Alarm;
  /** Aborted to interrupt a load or poll (reload, pause, stop). */
  abort: AbortController;
  counts: { loaded: number; upserted: number; deleted: number; conflicts: number };
}

export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  const features = options.document.connection?.features ?? {};
  const settings: EngineSettings = {
    ...DEFAULT_ENGINE_SETTINGS,
    writeAlgorithm: writeAlgorithmOf(options.document),
    bulkWritesDisabled: features.disable_bulk_writes === true,
    now: () => new Date(),
    ...options.settings,
  };
  const schemaName = settings.schemaName;
  const writerPollMs = options.writerPollMs ?? DEFAULT_WRITER_POLL_MS;
  const notifyFloorMs = options.notifyFloorMs ?? DEFAULT_NOTIFY_FLOOR_MS;

  const listeners = new Set<SyncEventListener>();
  if (options.onEvent) listeners.add(options.onEvent);
  const emit = (event: SyncEvent) => {
    observe(event);
    for (const listener of listeners) {
      try {
        listener(event);
      } catch {
        // A broken listener must not stop the engine.
      }
    }
  };
  const log = (level: 'info' | 'warning' | 'error', message: string) =>
    emit({ type: 'log', level, message });

  const part: SyncPartContext = {
    pool: options.pool,
    salesforce: options.salesforce,
    settings,
    emit,
  };
  const { contexts, problems } = buildMappingContexts(
    options.document.mappings,
    options.catalog,
    schemaName,
  );
  const reader = createMappingReader(part);
  const leaseKey = String(randomInt(1, 2 ** 47));
  const loops = new Map<string, MappingLoop>();
  for (const context of contexts) {
    loops.set(context.objectName.toLowerCase(), {
      context,
      status: {
        objectName: context.objectName,
        table: context.table,
        phase: 'waiting',
        paused: false,
        lastPollAt: null,
        nextPollAt: null,
        highWaterMark: null,
        load: null,
        error: null,
      },
      alarm: new Alarm(),
      abort: new AbortController(),
      counts: { loaded: 0, upserted: 0, deleted: 0, conflicts: 0 },
    });
  }
  // Writes wait while a table is paused or loading: a record the writer creates during a load
  // could otherwise arrive twice (once from the load's query, once from the write-back).
  const writeBlocked = (objectName: string): boolean => {
    if (enginePaused || !leaseClient) return true;
    const loop = loops.get(objectName.toLowerCase());
    return !loop || loop.status.paused || loop.status.phase === 'initial_load';
  };
  const writer = createTriggerLogWriter(part, { contexts, leaseKey, isPaused: writeBlocked });

  let state: EngineState = 'stopped';
  let enginePaused = false;
  let running = false;
  let leaseClient: pg.Client | undefined;
  let leaseRetry: NodeJS.Timeout | undefined;
  let currentDrain: AbortController | undefined;
  let wakeTimer: NodeJS.Timeout | undefined;
  const writerAlarm = new Alarm();
  let lastDrainAt = 0;
  const tasks: Promise<void>[] = [];
  const writeTotals: DrainResult = emptyDrain();
  // Polls and drains take turns: a poll must not read a record the writer has just created
  // before its sfid is written back (reference §3.6's duplicate race).
  let turn: Promise<void> = Promise.resolve();
  const inTurn = <T>(work: () => Promise<T>): Promise<T> => {
    const result = turn.then(work);
    turn = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  };

  function observe(event: SyncEvent): void {
    if (event.type === 'load.progress') {
      const loop = loops.get(event.objectName.toLowerCase());
      if (loop) loop.status = { ...loop.status, load: event.progress };
    }
  }

  function setState(next: EngineState, message?: string): void {
    state = next;
    emit({ type: 'engine.state', state: next, ...(message ? { message } : {}) });
  }

  function setStatus(loop: MappingLoop, patch: Partial<MappingStatus>): void {
    loop.status = { ...loop.status, ...patch };
    emit({ type: 'mapping.status', status: { ...loop.status } });
  }

  async function takeLease(): Promise<void> {
    const client = new pg.Client({
      connectionString: options.databaseUrl,
      application_name: 'connect-studio sync',
    });
    // Losing this connection loses the lock that tells other engines we are alive: they may
    // take our PENDING rows back and send them, so we must stop sending until we hold it again.
    const lost = (reason: string) => {
      if (leaseClient !== client) return;
      leaseClient = undefined;
      currentDrain?.abort();
      log('error', `The engine lost its database lease (${reason}); writes wait until it is back.`);
      scheduleLeaseRetry();
    };
    client.on('error', (error) => lost(error.message));
    client.on('end', () => lost('the connection closed'));
    try {
      await client.connect();
      // Rows this engine claims carry leaseKey; the lock tells other engines it is alive.
      await client.query('SELECT pg_advisory_lock($1::bigint)', [leaseKey]);
      await client.query(listenTriggerLogSql(schemaName));
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    client.on('notification', () => wakeWriter());
    leaseClient = client;
  }

  function scheduleLeaseRetry(): void {
    if (leaseRetry || !running) return;
    leaseRetry = setTimeout(() => {
      leaseRetry = undefined;
      if (!running || leaseClient) return;
      takeLease().then(
        () => {
          log('info', 'The engine holds its database lease again; writes resume.');
          writerAlarm.wake();
        },
        () => scheduleLeaseRetry(),
      );
    }, LEASE_RETRY_MS);
  }

  async function releaseLease(): Promise<void> {
    if (leaseRetry) clearTimeout(leaseRetry);
    leaseRetry = undefined;
    const client = leaseClient;
    leaseClient = undefined;
    if (!client) return;
    await client.query('SELECT pg_advisory_unlock($1::bigint)', [leaseKey]).catch(() => {});
    await client.end().catch(() => {});
  }

  async function prepare(): Promise<void> {
    await ensureBookkeeping(options.pool, schemaName);
    const kept = await readBookkeeping(options.pool, schemaName);
    enginePaused = kept.get(ENGINE_ROW)?.paused ?? false;
    for (const loop of loops.values()) {
      const row = kept.get(loop.context.objectName.toLowerCase());
      if (row) loop.status = { ...loop.status, ...statusFrom(row) };
    }
    for (const problem of problems) log('error', problem);
  }

  function wakeWriter(): void {
    // NOTIFY comes once per logged row: wake at most every notifyFloorMs, with one timer.
    const wait = lastDrainAt + notifyFloorMs - Date.now();
    if (wait <= 0) writerAlarm.wake();
    else if (!wakeTimer) {
      wakeTimer = setTimeout(() => {
        wakeTimer = undefined;
        writerAlarm.wake();
      }, wait);
    }
  }

  /** Loads if needed, then polls once; returns when the mapping should sleep. */
  async function readOnce(loop: MappingLoop): Promise<void> {
    const { context } = loop;
    const signal = loop.abort.signal;
    const kept = (await readBookkeeping(options.pool, schemaName)).get(
      context.objectName.toLowerCase(),
    );
    if (!kept?.loadedAt) {
      setStatus(loop, { phase: 'initial_load', error: null });
      await updateBookkeeping(options.pool, schemaName, context.objectName, {
        phase: 'initial_load',
      });
      const { loaded } = await reader.ensureLoaded(context, signal);
      loop.counts.loaded += loaded;
      setStatus(loop, { load: null });
      writerAlarm.wake();
    }
    if (signal.aborted) return;
    setStatus(loop, { phase: 'polling' });
    const polled = await inTurn(() => reader.poll(context, signal));
    loop.counts.upserted += polled.upserted;
    loop.counts.deleted += polled.deleted;
    loop.counts.conflicts += polled.conflicts;
    const now = settings.now();
    const next = new Date(now.getTime() + context.mapping.sfPollingSeconds * 1000);
    const after = (await readBookkeeping(options.pool, schemaName)).get(
      context.objectName.toLowerCase(),
    );
    setStatus(loop, {
      phase: 'synced',
      error: null,
      lastPollAt: now.toISOString(),
      nextPollAt: next.toISOString(),
      highWaterMark: after?.highWaterMark?.toISOString() ?? loop.status.highWaterMark,
    });
    await updateBookkeeping(options.pool, schemaName, context.objectName, {
      phase: 'synced',
      error: null,
    });
  }

  async function readLoop(loop: MappingLoop): Promise<void> {
    while (running) {
      if (enginePaused || loop.status.paused) {
        setStatus(loop, { phase: 'paused', nextPollAt: null });
        await loop.alarm.wait(60_000);
        continue;
      }
      // A pause or reload aborts the loop's controller even while the loop sleeps: start each
      // turn with a live one, or the turn would see the old abort and skip its load or poll.
      if (loop.abort.signal.aborted) loop.abort = new AbortController();
      let sleepMs = loop.context.mapping.sfPollingSeconds * 1000;
      try {
        await readOnce(loop);
      } catch (error) {
        if (!running || loop.abort.signal.aborted) {
          loop.abort = new AbortController();
          continue;
        }
        const message = describeFailure(loop.context.objectName, error);
        setStatus(loop, { phase: 'error', error: message });
        await updateBookkeeping(options.pool, schemaName, loop.context.objectName, {
          phase: 'error',
          error: message,
        }).catch(() => {});
        log('error', message);
        sleepMs = ERROR_BACKOFF_MS;
      }
      if (loop.abort.signal.aborted) loop.abort = new AbortController();
      await loop.alarm.wait(sleepMs);
    }
  }

  async function drainOnce(): Promise<DrainResult> {
    lastDrainAt = Date.now();
    // Without the lease another engine may be sending our rows: send nothing.
    if (!leaseClient) return emptyDrain();
    const controller = new AbortController();
    currentDrain = controller;
    const stopWatch = setInterval(() => {
      if (!running) controller.abort();
    }, 250);
    try {
      const result = await inTurn(() => writer.drain(controller.signal));
      addDrain(writeTotals, result);
      return result;
    } finally {
      clearInterval(stopWatch);
      if (currentDrain === controller) currentDrain = undefined;
    }
  }

  async function writeLoop(): Promise<void> {
    let lastArchive = 0;
    while (running) {
      let sleepMs = writerPollMs;
      if (!enginePaused) {
        try {
          const result = await drainOnce();
          if (state === 'error') setState('running');
          // Rows held back for a retry: come back soon rather than at the fallback interval.
          if (result.retrying > 0) sleepMs = Math.min(writerPollMs, 1_000);
          if (Date.now() - lastArchive > ARCHIVE_EVERY_MS) {
            lastArchive = Date.now();
            const moved = await archiveTriggerLog(options.pool, schemaName, {
              olderThanMs: settings.archiveAfterMs,
              purgeAfterMs: settings.purgeAfterMs,
              now: settings.now(),
            });
            if (moved.archived + moved.purged > 0) {
              log('info', `Archived ${moved.archived} trigger-log rows, purged ${moved.purged}.`);
            }
          }
        } catch (error) {
          if (!running) break;
          const message = describeFailure('the trigger log', error);
          setState('error', message);
          log('error', message);
          sleepMs = ERROR_BACKOFF_MS;
        }
      }
      await writerAlarm.wait(sleepMs);
    }
  }

  async function setPaused(objectName: string | undefined, paused: boolean): Promise<void> {
    if (objectName === undefined) {
      enginePaused = paused;
      await updateBookkeeping(options.pool, schemaName, ENGINE_ROW, { paused });
      if (running) setState(paused ? 'paused' : 'running');
      for (const loop of loops.values()) {
        if (paused) loop.abort.abort();
        loop.alarm.wake();
      }
      writerAlarm.wake();
      return;
    }
    const loop = loopOf(objectName);
    await updateBookkeeping(options.pool, schemaName, loop.context.objectName, { paused });
    setStatus(loop, { paused, ...(paused ? { phase: 'paused' as const } : {}) });
    if (paused) loop.abort.abort();
    loop.alarm.wake();
    writerAlarm.wake();
  }

  function loopOf(objectName: string): MappingLoop {
    const loop = loops.get(objectName.toLowerCase());
    if (!loop) {
      const known = [...loops.values()].map((l) => l.context.objectName).join(', ') || 'none';
      throw new Error(`No mapping of ${objectName} is synced by this engine (mapped: ${known}).`);
    }
    return loop;
  }

  return {
    async start() {
      if (running) return;
      setState('starting');
      await prepare();
      await takeLease();
      running = true;
      setState(enginePaused ? 'paused' : 'running');
      for (const loop of loops.values()) tasks.push(readLoop(loop));
      tasks.push(writeLoop());
    },

    async stop() {
      if (!running) {
        await releaseLease();
        return;
      }
      running = false;
      for (const loop of loops.values()) {
        loop.abort.abort();
        loop.alarm.wake();
      }
      writerAlarm.wake();
      if (wakeTimer) clearTimeout(wakeTimer);
      wakeTimer = undefined;
      await Promise.allSettled(tasks.splice(0));
      await releaseLease();
      setState('stopped');
    },

    async runOnce(): Promise<SyncSummary> {
      const started = Date.now();
      const callsBefore = options.salesforce.callsMade;
      setState('starting');
      await prepare();
      await takeLease();
      running = true;
      setState('running');
      try {
        for (const loop of loops.values()) {
          if (enginePaused || loop.status.paused) continue;
          try {
            await readOnce(loop);
          } catch (error) {
            const message = describeFailure(loop.context.objectName, error);
            setStatus(loop, { phase: 'error', error: message });
            log('error', message);
          }
        }
        if (!enginePaused) {
          // Rows held back for a retry stay NEW: keep draining until each is sent or FAILED.
          // Without the lease nothing is sent; it comes back, or the run gives up.
          let leaseLostSince: number | undefined;
          for (;;) {
            const result = await drainOnce();
            if (leaseClient) leaseLostSince = undefined;
            else {
              leaseLostSince ??= Date.now();
              if (Date.now() - leaseLostSince > LEASE_GIVE_UP_MS) {
                throw new Error(
                  'The engine lost its database connection and could not get it back; run again.',
                );
              }
            }
            if (result.retrying === 0 && leaseClient) break;
            await new Promise((resolve) => setTimeout(resolve, 250));
          }
        }
      } finally {
        running = false;
        await releaseLease();
      }
      const triggerLog = await triggerLogCounts(options.pool, schemaName);
      const mappings = [...loops.values()].map((loop) => ({
        objectName: loop.context.objectName,
        ...loop.counts,
        error: loop.status.error,
      }));
      const ok =
        (triggerLog.FAILED ?? 0) === 0 &&
        (triggerLog.NEW ?? 0) === 0 &&
        (triggerLog.PENDING ?? 0) === 0 &&
        mappings.every((m) => m.error === null) &&
        problems.length === 0;
      setState('stopped');
      return {
        ok,
        durationMs: Date.now() - started,
        apiCalls: options.salesforce.callsMade - callsBefore,
        mappings,
        writes: { ...writeTotals },
        triggerLog,
      };
    },

    pause: (objectName) => setPaused(objectName, true),
    resume: (objectName) => setPaused(objectName, false),

    async reload(objectName) {
      const loop = loopOf(objectName);
      loop.abort.abort();
      await inTurn(() => reader.reload(loop.context));
      setStatus(loop, { phase: 'waiting', highWaterMark: null, load: null, error: null });
      loop.alarm.wake();
    },

    wake: () => writerAlarm.wake(),
    state: () => state,
    statuses: () => [...loops.values()].map((loop) => ({ ...loop.status })),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function statusFrom(row: MappingBookkeeping): Partial<MappingStatus> {
  return {
    paused: row.paused,
    lastPollAt: row.lastPollAt?.toISOString() ?? null,
    highWaterMark: row.highWaterMark?.toISOString() ?? null,
    error: row.error,
  };
}

function emptyDrain(): DrainResult {
  return { claimed: 0, succeeded: 0, failed: 0, merged: 0, ignored: 0, retrying: 0 };
}

function addDrain(total: DrainResult, result: DrainResult): void {
  total.claimed += result.claimed;
  total.succeeded += result.succeeded;
  total.failed += result.failed;
  total.merged += result.merged;
  total.ignored += result.ignored;
  total.retrying = result.retrying;
}

/** One sentence for the event log and the dashboard. */
function describeFailure(what: string, error: unknown): string {
  if (error instanceof SalesforceCallError) {
    switch (error.kind) {
      case 'limit':
        return `Syncing ${what} waits: the org's daily API limit is reached (${error.message}). It resumes by itself when the limit resets.`;
      case 'session':
        return `Syncing ${what} stopped: the Salesforce session expired and cannot be renewed. Sign in again.`;
      case 'retryable':
        return `Syncing ${what} waits: Salesforce did not answer after ${error.attempts} tries (${error.message}). It tries again shortly.`;
      default:
        return `Syncing ${what} failed: ${error.errorCode}: ${error.message}`;
    }
  }
  return `Syncing ${what} failed: ${error instanceof Error ? error.message : String(error)}`;
}
