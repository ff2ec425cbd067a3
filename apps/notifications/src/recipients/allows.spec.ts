import { describe, expect, it } from '@jest/globals';
import { allows, type RecipientProfile } from './profiles.service.js';

const profile = (categories: RecipientProfile['categories']) => ({ categories }) as RecipientProfile;
const reminder = { id: 'deadline-reminder', critical: false };
const awaiting = { id: 'report-awaiting-review', critical: false, optIn: ['email' as const, 'webhook' as const] };
const overdue = { id: 'report-overdue', critical: true };

describe('allows: what a recipient receives of a category on a channel', () => {
  it('lets a category through where the recipient set nothing, and stops it where the recipient switched it off', () => {
    expect(allows(undefined, reminder, 'email')).toBe(true);
    expect(allows(profile({}), reminder, 'webhook')).toBe(true);
    expect(allows(profile({ 'deadline-reminder': { email: false } }), reminder, 'email')).toBe(false);
    expect(allows(profile({ 'deadline-reminder': { email: false } }), reminder, 'inbox')).toBe(true);
  });

  it("keeps a category's opt-in channels off until the recipient switches them on, its inbox on until switched off", () => {
    for (const p of [undefined, profile({})]) {
      expect(allows(p, awaiting, 'inbox')).toBe(true);
      expect(allows(p, awaiting, 'email')).toBe(false);
      expect(allows(p, awaiting, 'webhook')).toBe(false);
    }
    const on = profile({ 'report-awaiting-review': { email: true, inbox: false } });
    expect(allows(on, awaiting, 'email')).toBe(true);
    expect(allows(on, awaiting, 'webhook')).toBe(false);
    expect(allows(on, awaiting, 'inbox')).toBe(false);
  });

  it('lets a critical category through whatever is set', () => {
    expect(allows(profile({ 'report-overdue': { email: false, inbox: false } }), overdue, 'email')).toBe(true);
  });
});
