import { Global, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AUDIT_ENTRY_MODEL, AuditEntrySchema } from './audit-entry.schema.js';
import { AuditConsumer } from './audit.consumer.js';
import { AuditController } from './audit.controller.js';
import { AuditService } from './audit.service.js';

@Global()
@Module({
  imports: [MongooseModule.forFeature([{ name: AUDIT_ENTRY_MODEL, schema: AuditEntrySchema }])],
  controllers: [AuditController, AuditConsumer],
  providers: [AuditService],
  exports: [AuditService],
})
export class AuditModule {}
