import { Controller } from '@nestjs/common';
import { Routes } from '@pb/contracts';
import { Call, Handle, type RouteCall } from '@pb/platform';
import { InspectionsService } from './inspections.service.js';

/** 督促检查 inspections and rectifications. */
@Controller()
export class InspectionsController {
  constructor(private readonly inspections: InspectionsService) {}

  @Handle(Routes.postEvaluationInspections)
  create(@Call() call: RouteCall<typeof Routes.postEvaluationInspections>) {
    return this.inspections.create(call.body, call.identity);
  }

  @Handle(Routes.getEvaluationInspectionsOne)
  async get(@Call() call: RouteCall<typeof Routes.getEvaluationInspectionsOne>) {
    return call.versioned(await this.inspections.get(call.params.id, call.identity));
  }

  @Handle(Routes.postEvaluationInspectionsFindings)
  async finding(@Call() call: RouteCall<typeof Routes.postEvaluationInspectionsFindings>) {
    return call.versioned(await this.inspections.addFinding(call.params.id, call.body, call.identity, call.ifMatch));
  }

  @Handle(Routes.getEvaluationRectificationsOne)
  async rectification(@Call() call: RouteCall<typeof Routes.getEvaluationRectificationsOne>) {
    return call.versioned(await this.inspections.rectification(call.params.id, call.identity));
  }

  @Handle(Routes.postEvaluationRectificationsEvidence)
  async evidence(@Call() call: RouteCall<typeof Routes.postEvaluationRectificationsEvidence>) {
    return call.versioned(await this.inspections.submitEvidence(call.params.id, call.body, call.identity, call.ifMatch));
  }

  @Handle(Routes.postEvaluationRectificationsDecision)
  async decide(@Call() call: RouteCall<typeof Routes.postEvaluationRectificationsDecision>) {
    return call.versioned(await this.inspections.decide(call.params.id, call.body, call.identity, call.ifMatch));
  }
}
