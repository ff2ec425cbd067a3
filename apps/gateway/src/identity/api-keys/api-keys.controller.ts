import { Body, Controller, Param, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { type ApiKeyListQuery, type CreateApiKeyDto, Routes } from '@pb/contracts';
import { CurrentIdentity, ProblemException, type Identity, Handle } from '@pb/platform';
import { viaApiKey } from '../../org-tree/scope.js';
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

@Controller()
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Handle(Routes.postApiKeys)
  create(@Body() body: CreateApiKeyDto, @CurrentIdentity() caller: Identity, @Req() req: FastifyRequest) {
    refuseKeys(caller);
    return this.keys.create(body, caller, req.id);
  }

  @Handle(Routes.getApiKeys)
  list(@Query() query: ApiKeyListQuery, @CurrentIdentity() caller: Identity) {
    return this.keys.list(caller, query);
  }

  @Handle(Routes.deleteApiKeys)
  async revoke(@Param('id') id: string, @CurrentIdentity() caller: Identity, @Req() req: FastifyRequest) {
    refuseKeys(caller);
    await this.keys.revoke(id, caller, req.id);
  }
}
