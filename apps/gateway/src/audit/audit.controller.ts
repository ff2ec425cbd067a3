import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AuditEntrySchema, AuditQuerySchema, pageSchema, type AuditQuery } from '@pb/contracts';
import { ApiQueryFromSchema, CurrentIdentity, QueryPipe, Roles, type Identity } from '@pb/platform';
import { AuditService } from './audit.service.js';

@ApiTags('audit 审计')
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Roles('city-admin', 'county-admin', 'inspector')
  @ApiOperation({
    summary: 'Audit log of your subtree 本辖区审计日志',
    description:
      'Every write (who, what, when, before and after) and every login, failure and API-key use in the subtree of `unit` ' +
      '(default: your own unit), newest first. 辖区内每一次写操作（操作人、内容、时间、修改前后）及每次登录、失败与密钥使用，按时间倒序。',
  })
  @ApiQueryFromSchema(AuditQuerySchema)
  @ApiResponse({ status: 200, schema: pageSchema(AuditEntrySchema) as object, description: 'A page of entries 一页审计记录' })
  list(@Query(new QueryPipe<AuditQuery>(AuditQuerySchema)) query: AuditQuery, @CurrentIdentity() caller: Identity) {
    return this.audit.query(caller, query);
  }
}
