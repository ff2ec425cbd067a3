import { describe, expect, it } from '@jest/globals';
import { misplacedAt, ungrantable } from './grants.js';

describe('who may grant which role', () => {
  it('lets a city administrator grant every role', () => {
    expect(ungrantable(['city-admin'], ['city-admin', 'county-admin', 'school-secretary', 'inspector', 'analyst'])).toEqual([]);
  });

  it('keeps a county administrator below the city: no city-admin, no analyst', () => {
    expect(ungrantable(['county-admin'], ['county-admin', 'school-secretary', 'inspector'])).toEqual([]);
    expect(ungrantable(['county-admin'], ['city-admin', 'analyst', 'inspector'])).toEqual(['city-admin', 'analyst']);
  });

  it('lets a school secretary grant only its own role (API keys), inspectors and analysts nothing', () => {
    expect(ungrantable(['school-secretary'], ['school-secretary'])).toEqual([]);
    expect(ungrantable(['school-secretary'], ['inspector'])).toEqual(['inspector']);
    expect(ungrantable(['inspector'], ['school-secretary'])).toEqual(['school-secretary']);
    expect(ungrantable(['analyst'], ['analyst'])).toEqual(['analyst']);
  });

  it('keeps administrator roles at bureaus: none on a school or a unit, whoever grants', () => {
    expect(misplacedAt('school', ['city-admin', 'county-admin', 'school-secretary', 'inspector', 'analyst'])).toEqual([
      'city-admin',
      'county-admin',
    ]);
    expect(misplacedAt('unit', ['county-admin'])).toEqual(['county-admin']);
    expect(misplacedAt('county-bureau', ['county-admin', 'inspector'])).toEqual([]);
    expect(misplacedAt('county-bureau', ['city-admin'])).toEqual(['city-admin']);
    expect(misplacedAt('city-bureau', ['city-admin', 'analyst'])).toEqual([]);
  });
});
