import { Module } from '@nestjs/common';
import { MilestoneRulesModule } from '../milestone-rules/milestone-rules.module.js';
import { PartyOrgsModule } from '../party-orgs/party-orgs.module.js';
import { RegistryStoreModule } from '../store.module.js';
import { MembersController } from './members.controller.js';
import { MembersService } from './members.service.js';

/** 党员 Members, checked against their city's milestone rules. */
@Module({
  imports: [RegistryStoreModule, PartyOrgsModule, MilestoneRulesModule],
  controllers: [MembersController],
  providers: [MembersService],
})
export class MembersModule {}
