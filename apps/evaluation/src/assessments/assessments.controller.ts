import { Controller } from '@nestjs/common';
import { Routes, type SchemeKind } from '@pb/contracts';
import { Call, Handle, pageRequest, type RouteCall } from '@pb/platform';
import { DerivedFactsService } from '../derived/derived-facts.service.js';
import { AssessmentsService } from './assessments.service.js';

/** The assessment an assessment route names: its scheme kind, year and party organisation. */
const keyOf = (call: { params: { kind: string; year: string; partyOrgId: string } }) => ({
  kind: call.params.kind as SchemeKind,
  year: Number(call.params.year),
  partyOrgId: call.params.partyOrgId,
});

/** 年度考核 assessments: self-assessment, bureau scores, moderation, lock; the score table; derived metrics explained. */
@Controller()
export class AssessmentsController {
  constructor(
    private readonly assessments: AssessmentsService,
    private readonly facts: DerivedFactsService,
  ) {}

  @Handle(Routes.getEvaluationAssessmentsOne)
  async get(@Call() call: RouteCall<typeof Routes.getEvaluationAssessmentsOne>) {
    return call.versioned(await this.assessments.get(keyOf(call), call.identity));
  }

  @Handle(Routes.putEvaluationAssessmentsSelf)
  async saveSelf(@Call() call: RouteCall<typeof Routes.putEvaluationAssessmentsSelf>) {
    return call.versioned(await this.assessments.saveSelf(keyOf(call), call.body, call.identity, call.ifMatch, call.requestId));
  }

  @Handle(Routes.postEvaluationAssessmentsSubmit)
  async submit(@Call() call: RouteCall<typeof Routes.postEvaluationAssessmentsSubmit>) {
    return call.versioned(await this.assessments.submitSelf(keyOf(call), call.identity, call.ifMatch, call.requestId));
  }

  @Handle(Routes.postEvaluationAssessmentsReturn)
  async returnSelf(@Call() call: RouteCall<typeof Routes.postEvaluationAssessmentsReturn>) {
    return call.versioned(await this.assessments.returnSelf(keyOf(call), call.body.comment, call.identity, call.ifMatch, call.requestId));
  }

  @Handle(Routes.putEvaluationAssessmentsBureauScores)
  async bureauScores(@Call() call: RouteCall<typeof Routes.putEvaluationAssessmentsBureauScores>) {
    return call.versioned(await this.assessments.bureauScores(keyOf(call), call.body, call.identity, call.ifMatch, call.requestId));
  }

  @Handle(Routes.postEvaluationAssessmentsModeration)
  async moderate(@Call() call: RouteCall<typeof Routes.postEvaluationAssessmentsModeration>) {
    return call.versioned(await this.assessments.moderate(keyOf(call), call.body, call.identity, call.ifMatch, call.requestId));
  }

  @Handle(Routes.postEvaluationAssessmentsLock)
  async lock(@Call() call: RouteCall<typeof Routes.postEvaluationAssessmentsLock>) {
    return call.versioned(await this.assessments.lock(keyOf(call), call.identity, call.ifMatch, call.requestId));
  }

  @Handle(Routes.getEvaluationScoreTable)
  scoreTable(@Call() call: RouteCall<typeof Routes.getEvaluationScoreTable>) {
    const { kind, year, unit } = call.query;
    return this.assessments.scoreTable(kind, year, unit, call.identity, pageRequest(call.query));
  }

  /** Counts and rates only (no names): every role of the subtree, analysts too. */
  @Handle(Routes.getEvaluationDerived)
  async derived(@Call() call: RouteCall<typeof Routes.getEvaluationDerived>) {
    const partyOrg = await this.assessments.partyOrgInScope(call.params.partyOrgId, call.identity);
    const year = call.query.year;
    return {
      partyOrgId: partyOrg._id,
      unitId: partyOrg.unitId,
      year,
      metrics: await this.facts.explain({ partyOrgId: partyOrg._id, unitId: partyOrg.unitId }, year),
    };
  }
}
