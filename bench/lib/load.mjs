// Closed-loop load: `concurrency` workers each send the next request as soon as the last answered.
// Returns throughput, latency percentiles and errors. Shared by the benchmarks.
import { performance } from 'node:perf_hooks';

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function closedLoop(count, concurrency, send) {
  const latencies = [];
  let next = 0;
  let errors = 0;
  const firstErrors = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= count) return;
        const s = performance.now();
        try {
          await send(i);
        } catch (err) {
          errors++;
          if (firstErrors.length < 3) firstErrors.push(String(err?.message ?? err));
        }
        latencies.push(performance.now() - s);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    count,
    seconds,
    perSecond: count / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    errors,
    firstErrors,
  };
}

export const fmt = (r) => `${r.perSecond.toFixed(0)}/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, errors ${r.errors}`;
