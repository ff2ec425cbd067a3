import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { OrgUnitStateV1 } from '@pb/contracts';
import { CloudEventContext, OnEvent } from '@pb/messaging';
import { OrgUnitDirectory } from './org-unit-directory.js';
import type { OrgUnitState } from './org-unit-view.schema.js';

/**
 * Feeds the org-unit read model from the compacted `orgs.units.state.v1` alone: every change to a unit
 * (created, renamed, moved: one record per unit of the moved subtree, closed) puts its whole state
 * there, and a new consumer group reads the topic from the start, so a service bootstraps the tree
 * without replaying history. The version-guarded write is the mark (`idempotency: 'effect'`).
 */
@Controller()
export class OrgUnitStateConsumer {
  constructor(private readonly directory: OrgUnitDirectory) {}

  @OnEvent(OrgUnitStateV1, { idempotency: 'effect' })
  async onState(@Payload() data: OrgUnitState, @Ctx() ctx: CloudEventContext): Promise<void> {
    await this.directory.apply(data, ctx.event.id);
  }
}
