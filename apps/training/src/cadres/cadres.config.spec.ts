import { describe, expect, it } from '@jest/globals';
import { cadreSettings } from './cadres.config.js';

describe('cadre settings (validated at boot)', () => {
  it('defaults to the bands under 35 / 35-44 / 45-54 / 55 and over, requiring the two middle ones', () => {
    const s = cadreSettings({});
    expect(s.bands.map((b) => b.id)).toEqual(['under-35', '35-44', '45-54', '55-plus']);
    expect(s).toMatchObject({ timeZone: 'Asia/Shanghai', requiredBands: ['35-44', '45-54'], reminderDays: 14 });
  });

  it('refuses boundaries out of order, naming the variable and the rule', () => {
    expect(() => cadreSettings({ CADRE_AGE_BANDS: '45,35' })).toThrow(/CADRE_AGE_BANDS: must list the ages in ascending order/);
    expect(() => cadreSettings({ CADRE_AGE_BANDS: 'young' })).toThrow(/CADRE_AGE_BANDS: must list ages between 18 and 80/);
  });

  it('refuses a required band the boundaries do not make', () => {
    expect(() => cadreSettings({ CADRE_AGE_BANDS: '40,50', CADRE_REQUIRED_AGE_BANDS: '35-44' })).toThrow(
      /CADRE_REQUIRED_AGE_BANDS: must name bands of CADRE_AGE_BANDS \(under-40, 40-49, 50-plus\), not 35-44/,
    );
  });

  it('refuses a time zone Intl does not know', () => {
    expect(() => cadreSettings({ CITY_TIME_ZONE: 'Mars/Olympus' })).toThrow(/CITY_TIME_ZONE: must be an IANA time zone/);
  });
});
