// The local store's command table over one part of a benchmark: with FERRETDB_STATS_FILE set (the
// store rewrites it every 5 s with cumulative counts and times per database, command and collection,
// docs/adr/0003), a snapshot before and one after, and the difference printed. Unset: nothing.
import { readFileSync, statSync } from 'node:fs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function parse(text) {
  const rows = new Map();
  for (const line of text.split('\n').slice(1)) {
    const cells = line.trim().split(/\s+/);
    if (cells.length < 6) continue;
    // database, command, [collection], count, total_ms, mean_ms, lockwait_ms
    const [db, command] = cells;
    const coll = cells.length === 7 ? cells[2] : '';
    const [count, total, , lockWait] = cells.slice(-4).map(Number);
    rows.set(`${db}\t${command}\t${coll}`, { db, command, coll, count, total, lockWait });
  }
  return rows;
}

/** The table once the store has rewritten it after this call (so it holds everything answered before); null when off. */
export async function storeStatsSnapshot() {
  const file = process.env.FERRETDB_STATS_FILE;
  if (!file) return null;
  const mtime = () => {
    try {
      return statSync(file).mtimeMs;
    } catch {
      return 0;
    }
  };
  const since = mtime();
  const started = Date.now();
  while (mtime() === since && Date.now() - started < 12_000) await sleep(100);
  return parse(readFileSync(file, 'utf8'));
}

/** The commands of `dbPrefix` between two snapshots, most store time first, as text lines. */
export function storeStatsDelta(before, after, { dbPrefix = '', top = 15 } = {}) {
  if (!before || !after) return [];
  const rows = [];
  for (const [key, a] of after) {
    if (!a.db.startsWith(dbPrefix)) continue;
    const b = before.get(key) ?? { count: 0, total: 0, lockWait: 0 };
    const count = a.count - b.count;
    if (count <= 0) continue;
    rows.push({ ...a, count, total: a.total - b.total, lockWait: a.lockWait - b.lockWait });
  }
  rows.sort((x, y) => y.total - x.total);
  const sum = rows.reduce((n, r) => n + r.total, 0);
  return [
    `store commands meanwhile (FERRETDB_STATS_FILE; ${sum.toFixed(0)} ms of store time in all):`,
    `  ${'database'.padEnd(28)} ${'command'.padEnd(14)} ${'collection'.padEnd(22)} ${'count'.padStart(6)} ${'total_ms'.padStart(9)} ${'mean_ms'.padStart(8)} ${'lockwait_ms'.padStart(11)}`,
    ...rows
      .slice(0, top)
      .map(
        (r) =>
          `  ${r.db.padEnd(28)} ${r.command.padEnd(14)} ${r.coll.padEnd(22)} ${String(r.count).padStart(6)} ${r.total.toFixed(0).padStart(9)} ${(r.total / r.count).toFixed(2).padStart(8)} ${r.lockWait.toFixed(0).padStart(11)}`,
      ),
  ];
}
