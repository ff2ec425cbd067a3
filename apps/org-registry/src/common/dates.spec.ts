import { describe, expect, it } from '@jest/globals';
import { today } from './dates.js';

describe('today', () => {
  const instant = new Date('2030-05-31T17:30:00Z'); // already 1 June in Shanghai

  it("is the date in the city's configured time zone (Asia/Shanghai by default)", () => {
    expect(today(instant)).toBe('2030-06-01');
  });

  it('follows another zone when given one', () => {
    expect(today(instant, 'Europe/London')).toBe('2030-05-31');
  });
});
