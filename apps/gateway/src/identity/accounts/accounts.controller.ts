import { Body, Controller, Get, Headers, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  AccountListQuerySchema,
  AccountViewSchema,
  CreateAccountSchema,
  MeSchema,
  pageSchema,
  UpdateAccountSchema,
  type AccountListQuery,
  type CreateAccountDto,
  type UpdateAccountDto,
} from '@pb/contracts';
import { ALL_ROLES, ApiQueryFromSchema, CurrentIdentity, etagOf, QueryPipe, Roles, SchemaPipe, type Identity } from '@pb/platform';
import { viaApiKey } from '../via-api-key.js';
import { AccountsService, accountView } from './accounts.service.js';

const ID = { name: 'id', description: 'Account id 账号标识' };

@ApiTags('accounts 账号')
@Controller('api/v1/accounts')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Get('me')
  @Roles(...ALL_ROLES)
  @ApiOperation({ summary: 'Who you are: account or key, unit, roles 当前身份' })
  @ApiResponse({ status: 200, schema: MeSchema as object })
  me(@CurrentIdentity() caller: Identity) {
    return { sub: caller.sub, orgUnitId: caller.orgUnitId, roles: caller.roles, via: viaApiKey(caller) ? 'api-key' : 'token' };
  }

  @Post()
  @Roles('city-admin', 'county-admin')
  @ApiOperation({
    summary: 'Create an account in your subtree 在本辖区建立账号',
    description:
      'City and county administrators create accounts for units of their own subtree, with roles they may grant (a county ' +
      'administrator grants county-admin, school-secretary, inspector). Without `password` one is generated and returned once. ' +
      '市、县管理员为本辖区单位建立账号；未提供密码时生成一次性显示的初始密码。',
  })
  @ApiBody({ schema: CreateAccountSchema as object })
  @ApiResponse({ status: 201, schema: AccountViewSchema as object, description: 'Created 已建立' })
  @ApiResponse({ status: 409, description: 'Username taken 登录名已被使用' })
  create(
    @Body(new SchemaPipe<CreateAccountDto>(CreateAccountSchema)) body: CreateAccountDto,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
  ) {
    return this.accounts.create(body, caller, req.id);
  }

  @Get()
  @Roles('city-admin', 'county-admin')
  @ApiOperation({ summary: 'Accounts of a subtree, a page at a time 本辖区账号列表' })
  @ApiQueryFromSchema(AccountListQuerySchema)
  @ApiResponse({ status: 200, schema: pageSchema(AccountViewSchema) as object })
  list(@Query(new QueryPipe<AccountListQuery>(AccountListQuerySchema)) query: AccountListQuery, @CurrentIdentity() caller: Identity) {
    return this.accounts.list(caller, query);
  }

  @Get(':id')
  @Roles('city-admin', 'county-admin')
  @ApiOperation({ summary: 'An account of your subtree, with its ETag 查看账号' })
  @ApiParam(ID)
  @ApiResponse({
    status: 200,
    schema: AccountViewSchema as object,
    headers: { ETag: { schema: { type: 'string' }, description: 'Version 版本' } },
  })
  async get(@Param('id') id: string, @CurrentIdentity() caller: Identity, @Res({ passthrough: true }) reply: FastifyReply) {
    const account = await this.accounts.get(id, caller);
    void reply.header('etag', etagOf(account.version));
    return accountView(account);
  }

  @Patch(':id')
  @Roles('city-admin', 'county-admin')
  @ApiOperation({
    summary: 'Rename or disable an account (If-Match required) 修改或停用账号',
    description:
      'Send the ETag you read in If-Match: 412 when the account changed since, 428 without If-Match. Disabling ends its sessions. ' +
      '须在 If-Match 中提供读取时的 ETag；停用将结束其所有会话。',
  })
  @ApiParam(ID)
  @ApiHeader({ name: 'If-Match', required: true, description: 'ETag of the version you read 读取时的 ETag' })
  @ApiBody({ schema: UpdateAccountSchema as object })
  @ApiResponse({ status: 200, schema: AccountViewSchema as object })
  @ApiResponse({ status: 412, description: 'Changed since you read it 资源已被修改' })
  @ApiResponse({ status: 428, description: 'If-Match missing 缺少 If-Match' })
  async update(
    @Param('id') id: string,
    @Body(new SchemaPipe<UpdateAccountDto>(UpdateAccountSchema)) body: UpdateAccountDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const account = await this.accounts.update(id, body, ifMatch, caller, req.id);
    void reply.header('etag', etagOf(account.version));
    return accountView(account);
  }
}
