import { describe, expect, it } from '@jest/globals';
import { allowedMethods, methodTable } from './method-not-allowed.js';

describe('methods the route table declares on a path', () => {
  const table = methodTable();

  it('lists the declared methods of a known path, GET with its HEAD', () => {
    expect(allowedMethods(table, '/api/v1/notifications/inbox')).toEqual(['GET', 'HEAD']);
    expect(allowedMethods(table, '/api/v1/accounts/acc-1')).toEqual(['GET', 'HEAD', 'PATCH']);
    expect(allowedMethods(table, '/api/v1/reports/po-1/2026-11-H1/draft')).toEqual(['PUT']);
  });

  it('joins the entries a path matches by pattern (a static segment and a parameter)', () => {
    expect(allowedMethods(table, '/api/v1/org-units/batch')).toEqual(expect.arrayContaining(['GET', 'PATCH', 'POST']));
  });

  it('knows nothing of paths outside the table', () => {
    expect(allowedMethods(table, '/api/v1/nothing-here')).toEqual([]);
    expect(allowedMethods(table, '/api/v1/accounts/a/b/c')).toEqual([]);
  });
});
