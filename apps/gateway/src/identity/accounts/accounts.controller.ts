import { Controller } from '@nestjs/common';
import { Routes } from '@pb/contracts';
import { etagOf, Handle, Call, type RouteCall } from '@pb/platform';
import { viaApiKey } from '../via-api-key.js';
import { AccountsService, accountView } from './accounts.service.js';

@Controller()
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Handle(Routes.getAccountsMe)
  me(@Call() call: RouteCall<typeof Routes.getAccountsMe>) {
    return {
      sub: call.identity.sub,
      orgUnitId: call.identity.orgUnitId,
      roles: call.identity.roles,
      via: viaApiKey(call.identity) ? 'api-key' : 'token',
    };
  }

  @Handle(Routes.postAccounts)
  create(@Call() call: RouteCall<typeof Routes.postAccounts>) {
    return this.accounts.create(call.body, call.identity, call.requestId);
  }

  @Handle(Routes.getAccounts)
  list(@Call() call: RouteCall<typeof Routes.getAccounts>) {
    return this.accounts.list(call.identity, call.query);
  }

  @Handle(Routes.getAccountsOne)
  async get(@Call() call: RouteCall<typeof Routes.getAccountsOne>) {
    const account = await this.accounts.get(call.params.id, call.identity);
    void call.reply.header('etag', etagOf(account.version));
    return accountView(account);
  }

  @Handle(Routes.patchAccounts)
  async update(@Call() call: RouteCall<typeof Routes.patchAccounts>) {
    const account = await this.accounts.update(call.params.id, call.body, call.ifMatch, call.identity, call.requestId);
    void call.reply.header('etag', etagOf(account.version));
    return accountView(account);
  }
}
