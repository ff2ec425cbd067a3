import { Body, Controller, Param, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { type ApiKeyListQuery, type CreateApiKeyDto, Routes } from '@pb/contracts';
import { CurrentIdentity, problem, type Identity, Handle } from '@pb/platform';
import { viaApiKey } from '../via-api-key.js';
import { ApiKeysService } from './api-keys.service.js';

/** A key cannot mint or revoke keys: a leaked key must not be able to outlive its revocation. */
function refuseKeys(caller: Identity) {
  if (viaApiKey(caller)) {
    throw problem.forbiddenForApiKeys();
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
