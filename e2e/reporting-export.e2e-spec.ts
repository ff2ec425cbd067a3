import { beforeAll, describe, expect, it } from '@jest/globals';
import { api, eventually } from './support/env.js';
import { buildCity } from './support/orgs.js';

// The README promises the breakdown as CSV in UTF-8 with a BOM (spreadsheet programs then read the
// Chinese names right): reporting writes it, and the gateway must pass the bytes on unchanged.
describe('the compliance breakdown as CSV, through the gateway', () => {
  let city = '';
  let admin = '';

  beforeAll(async () => {
    const built = await buildCity(['north']);
    city = built.cityId;
    admin = built.admin;
  }, 120_000);

  it('starts with the UTF-8 BOM (EF BB BF) and is text/csv', async () => {
    const path = `/api/v1/reporting/compliance/breakdown.csv?unit=${city}&from=2026-11-H1`;
    // Reporting learns the city from org-registry's events.
    const res = await eventually('reporting to know the city', async () => {
      const r = await api('GET', path, { token: admin });
      return r.status === 200 ? r : null;
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8$/i);
    expect([...res.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    // The header row follows the BOM.
    expect(res.bytes.subarray(3).toString('utf8')).toMatch(/^单位代码 code,/);
  });
});
