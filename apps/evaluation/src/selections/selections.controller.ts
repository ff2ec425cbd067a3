import { Controller } from '@nestjs/common';
import { Routes, type SelectionKind } from '@pb/contracts';
import { Call, Handle, type RouteCall } from '@pb/platform';
import { SelectionsService } from './selections.service.js';

const selectionOf = (call: { params: { kind: string; year: string } }) =>
  [call.params.kind as SelectionKind, Number(call.params.year)] as const;

/** 评比 selections: quotas, nominations, review, notice, objections, publication. */
@Controller()
export class SelectionsController {
  constructor(private readonly selections: SelectionsService) {}

  @Handle(Routes.getEvaluationSelectionQuotas)
  async quotas(@Call() call: RouteCall<typeof Routes.getEvaluationSelectionQuotas>) {
    return call.versioned(await this.selections.quotas(...selectionOf(call)));
  }

  @Handle(Routes.putEvaluationSelectionQuotas)
  async setQuotas(@Call() call: RouteCall<typeof Routes.putEvaluationSelectionQuotas>) {
    return call.versioned(await this.selections.setQuotas(...selectionOf(call), call.body, call.identity, call.ifMatch));
  }

  @Handle(Routes.postEvaluationNominations)
  nominate(@Call() call: RouteCall<typeof Routes.postEvaluationNominations>) {
    return this.selections.nominate(...selectionOf(call), call.body, call.identity);
  }

  @Handle(Routes.getEvaluationNominationsOne)
  async get(@Call() call: RouteCall<typeof Routes.getEvaluationNominationsOne>) {
    return call.versioned(await this.selections.get(call.params.id, call.identity));
  }

  @Handle(Routes.postEvaluationNominationsReview)
  async review(@Call() call: RouteCall<typeof Routes.postEvaluationNominationsReview>) {
    return call.versioned(await this.selections.review(call.params.id, call.body, call.identity, call.ifMatch));
  }

  @Handle(Routes.postEvaluationNominationsNotice)
  async notice(@Call() call: RouteCall<typeof Routes.postEvaluationNominationsNotice>) {
    return call.versioned(await this.selections.startNotice(call.params.id, call.identity, call.ifMatch));
  }

  @Handle(Routes.postEvaluationNominationsObjections)
  object(@Call() call: RouteCall<typeof Routes.postEvaluationNominationsObjections>) {
    return this.selections.object(call.params.id, call.body.text, call.identity);
  }

  @Handle(Routes.postEvaluationObjectionsDecision)
  async decide(@Call() call: RouteCall<typeof Routes.postEvaluationObjectionsDecision>) {
    return call.versioned(
      await this.selections.decideObjection(call.params.id, call.params.objectionId, call.body, call.identity, call.ifMatch),
    );
  }

  @Handle(Routes.postEvaluationNominationsPublish)
  async publish(@Call() call: RouteCall<typeof Routes.postEvaluationNominationsPublish>) {
    return call.versioned(await this.selections.publish(call.params.id, call.identity, call.ifMatch));
  }
}
