import { createHash, randomBytes } from 'node:crypto';

/** A seed for a draw when the inspector gives none (recorded with the sample, so the draw can be repeated). */
export const newSeed = () => randomBytes(8).toString('hex');

/**
 * 抽样 A reproducible draw of `size` items: the population sorted, then a Fisher-Yates shuffle whose
 * i-th swap comes from SHA-256 of `<seed>:<i>`. The same seed over the same population draws the same
 * items in the same order, on any replica and in any year; nothing depends on the store's order.
 */
export function drawSample(population: readonly string[], size: number, seed: string): string[] {
  const items = [...new Set(population)].sort();
  for (let i = items.length - 1; i > 0; i--) {
    const j = createHash('sha256').update(`${seed}:${i}`).digest().readUInt32BE(0) % (i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items.slice(0, Math.min(size, items.length));
}
