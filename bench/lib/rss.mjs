// Resident set size of the benchmarks' processes (Linux /proc): one reading, the median of several,
// a start taken once it has settled, a sampler that keeps the highest reading while a run goes on,
// a service's V8 heap from its /metrics, and a process's CPU time.
import { readFileSync } from 'node:fs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** VmRSS of a live process, in MiB. */
export function rssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

/** V8 heap used and committed, and external memory (MiB), from a service's Prometheus route; nulls when it does not answer. */
export async function heapMiB(host, port) {
  try {
    const res = await fetch(`http://${host}:${port}/metrics`, { signal: AbortSignal.timeout(5_000) });
    const text = await res.text();
    const metric = (name) => {
      const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
      return m ? Number(m[1]) / 1024 / 1024 : null;
    };
    return {
      used: metric('nodejs_heap_size_used_bytes'),
      total: metric('nodejs_heap_size_total_bytes'),
      external: metric('nodejs_external_memory_bytes'),
    };
  } catch {
    return { used: null, total: null, external: null };
  }
}

/** CPU time a live process has used so far (user + system, seconds; Linux /proc, 100 ticks a second). */
export function cpuSeconds(pid) {
  try {
    // Fields after the command name (which may hold spaces): state is the 3rd field, utime the 14th, stime the 15th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The median RSS of each pid over `samples` readings a second apart. */
export async function sampleRss(pids, samples = 5) {
  const seen = pids.map(() => []);
  for (let i = 0; i < samples; i++) {
    pids.forEach((pid, k) => seen[k].push(rssMiB(pid)));
    if (i < samples - 1) await sleep(1_000);
  }
  return seen.map(median);
}

/**
 * A process's RSS once it has settled: medians of five readings a second apart, taken until two in a
 * row differ by less than `withinMiB` (or `timeoutMs` passed). Returns the last median and how long it took.
 */
export async function settledRss(pid, { withinMiB = 2, timeoutMs = 60_000 } = {}) {
  const started = Date.now();
  let [last] = await sampleRss([pid]);
  for (;;) {
    const [now] = await sampleRss([pid]);
    const settled = Math.abs(now - last) < withinMiB;
    last = now;
    if (settled || Date.now() - started > timeoutMs) return { rss: now, settled, seconds: (Date.now() - started) / 1000 };
  }
}

/** Reads a process's RSS every `everyMs` until stopped: the highest reading, and how many were taken. */
export function rssSampler(pid, everyMs = 100) {
  let peak = rssMiB(pid);
  let samples = 1;
  const read = () => {
    try {
      peak = Math.max(peak, rssMiB(pid));
      samples++;
    } catch {
      // the process has gone: the peak stays what was seen
    }
  };
  const timer = setInterval(read, everyMs);
  return {
    stop() {
      clearInterval(timer);
      read();
      return { peak, samples };
    },
  };
}
