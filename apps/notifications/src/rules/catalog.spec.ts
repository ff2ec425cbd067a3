import { describe, expect, it } from '@jest/globals';
import { NOTICE_CATEGORIES } from '@pb/contracts';
import { defaultCatalog } from './index.js';

describe('the notification catalogue', () => {
  it('has exactly the categories the API names, with the same criticality and opt-in channels', () => {
    const fromCatalog = Object.fromEntries(
      defaultCatalog()
        .allCategories()
        .map((c) => [c.id, { critical: c.critical, ...(c.optIn ? { optIn: c.optIn } : {}) }]),
    );
    expect(fromCatalog).toEqual(NOTICE_CATEGORIES);
  });

  it('has a template for every template a rule uses, in both languages', () => {
    const catalog = defaultCatalog();
    for (const id of ['report-reminder', 'report-awaiting-review', 'report-overdue', 'report-returned', 'report-accepted']) {
      expect(Object.keys(catalog.template(id).title).sort()).toEqual(['en', 'zh']);
    }
  });
});
