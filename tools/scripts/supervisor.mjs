// Keeps services running as Kubernetes would (docs/adr/0024): a service that exits, whatever the
// reason (a crash, SIGKILL, even exit 0), is started again after a pause that doubles with each
// restart in a row (1 s, 2 s, 4 s ... at most 30 s; back to 1 s once it has run a minute), and
// each restart is logged. `stop()` (Ctrl-C) stops them all and restarts nothing more.
// Node built-ins only; used by `npm start` (tools/scripts/start.mjs).

export const DEFAULT_BACKOFF = Object.freeze({ initialMs: 1_000, maxMs: 30_000, resetAfterMs: 60_000 });

/** The pause before restart number `streak` (1, 2, ...) of a row. */
export function backoffMs(streak, { initialMs, maxMs } = DEFAULT_BACKOFF) {
  return Math.min(maxMs, initialMs * 2 ** Math.max(0, streak - 1));
}

/**
 * Watches `handles` (`{ service, child, exited }`, as spawnServices gives them) and restarts a
 * service that exits with `respawn(service)` (a new handle). `stopHandles(handles)` stops the live
 * ones (SIGTERM, then SIGKILL). Returns `{ current(), restarts(service), stop() }`.
 */
export function supervise(
  handles,
  { respawn, stopHandles, log = () => {}, backoff = DEFAULT_BACKOFF, now = Date.now, onRestart = () => {} },
) {
  const live = new Map(handles.map((h) => [h.service, h]));
  const streaks = new Map();
  const counts = new Map();
  const timers = new Set();
  let stopping = false;

  const watch = (handle, startedAt) => {
    handle.exited.then(({ code, signal }) => {
      if (stopping || live.get(handle.service) !== handle) return;
      const ranMs = now() - startedAt;
      const streak = ranMs >= backoff.resetAfterMs ? 1 : (streaks.get(handle.service) ?? 0) + 1;
      streaks.set(handle.service, streak);
      const delay = backoffMs(streak, backoff);
      const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
      log(
        `${handle.service} ${how} after ${(ranMs / 1000).toFixed(1)} s; restarting in ${(delay / 1000).toFixed(1)} s (restart ${streak} in a row)`,
      );
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (stopping) return;
        const next = respawn(handle.service);
        live.set(handle.service, next);
        counts.set(handle.service, (counts.get(handle.service) ?? 0) + 1);
        watch(next, now());
        onRestart(handle.service, next);
      }, delay);
      timers.add(timer);
    });
  };
  const t0 = now();
  for (const h of handles) watch(h, t0);

  return {
    current: () => [...live.values()],
    restarts: (service) => counts.get(service) ?? 0,
    async stop() {
      stopping = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await stopHandles([...live.values()]);
    },
  };
}
