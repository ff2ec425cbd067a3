import { Injectable, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { Topics } from '@pb/contracts';
import { KafkaClient } from '@pb/messaging';
import { ContactPointsController } from './contact-points/contact-points.controller.js';
import { ContactPointsService } from './contact-points/contact-points.service.js';
import { MembersController } from './members/members.controller.js';
import { MembersService } from './members/members.service.js';
import { MilestoneRulesController } from './milestone-rules/milestone-rules.controller.js';
import { MilestoneRulesService } from './milestone-rules/milestone-rules.service.js';
import { OrgUnitsController } from './org-units/org-units.controller.js';
import { OrgUnitsService } from './org-units/org-units.service.js';
import { PartyOrgsController } from './party-orgs/party-orgs.controller.js';
import { PartyOrgsFollower } from './party-orgs/party-orgs.follower.js';
import { PartyOrgsService } from './party-orgs/party-orgs.service.js';
import { RegistryStoreModule } from './store.module.js';

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
  imports: [RegistryStoreModule],
  controllers: [OrgUnitsController, PartyOrgsController, MembersController, MilestoneRulesController, ContactPointsController],
  providers: [
    RegistryTopics,
    OrgUnitsService,
    PartyOrgsFollower,
    PartyOrgsService,
    MilestoneRulesService,
    MembersService,
    ContactPointsService,
  ],
})
export class RegistryModule {}
