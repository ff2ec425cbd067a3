import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ORG_UNIT_MODEL, OrgUnitSchema } from './org-unit.schema.js';
import { OrgUnitsController } from './org-units.controller.js';
import { OrgUnitsService } from './org-units.service.js';

@Module({
  imports: [MongooseModule.forFeature([{ name: ORG_UNIT_MODEL, schema: OrgUnitSchema }])],
  controllers: [OrgUnitsController],
  providers: [OrgUnitsService],
})
export class OrgUnitsModule {}
