import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { OrgDirectoryConsumer } from './org-directory.consumer.js';
import { OrgDirectoryService } from './org-directory.service.js';
import { ORG_UNIT_REF_MODEL, OrgUnitRefSchema } from './org-unit-ref.schema.js';
import { PARTY_ORG_REF_MODEL, PartyOrgRefSchema } from './party-org-ref.schema.js';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: ORG_UNIT_REF_MODEL, schema: OrgUnitRefSchema },
      { name: PARTY_ORG_REF_MODEL, schema: PartyOrgRefSchema },
    ]),
  ],
  controllers: [OrgDirectoryConsumer],
  providers: [OrgDirectoryService],
  exports: [OrgDirectoryService],
})
export class OrgDirectoryModule {}
