import { Schema } from 'mongoose';
import type { MilestoneRuleSet } from '@pb/contracts';
import { withOutbox, type OutboxEvent } from '@pb/messaging';

/** A bureau's milestone rules; `_id` is the bureau's org unit id. */
export interface RuleSetDoc {
  _id: string;
  rules: MilestoneRuleSet;
  version: number;
  setBy: string;
  setAt: Date;
  outbox: OutboxEvent[];
}

export const RULE_SET_MODEL = 'MilestoneRuleSet';

export const RuleSetSchema = withOutbox(
  new Schema<RuleSetDoc>(
    {
      _id: { type: String, required: true },
      rules: { type: Schema.Types.Mixed, required: true },
      version: { type: Number, required: true },
      setBy: { type: String, required: true },
      setAt: { type: Date, required: true },
    },
    { collection: 'milestone_rule_sets', versionKey: false, minimize: false },
  ),
);
