import { Injectable, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { Topics } from '@pb/contracts';
import { KafkaClient } from '@pb/messaging';
import { ContactPointsModule } from './contact-points/contact-points.module.js';
import { MembersModule } from './members/members.module.js';
import { MilestoneRulesModule } from './milestone-rules/milestone-rules.module.js';
import { OrgUnitsModule } from './org-units/org-units.module.js';
import { PartyOrgsModule } from './party-orgs/party-orgs.module.js';

/**
 * The topics org-registry publishes, created before the outbox relay first publishes (module init
 * runs before application bootstrap), so the state topics are born compacted.
 */
@Injectable()
export class RegistryTopics implements OnModuleInit {
  private readonly logger = new Logger('RegistryTopics');

  constructor(private readonly kafka: KafkaClient) {}

  async onModuleInit() {
    // Other services create some of these topics at the same time; metadata may lag a moment behind.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.create();
      } catch (err) {
        if (attempt >= 10) throw err;
        this.logger.warn(`creating topics failed (${err instanceof Error ? err.message : String(err)}), retrying`);
        await new Promise((r) => setTimeout(r, 250 * attempt));
      }
    }
  }

  private async create() {
    await this.kafka.ensureTopics([
      { topic: Topics.orgUnits },
      { topic: Topics.orgUnitsState, compacted: true },
      { topic: Topics.partyOrgs },
      { topic: Topics.partyOrgsState, compacted: true },
      { topic: Topics.members },
      { topic: Topics.milestoneRules },
      { topic: Topics.contactPoints },
    ]);
  }
}

/** 组织机构登记 The org registry: tree, party organisations, members, milestone rules, contact points. */
@Module({
  imports: [OrgUnitsModule, PartyOrgsModule, MembersModule, MilestoneRulesModule, ContactPointsModule],
  providers: [RegistryTopics],
})
export class RegistryModule {}
