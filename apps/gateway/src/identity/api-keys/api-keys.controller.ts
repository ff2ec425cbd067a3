import { Controller } from '@nestjs/common';
import { Routes } from '@pb/contracts';
import { problem, type Identity, Handle, Call, type RouteCall } from '@pb/platform';
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
  create(@Call() call: RouteCall<typeof Routes.postApiKeys>) {
    refuseKeys(call.identity);
    return this.keys.create(call.body, call.identity, call.requestId);
  }

  @Handle(Routes.getApiKeys)
  list(@Call() call: RouteCall<typeof Routes.getApiKeys>) {
    return this.keys.list(call.identity, call.query);
  }

  @Handle(Routes.deleteApiKeys)
  async revoke(@Call() call: RouteCall<typeof Routes.deleteApiKeys>) {
    refuseKeys(call.identity);
    await this.keys.revoke(call.params.id, call.identity, call.requestId);
  }
}
