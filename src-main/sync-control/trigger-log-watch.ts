// Live updates for the trigger-log inspector: while a client reads the log (any list or summary
// in the last minute), one connection LISTENs on `<schema>.hc_trigger_log` of the active
// database, where the capture trigger NOTIFYs once per logged change (reference §1.7), and each
// burst becomes at most four `captured` calls a second. The connection follows the active
// database and is let go once nobody has looked for a minute. LISTEN needs no privilege, so this
// works with a read-only role on a database Heroku Connect writes.
import pg from 'pg';
import { listenTriggerLogSql, triggerLogChannel } from '../../src-shared/mapping';
import { createThrottle, type Throttle } from './throttle';

export interface TriggerLogWatchTarget {
  /** Says which database and schema; a new key moves the LISTEN there. */
  key: string;
  /** The full URL (password included): the LISTEN connection is our own. */
  url: string;
  schemaName: string;
}

export interface TriggerLogWatch {
  /**
   * A client is using the inspector on this target: listen there (again) from now on. With
   * `touch` false (the active database changed under a watch in use) the idle clock is left
   * alone.
   */
  use(target: TriggerLogWatchTarget, touch?: boolean): void;
  /** Whether a client used the inspector within the idle time. */
  inUse(): boolean;
  /** Stops listening (the next use starts again). */
  release(): Promise<void>;
  /** The schema listened to now, if any (for tests and logs). */
  listening(): string | null;
  close(): Promise<void>;
}

export interface TriggerLogWatchOptions {
  /** Called (throttled) after changes were captured in the schema. */
  onCaptured(schemaName: string): void;
  log: (line: string) => void;
  /** Without a list or summary for this long, the connection is let go. */
  idleMs?: number;
  /** At most one onCaptured per this interval (trailing edge). */
  throttleMs?: number;
}

const IDLE_MS = 60_000;
const THROTTLE_MS = 250;
/** After a lost connection, the next use waits at least this long before connecting again. */
const RECONNECT_AFTER_MS = 2_000;

interface Held {
  target: TriggerLogWatchTarget;
  client: pg.Client;
  throttle: Throttle;
}

export function createTriggerLogWatch(options: TriggerLogWatchOptions): TriggerLogWatch {
  const idleMs = options.idleMs ?? IDLE_MS;
  const throttleMs = options.throttleMs ?? THROTTLE_MS;
  let held: Held | undefined;
  /** The target being connected to (its promise settles once it listens or failed). */
  let connecting: { key: string; done: Promise<void> } | undefined;
  let lastUsedAt = Number.NEGATIVE_INFINITY;
  let failedAt = Number.NEGATIVE_INFINITY;
  let closed = false;

  const idleCheck = setInterval(
    () => {
      if (held && Date.now() - lastUsedAt > idleMs) void release();
    },
    Math.min(idleMs, 5_000),
  );
  idleCheck.unref();

  async function drop(current: Held): Promise<void> {
    if (held === current) held = undefined;
    current.throttle.close();
    current.client.removeAllListeners('notification');
    await current.client.end().catch(() => {});
  }

  async function release(): Promise<void> {
    const current = held;
    if (current) await drop(current);
  }

  async function connect(target: TriggerLogWatchTarget): Promise<void> {
    const client = new pg.Client({
      connectionString: target.url,
      application_name: 'connect-studio trigger-log watch',
    });
    const channel = triggerLogChannel(target.schemaName);
    const throttle = createThrottle(() => options.onCaptured(target.schemaName), throttleMs);
    const current: Held = { target, client, throttle };
    // A lost connection is let go; the next list or summary connects again.
    const lost = (reason: string) => {
      if (held !== current) return;
      options.log(`The trigger-log watch on ${target.schemaName} lost its connection (${reason}).`);
      failedAt = Date.now();
      void drop(current);
    };
    client.on('error', (error) => lost(error.message));
    client.on('end', () => lost('the connection closed'));
    client.on('notification', (message) => {
      if (message.channel === channel) throttle.request();
    });
    try {
      await client.connect();
      await client.query(listenTriggerLogSql(target.schemaName));
    } catch (error) {
      throttle.close();
      await client.end().catch(() => {});
      failedAt = Date.now();
      options.log(
        `The trigger-log watch could not listen on ${target.schemaName}: ${
          error instanceof Error ? error.message : String(error)
        }`,
      );
      return;
    }
    if (closed || Date.now() - lastUsedAt > idleMs || connecting?.key !== target.key) {
      // Closed, idle or re-targeted while connecting.
      throttle.close();
      await client.end().catch(() => {});
      return;
    }
    const previous = held;
    held = current;
    if (previous) await drop(previous);
  }

  return {
    use(target, touch = true) {
      if (closed) return;
      if (touch) lastUsedAt = Date.now();
      if (held?.target.key === target.key || connecting?.key === target.key) return;
      if (Date.now() - failedAt < RECONNECT_AFTER_MS) return;
      const attempt = { key: target.key, done: Promise.resolve() };
      attempt.done = connect(target).finally(() => {
        if (connecting === attempt) connecting = undefined;
      });
      connecting = attempt;
      // Listening elsewhere stops once the new connection listens (or right away if it fails).
      void attempt.done.then(() => {
        if (held && held.target.key !== target.key && connecting === undefined) void release();
      });
    },
    inUse: () => Date.now() - lastUsedAt <= idleMs,
    release,
    listening: () => held?.target.schemaName ?? null,
    async close() {
      closed = true;
      clearInterval(idleCheck);
      await connecting?.done;
      await release();
    },
  };
}
