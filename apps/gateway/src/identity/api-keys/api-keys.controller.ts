import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import {
  ApiKeyListQuerySchema,
  ApiKeyViewSchema,
  CreateApiKeySchema,
  pageSchema,
  type ApiKeyListQuery,
  type CreateApiKeyDto,
} from '@pb/contracts';
import { ApiQueryFromSchema, CurrentIdentity, ProblemException, QueryPipe, Roles, SchemaPipe, type Identity } from '@pb/platform';
import { viaApiKey } from '../via-api-key.js';
import { ApiKeysService } from './api-keys.service.js';

/** A key cannot mint or revoke keys: a leaked key must not be able to outlive its revocation. */
function refuseKeys(caller: Identity) {
  if (viaApiKey(caller)) {
    throw new ProblemException(403, 'https://partybuilding.edu.cn/problems/forbidden-for-api-keys', {
      zh: '接口密钥不能管理密钥，请用账号登录',
      en: 'API keys cannot manage API keys; log in with an account',
    });
  }
}

@ApiTags('api-keys 接口密钥')
@Controller('api/v1/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @Roles('city-admin', 'county-admin', 'school-secretary')
  @ApiOperation({
    summary: 'Create an API key for a school system 建立接口密钥',
    description:
      'The key acts for one org unit of your subtree with one role (school-secretary by default). The answer holds the key: it is ' +
      'shown only this once and stored only as a hash. Send it as `x-api-key: <key>` or `Authorization: ApiKey <key>`. ' +
      '密钥只在此次返回中显示一次，仅保存其杂凑值。',
  })
  @ApiBody({ schema: CreateApiKeySchema as object })
  @ApiResponse({ status: 201, schema: ApiKeyViewSchema as object, description: 'Created; `key` shown once 已建立' })
  create(
    @Body(new SchemaPipe<CreateApiKeyDto>(CreateApiKeySchema)) body: CreateApiKeyDto,
    @CurrentIdentity() caller: Identity,
    @Req() req: FastifyRequest,
  ) {
    refuseKeys(caller);
    return this.keys.create(body, caller, req.id);
  }

  @Get()
  @Roles('city-admin', 'county-admin', 'school-secretary')
  @ApiOperation({ summary: 'API keys of a subtree (never the keys themselves) 密钥列表' })
  @ApiQueryFromSchema(ApiKeyListQuerySchema)
  @ApiResponse({ status: 200, schema: pageSchema(ApiKeyViewSchema) as object })
  list(@Query(new QueryPipe<ApiKeyListQuery>(ApiKeyListQuerySchema)) query: ApiKeyListQuery, @CurrentIdentity() caller: Identity) {
    return this.keys.list(caller, query);
  }

  @Delete(':id')
  @Roles('city-admin', 'county-admin', 'school-secretary')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key: its next request is refused 吊销密钥' })
  @ApiParam({ name: 'id', description: 'API key id 密钥标识' })
  @ApiResponse({ status: 204, description: 'Revoked 已吊销' })
  async revoke(@Param('id') id: string, @CurrentIdentity() caller: Identity, @Req() req: FastifyRequest) {
    refuseKeys(caller);
    await this.keys.revoke(id, caller, req.id);
  }
}
