import { type DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { PartyOrgsReadModule, scopedModelProvider } from '@pb/platform';
import { ASSESSMENT_MODEL, ASSESSMENT_OWNERSHIP, AssessmentSchema } from './assessments/assessment.schema.js';
import { AssessmentsController } from './assessments/assessments.controller.js';
import { AssessmentsService } from './assessments/assessments.service.js';
import { DerivedFactsConsumer } from './derived/derived.consumer.js';
import { DerivedFactsService } from './derived/derived-facts.service.js';
import {
  MEMBER_FACT_MODEL,
  MemberFactSchema,
  REPORT_FACT_MODEL,
  ReportFactSchema,
  TRAINING_FACT_MODEL,
  TrainingFactSchema,
} from './derived/facts.schema.js';
import { SCHEME_MODEL, SchemeSchema } from './schemes/scheme.schema.js';
import { SchemesController } from './schemes/schemes.controller.js';
import { SchemesService } from './schemes/schemes.service.js';
import {
  NOMINATION_MODEL,
  NOMINATION_OWNERSHIP,
  NominationSchema,
  SELECTION_MODEL,
  SELECTION_SLOT_MODEL,
  SelectionSchema,
  SelectionSlotSchema,
} from './selections/nomination.schema.js';
import { SelectionsController } from './selections/selections.controller.js';
import { SELECTIONS_TIME_ZONE, SelectionsService } from './selections/selections.service.js';

export interface EvaluationOptions {
  /** The city's time zone: notice periods count its working days. */
  timeZone: string;
}

/** 党建目标考核 evaluation: schemes, assessments, derived indicators from the event streams, selections (docs/adr/0022). */
@Module({})
export class EvaluationModule {
  static register(options: EvaluationOptions): DynamicModule {
    return {
      module: EvaluationModule,
      imports: [
        PartyOrgsReadModule,
        MongooseModule.forFeature([
          { name: SCHEME_MODEL, schema: SchemeSchema },
          { name: ASSESSMENT_MODEL, schema: AssessmentSchema },
          { name: REPORT_FACT_MODEL, schema: ReportFactSchema },
          { name: MEMBER_FACT_MODEL, schema: MemberFactSchema },
          { name: TRAINING_FACT_MODEL, schema: TrainingFactSchema },
          { name: NOMINATION_MODEL, schema: NominationSchema },
          { name: SELECTION_MODEL, schema: SelectionSchema },
          { name: SELECTION_SLOT_MODEL, schema: SelectionSlotSchema },
        ]),
      ],
      controllers: [SchemesController, AssessmentsController, DerivedFactsConsumer, SelectionsController],
      providers: [
        scopedModelProvider(ASSESSMENT_MODEL, ASSESSMENT_OWNERSHIP),
        scopedModelProvider(NOMINATION_MODEL, NOMINATION_OWNERSHIP),
        { provide: SELECTIONS_TIME_ZONE, useValue: options.timeZone },
        SchemesService,
        AssessmentsService,
        DerivedFactsService,
        SelectionsService,
      ],
    };
  }
}
