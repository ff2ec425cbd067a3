import { Controller } from '@nestjs/common';
import { Routes } from '@pb/contracts';
import { Handle, Call, type RouteCall } from '@pb/platform';
import { AuditService } from './audit.service.js';

@Controller()
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Handle(Routes.getAudit)
  list(@Call() call: RouteCall<typeof Routes.getAudit>) {
    return this.audit.query(call.identity, call.query);
  }
}
