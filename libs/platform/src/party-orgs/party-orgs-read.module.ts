import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { OrgUnitsReadModule } from '../org-units/org-units-read.module.js';
import { PartyOrgStateConsumer } from './party-org-state.consumer.js';
import { PartyOrgDirectory } from './party-org-directory.js';
import { PARTY_ORG_REF_MODEL, PartyOrgRefSchema } from './party-org-ref.schema.js';

/**
 * The party-organisation read model of a service (affiliation, routing, reviewing bureaus), fed by
 * org-registry's party-organisation events: import it where `PartyOrgDirectory` is needed.
 */
@Module({
  imports: [OrgUnitsReadModule, MongooseModule.forFeature([{ name: PARTY_ORG_REF_MODEL, schema: PartyOrgRefSchema }])],
  controllers: [PartyOrgStateConsumer],
  providers: [PartyOrgDirectory],
  exports: [PartyOrgDirectory],
})
export class PartyOrgsReadModule {}
