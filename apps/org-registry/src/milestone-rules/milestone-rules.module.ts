import { Module } from '@nestjs/common';
import { RegistryStoreModule } from '../store.module.js';
import { MilestoneRulesController } from './milestone-rules.controller.js';
import { MilestoneRulesService } from './milestone-rules.service.js';

/** 发展党员时间规则 Milestone rules of each city. */
@Module({
  imports: [RegistryStoreModule],
  controllers: [MilestoneRulesController],
  providers: [MilestoneRulesService],
  exports: [MilestoneRulesService],
})
export class MilestoneRulesModule {}
