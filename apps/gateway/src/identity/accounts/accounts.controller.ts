import { Body, Controller, Headers, Param, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type AccountListQuery, type CreateAccountDto, type UpdateAccountDto, Routes } from '@pb/contracts';
import { CurrentIdentity, etagOf, type Identity, Handle } from '@pb/platform';
import { viaApiKey } from '../via-api-key.js';
import { AccountsService, accountView } from './accounts.service.js';

@Controller()
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Handle(Routes.getAccountsMe)
  me(@CurrentIdentity() caller: Identity) {
    return { sub: caller.sub, orgUnitId: caller.orgUnitId, roles: caller.roles, via: viaApiKey(caller) ? 'api-key' : 'token' };
  }

  @Handle(Routes.postAccounts)
  create(@Body() body: CreateAccountDto, @CurrentIdentity() caller: Identity, @Req() req: FastifyRequest) {
    return this.accounts.create(body, caller, req.id);
  }

  @Handle(Routes.getAccounts)
  list(@Query() query: AccountListQuery, @CurrentIdentity() caller: Identity) {
    return this.accounts.list(caller, query);
  }

  @Handle(Routes.getAccountsOne)
  async get(@Param('id') id: string, @CurrentIdentity() caller: Identity, @Res({ passthrough: true }) reply: FastifyReply) {
    const account = await this.accounts.get(id, caller);
    void reply.header('etag', etagOf(account.version));
    return accountView(account);
  }

  @Handle(Routes.patchAccounts)
  async update(
    @Param('id') id: string,
    @Body() body: UpdateAccountDto,
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
