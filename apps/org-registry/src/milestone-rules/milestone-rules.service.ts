import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { MilestoneKinds, MilestoneRulesChangedV1, type MilestoneRuleSet } from '@pb/contracts';
import { OutboxRelay, pendingEvent } from '@pb/messaging';
import { insertOrFail } from '@pb/persistence';
import { checkIfMatch } from '@pb/platform';
import { conflict, ruleBroken } from '../common/problems.js';
import type { Scope } from '@pb/platform';
import { requireAdmin } from '../common/scope.js';
import { registryAudit } from '../common/audit.js';
import { isBureau } from '../org-units/tree.js';
import { TreeReader } from '../org-units/tree.reader.js';
import { DEFAULT_RULES } from './milestone-check.js';
import { RULE_SET_MODEL, type RuleSetDoc } from './rule-set.schema.js';

export interface EffectiveRules {
  /** The bureau whose rule set applies, or `default` for the platform's. */
  source: string;
  version: number;
  rules: MilestoneRuleSet;
}

/** 党员发展程序规则 Rule sets per bureau; a party organisation follows the nearest one above its supervisor. */
@Injectable()
export class MilestoneRulesService implements OnModuleInit {
  constructor(
    @InjectModel(RULE_SET_MODEL) private readonly ruleSets: Model<RuleSetDoc>,
    private readonly tree: TreeReader,
    private readonly relay: OutboxRelay,
  ) {}

  onModuleInit() {
    this.relay.register(this.ruleSets);
  }

  /** The rules that apply below a bureau: its own, else the nearest ancestor's, else the default. */
  async effective(bureauPath: readonly string[]): Promise<EffectiveRules> {
    const sets = await this.ruleSets.find({ _id: { $in: [...bureauPath] } }, { outbox: 0 }).lean<RuleSetDoc[]>();
    for (const id of [...bureauPath].reverse()) {
      const set = sets.find((s) => s._id === id);
      if (set) return { source: id, version: set.version, rules: set.rules };
    }
    return { source: 'default', version: 0, rules: DEFAULT_RULES };
  }

  /** The rules that apply at a bureau, and the version of its own set (0 while it inherits: the ETag a `set` may name). */
  async get(bureauId: string, scope: Scope): Promise<{ rules: EffectiveRules; ownVersion: number }> {
    const bureau = await this.tree.unitInScope(bureauId, scope);
    const rules = await this.effective(bureau.path);
    return { rules, ownVersion: rules.source === bureauId ? rules.version : 0 };
  }

  /**
   * Replaces a bureau's own rule set. `If-Match` (optional) names the version of its own set the
   * caller read: "0" while it has none and inherits (the ETag of `get` is the same number).
   */
  async set(bureauId: string, rules: MilestoneRuleSet, scope: Scope, correlationId?: string, ifMatch?: string): Promise<EffectiveRules> {
    requireAdmin(scope, { zh: '只有市、县教育局管理员可以设定规则', en: 'Only city or county administrators set milestone rules' });
    const bureau = await this.tree.unitInScope(bureauId, scope);
    if (!isBureau(bureau.kind)) {
      throw ruleBroken({ zh: '只有教育局可以设定规则', en: 'Only bureaus set milestone rules' }, [
        { pointer: '/', rule: 'bureau-only', message: { zh: '该单位不是教育局', en: 'this unit is not a bureau' } },
      ]);
    }
    for (const [i, r] of rules.intervals.entries()) {
      if (MilestoneKinds.indexOf(r.from) >= MilestoneKinds.indexOf(r.to) || (!r.min && !r.max)) {
        throw ruleBroken({ zh: '间隔规则无效', en: 'An interval rule is not valid' }, [
          {
            pointer: `/intervals/${i}`,
            rule: 'interval',
            message: { zh: 'from 须早于 to，且至少有 min 或 max', en: 'from must precede to, with min or max' },
          },
        ]);
      }
    }
    const current = await this.ruleSets.findById(bureauId, { outbox: 0 }).lean<Omit<RuleSetDoc, 'outbox'>>();
    checkIfMatch(ifMatch, current?.version ?? 0);
    const version = (current?.version ?? 0) + 1;
    const set = { rules, version, setBy: scope.accountId, setAt: new Date() };
    // The change and its audit record (the bureau's rule set before and after; docs/adr/0007), in one write.
    const outbox = await this.relay.sequence(
      pendingEvent(MilestoneRulesChangedV1, {
        key: bureauId,
        subject: `milestone-rules/${bureauId}`,
        data: { bureauId, version, rules },
        ...(correlationId ? { correlationId } : {}),
      }),
      registryAudit(
        { type: 'milestone-rules', id: bureauId, unitId: bureauId },
        'updated',
        current,
        { _id: bureauId, ...set },
        scope,
        correlationId,
      ),
    );
    if (current) {
      const res = await this.ruleSets.updateOne(
        { _id: bureauId, version: current.version },
        { $set: set, $push: { outbox: { $each: outbox } } },
      );
      if (res.modifiedCount === 0) throw conflict({ zh: '规则刚被他人修改，请重试', en: 'The rules changed meanwhile; retry' });
    } else {
      await insertOrFail(
        () => this.ruleSets.create({ _id: bureauId, ...set, outbox }),
        () => conflict({ zh: '规则刚被他人修改，请重试', en: 'The rules changed meanwhile; retry' }),
      );
    }
    this.relay.nudge();
    return { source: bureauId, version, rules };
  }
}
