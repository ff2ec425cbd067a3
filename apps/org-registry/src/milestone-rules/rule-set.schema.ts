import type { MilestoneRuleSet } from '@pb/contracts';
import { defineAggregate } from '@pb/messaging';
import { field, type DocumentType } from '@pb/persistence';

export const RULE_SET_MODEL = 'MilestoneRuleSet';

export const RuleSetSchema = defineAggregate({
  collection: 'milestone_rule_sets',
  minimize: false,
  fields: {
    rules: field.mixed<MilestoneRuleSet>(),
    version: field.number(),
    setBy: field.string(),
    setAt: field.date(),
  },
});
/** A bureau's milestone rules; `_id` is the bureau's org unit id. */
export type RuleSetDoc = DocumentType<typeof RuleSetSchema>;
