import { Module } from '@nestjs/common';
import { PartyOrgsModule } from '../party-orgs/party-orgs.module.js';
import { RegistryStoreModule } from '../store.module.js';
import { OrgUnitsController } from './org-units.controller.js';
import { OrgUnitsService } from './org-units.service.js';

/** 组织单位 The org tree. */
@Module({
  imports: [RegistryStoreModule, PartyOrgsModule],
  controllers: [OrgUnitsController],
  providers: [OrgUnitsService],
})
export class OrgUnitsModule {}
