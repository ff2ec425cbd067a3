import { Global, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { OrgUnitDirectory } from './org-unit-directory.js';
import { OrgUnitStateConsumer } from './org-unit-state.consumer.js';
import { ORG_UNIT_VIEW_MODEL, OrgUnitViewSchema } from './org-unit-view.schema.js';

/**
 * The org-unit read model of a service (docs/adr/0014): import it once; `OrgUnitDirectory` is then
 * injectable everywhere in the service. Needs the platform's store and broker (a consumer group).
 */
@Global()
@Module({
  imports: [MongooseModule.forFeature([{ name: ORG_UNIT_VIEW_MODEL, schema: OrgUnitViewSchema }])],
  controllers: [OrgUnitStateConsumer],
  providers: [OrgUnitDirectory],
  exports: [OrgUnitDirectory],
})
export class OrgUnitsReadModule {}
