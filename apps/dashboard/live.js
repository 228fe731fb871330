// Follows GET /stream (Server-Sent Events) and keeps following it: when the connection drops the
// page says so and reconnects by itself, backing off from half a second to ten.

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;

/**
 * `options.url()` gives the stream's URL (EventSource cannot send headers: the token goes as
 * `?access_token=`), `options.types` the event names to listen to. Calls `onOpen()` on every
 * (re)connection (the page re-reads its data then: it may have missed changes meanwhile),
 * `onChange(change)` per change, `onState({ state, since?, attempt?, retryAt? })` with `live`,
 * `connecting` or `down`, and before each retry `probe()`, which answers false to give up (the
 * token was refused).
 */
export function followStream({ url, types, onOpen, onChange, onState, probe }) {
  let source = null;
  let timer = null;
  let attempt = 0;
  let downSince = null;
  let stopped = false;

  const connect = () => {
    if (stopped) return;
    onState(
      downSince === null ? { state: 'connecting' } : { state: 'down', since: downSince, attempt },
    );
    const current = new EventSource(url());
    source = current;
    current.addEventListener('open', () => {
      if (source !== current) return;
      attempt = 0;
      downSince = null;
      onState({ state: 'live' });
      onOpen();
    });
    const changed = (event) => {
      if (source !== current) return;
      try {
        onChange(JSON.parse(event.data));
      } catch {
        // a frame that is not JSON changes nothing
      }
    };
    for (const type of types) current.addEventListener(type, changed);
    current.addEventListener('error', () => {
      if (source !== current) return;
      // The browser would retry on its own but gives up on some failures: retry here, always.
      current.close();
      source = null;
      retry();
    });
  };

  const retry = () => {
    if (stopped) return;
    attempt += 1;
    downSince ??= Date.now();
    const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (attempt - 1));
    onState({ state: 'down', since: downSince, attempt, retryAt: Date.now() + delay });
    timer = setTimeout(async () => {
      timer = null;
      if ((await probe().catch(() => true)) === false) return;
      connect();
    }, delay);
  };

  connect();
  return {
    stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      source?.close();
      source = null;
    },
  };
}
