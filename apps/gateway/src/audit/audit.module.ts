import { Global, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { scopedModelProvider } from '@pb/platform';
import { OrgUnitDirectory } from '@pb/platform';
import { AUDIT_ENTRY_MODEL, AuditEntrySchema } from './audit-entry.schema.js';
import { AuditConsumer } from './audit.consumer.js';
import { AuditController } from './audit.controller.js';
import { auditOwnership, AuditService } from './audit.service.js';

@Global()
@Module({
  imports: [MongooseModule.forFeature([{ name: AUDIT_ENTRY_MODEL, schema: AuditEntrySchema }])],
  controllers: [AuditController, AuditConsumer],
  providers: [scopedModelProvider(AUDIT_ENTRY_MODEL, auditOwnership, [OrgUnitDirectory]), AuditService],
  exports: [AuditService],
})
export class AuditModule {}
