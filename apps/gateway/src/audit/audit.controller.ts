import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AuditEntrySchema, AuditQuerySchema, pageSchema, type AuditQuery } from '@pb/contracts';
import { ApiQueryFromSchema, CurrentIdentity, QueryPipe, Roles, type Identity } from '@pb/platform';
import { AuditService } from './audit.service.js';

@ApiTags('audit 審計')
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Roles('city-admin', 'county-admin', 'inspector')
  @ApiOperation({
    summary: 'Audit log of your subtree 本轄區審計日誌',
    description:
      'Every write (who, what, when, before and after) and every login, failure and API-key use in the subtree of `unit` ' +
      '(default: your own unit), newest first. 轄區內每一次寫操作（操作人、內容、時間、修改前後）及每次登錄、失敗與密鑰使用，按時間倒序。',
  })
  @ApiQueryFromSchema(AuditQuerySchema)
  @ApiResponse({ status: 200, schema: pageSchema(AuditEntrySchema) as object, description: 'A page of entries 一頁審計記錄' })
  list(@Query(new QueryPipe<AuditQuery>(AuditQuerySchema)) query: AuditQuery, @CurrentIdentity() caller: Identity) {
    return this.audit.query(caller, query);
  }
}
