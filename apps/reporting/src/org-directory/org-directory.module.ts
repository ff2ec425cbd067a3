import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { OrgUnitsReadModule } from '@pb/platform';
import { OrgDirectoryConsumer } from './org-directory.consumer.js';
import { OrgDirectoryService } from './org-directory.service.js';
import { PARTY_ORG_REF_MODEL, PartyOrgRefSchema } from './party-org-ref.schema.js';

@Module({
  imports: [OrgUnitsReadModule, MongooseModule.forFeature([{ name: PARTY_ORG_REF_MODEL, schema: PartyOrgRefSchema }])],
  controllers: [OrgDirectoryConsumer],
  providers: [OrgDirectoryService],
  exports: [OrgDirectoryService],
})
export class OrgDirectoryModule {}
