import { describe, expect, it } from '@jest/globals';
import { drawSample } from './sampling.js';

const files = Array.from({ length: 200 }, (_, i) => `m${String(i).padStart(3, '0')}`);

describe('a reproducible sample', () => {
  it('draws the same items with the same seed, whatever the order the population comes in', () => {
    const first = drawSample(files, 10, 'S');
    expect(drawSample([...files].reverse(), 10, 'S')).toEqual(first);
    expect(new Set(first).size).toBe(10);
    expect(first.every((f) => files.includes(f))).toBe(true);
  });

  it('draws other items with another seed, and all of a population smaller than the size', () => {
    expect(drawSample(files, 10, 'T')).not.toEqual(drawSample(files, 10, 'S'));
    expect(drawSample(['b', 'a'], 5, 'S').sort()).toEqual(['a', 'b']);
  });
});
