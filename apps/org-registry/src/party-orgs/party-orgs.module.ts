import { Module } from '@nestjs/common';
import { RegistryStoreModule } from '../store.module.js';
import { PartyOrgsController } from './party-orgs.controller.js';
import { PartyOrgsFollower } from './party-orgs.follower.js';
import { PartyOrgsService } from './party-orgs.service.js';

/** 党组织 Party organisations, and the follower that keeps them on their unit's place in the tree. */
@Module({
  imports: [RegistryStoreModule],
  controllers: [PartyOrgsController],
  providers: [PartyOrgsService, PartyOrgsFollower],
  exports: [PartyOrgsService, PartyOrgsFollower],
})
export class PartyOrgsModule {}
