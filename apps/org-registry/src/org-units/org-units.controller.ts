import { Controller } from '@nestjs/common';
import { Routes } from '@pb/contracts';
import { Handle, pageRequest, Call, type RouteCall } from '@pb/platform';
import { OrgUnitsService } from './org-units.service.js';

/** Internal API of org units; the gateway forwards to it with the caller's verified identity. */
@Controller()
export class OrgUnitsController {
  constructor(private readonly units: OrgUnitsService) {}

  @Handle(Routes.postOrgUnits)
  create(@Call() call: RouteCall<typeof Routes.postOrgUnits>) {
    return this.units.create(call.body, call.scope, call.requestId);
  }

  @Handle(Routes.postOrgUnitsBatch)
  createBatch(@Call() call: RouteCall<typeof Routes.postOrgUnitsBatch>) {
    return this.units.createBatch(call.body, call.scope, call.requestId);
  }

  @Handle(Routes.getOrgUnitsOne)
  async get(@Call() call: RouteCall<typeof Routes.getOrgUnitsOne>) {
    return call.versioned(await this.units.get(call.params.id, call.scope));
  }

  @Handle(Routes.getOrgUnitsChildren)
  children(@Call() call: RouteCall<typeof Routes.getOrgUnitsChildren>) {
    return this.units.children(call.params.id, call.scope, pageRequest(call.query));
  }

  @Handle(Routes.getOrgUnitsSubtree)
  subtree(@Call() call: RouteCall<typeof Routes.getOrgUnitsSubtree>) {
    const filter = { ...(call.query.kind ? { kind: call.query.kind } : {}), ...(call.query.status ? { status: call.query.status } : {}) };
    return this.units.subtree(call.params.id, call.scope, pageRequest(call.query), filter);
  }

  @Handle(Routes.getOrgUnitsHistory)
  history(@Call() call: RouteCall<typeof Routes.getOrgUnitsHistory>) {
    return this.units.history(call.params.id, call.scope);
  }

  @Handle(Routes.patchOrgUnits)
  async rename(@Call() call: RouteCall<typeof Routes.patchOrgUnits>) {
    return call.versioned(await this.units.rename(call.params.id, call.body.name, call.scope, call.requestId, call.ifMatch));
  }

  @Handle(Routes.postOrgUnitsMove)
  async move(@Call() call: RouteCall<typeof Routes.postOrgUnitsMove>) {
    const result = await this.units.move(call.params.id, call.body.parentId, call.scope, call.requestId, call.ifMatch);
    // 202 while a large subtree is still following (its units show the new path as they are rewritten).
    if (result.following) void call.reply.status(202);
    return call.versioned(result);
  }

  @Handle(Routes.postOrgUnitsClose)
  async close(@Call() call: RouteCall<typeof Routes.postOrgUnitsClose>) {
    return call.versioned(await this.units.close(call.params.id, call.body, call.scope, call.requestId, call.ifMatch));
  }
}
