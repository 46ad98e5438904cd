// At most one run per interval, trailing edge: a request during the wait (or during a run) is
// served once the interval has passed, so the last state always gets out.

export interface Throttle {
  /** Asks for a run: now when the last one is older than the interval, else once it is. */
  request(): void;
  /** Drops a waiting run and refuses further requests. */
  close(): void;
}

export function createThrottle(run: () => void | Promise<void>, intervalMs: number): Throttle {
  let timer: NodeJS.Timeout | undefined;
  let lastRunAt = Number.NEGATIVE_INFINITY;
  let running = false;
  let again = false;
  let closed = false;

  const fire = async () => {
    timer = undefined;
    if (closed) return;
    running = true;
    lastRunAt = Date.now();
    try {
      await run();
    } catch {
      // A failed run (a status read while the database went away) waits for the next request.
    } finally {
      running = false;
      if (again) {
        again = false;
        request();
      }
    }
  };

  function request(): void {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    if (timer) return;
    const wait = lastRunAt + intervalMs - Date.now();
    timer = setTimeout(() => void fire(), Math.max(0, wait));
    // A pending push must not keep a CLI process alive.
    timer.unref();
  }

  return {
    request,
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
