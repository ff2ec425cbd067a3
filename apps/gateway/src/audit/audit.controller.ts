import { Controller, Query } from '@nestjs/common';
import { type AuditQuery, Routes } from '@pb/contracts';
import { CurrentIdentity, type Identity, Handle } from '@pb/platform';
import { AuditService } from './audit.service.js';

@Controller()
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Handle(Routes.getAudit)
  list(@Query() query: AuditQuery, @CurrentIdentity() caller: Identity) {
    return this.audit.query(caller, query);
  }
}
