import { defineEvent } from '../../event-contract.js';
import { Topics } from '../../topics.js';
import { MilestoneRuleSetSchema } from '../../api/milestone-rules.js';

/** 党员发展程序规则已设定 A bureau set its milestone rules (order, minimum and maximum intervals). */
export const MilestoneRulesChangedV1 = defineEvent({
  type: 'cn.edu.partybuilding.orgs.milestone-rules.changed.v1',
  topic: Topics.milestoneRules,
  description: 'A bureau set the development-milestone rules for the party organisations it supervises. 教育局已设定党员发展程序规则。',
  producer: 'org-registry',
  key: { field: 'bureauId', description: 'Id of the bureau whose rules changed. 规则所属教育局的标识。' },
  schema: {
    type: 'object',
    additionalProperties: true,
    required: ['bureauId', 'version', 'rules'],
    properties: {
      bureauId: { type: 'string', minLength: 1, description: 'The bureau (org unit id); the record key.' },
      version: { type: 'integer', minimum: 1 },
      rules: MilestoneRuleSetSchema,
    },
  },
});
