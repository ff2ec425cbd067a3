import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { PartyOrgsReadModule, scopedModelProvider } from '@pb/platform';
import { ASSESSMENT_MODEL, ASSESSMENT_OWNERSHIP, AssessmentSchema } from './assessments/assessment.schema.js';
import { AssessmentsController } from './assessments/assessments.controller.js';
import { AssessmentsService } from './assessments/assessments.service.js';
import { DerivedFactsConsumer } from './derived/derived.consumer.js';
import { DerivedFactsService } from './derived/derived-facts.service.js';
import { MEMBER_FACT_MODEL, MemberFactSchema, REPORT_FACT_MODEL, ReportFactSchema } from './derived/facts.schema.js';
import { SCHEME_MODEL, SchemeSchema } from './schemes/scheme.schema.js';
import { SchemesController } from './schemes/schemes.controller.js';
import { SchemesService } from './schemes/schemes.service.js';

/** 党建目标考核 evaluation: schemes, assessments, derived indicators from the event streams (docs/adr/0022). */
@Module({
  imports: [
    PartyOrgsReadModule,
    MongooseModule.forFeature([
      { name: SCHEME_MODEL, schema: SchemeSchema },
      { name: ASSESSMENT_MODEL, schema: AssessmentSchema },
      { name: REPORT_FACT_MODEL, schema: ReportFactSchema },
      { name: MEMBER_FACT_MODEL, schema: MemberFactSchema },
    ]),
  ],
  controllers: [SchemesController, AssessmentsController, DerivedFactsConsumer],
  providers: [scopedModelProvider(ASSESSMENT_MODEL, ASSESSMENT_OWNERSHIP), SchemesService, AssessmentsService, DerivedFactsService],
})
export class EvaluationModule {}
