/** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });

/** Capped exponential backoff with jitter: 100 ms, 200 ms, ... up to `maxMs`. */
export const backoffMs = (failures: number, maxMs: number, initialMs = 100): number => {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
};

/**
 * Lets timers and I/O run. With SQLite every call of a batch loop completes synchronously behind
 * its promise, so a loop that only awaits them would starve the process (HTTP, timers, leases).
 */
export const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) => setImmediate(resolve));
