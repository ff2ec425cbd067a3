import { Global, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ORG_UNIT_NODE_MODEL, OrgUnitNodeSchema } from './org-unit-node.schema.js';
import { OrgTreeConsumer } from './org-tree.consumer.js';
import { OrgTreeService } from './org-tree.service.js';

@Global()
@Module({
  imports: [MongooseModule.forFeature([{ name: ORG_UNIT_NODE_MODEL, schema: OrgUnitNodeSchema }])],
  controllers: [OrgTreeConsumer],
  providers: [OrgTreeService],
  exports: [OrgTreeService],
})
export class OrgTreeModule {}
