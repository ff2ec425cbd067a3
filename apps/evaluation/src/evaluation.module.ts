import { type DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { PartyOrgsReadModule, scopedModelProvider } from '@pb/platform';
import { ASSESSMENT_MODEL, ASSESSMENT_OWNERSHIP, AssessmentSchema } from './assessments/assessment.schema.js';
import { AssessmentsController } from './assessments/assessments.controller.js';
import { AssessmentsService } from './assessments/assessments.service.js';
import { SCORE_BOARD_MODEL, ScoreBoardSchema, ScoreBoards } from './assessments/score-board.js';
import { DerivedFactsConsumer } from './derived/derived.consumer.js';
import { DerivedFactsService } from './derived/derived-facts.service.js';
import {
  DERIVED_TALLY_MODEL,
  DerivedTallySchema,
  FACT_KEYS_MODEL,
  FactKeysSchema,
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
import {
  INSPECTION_MODEL,
  INSPECTION_OWNERSHIP,
  InspectionSchema,
  RECTIFICATION_MODEL,
  RECTIFICATION_OWNERSHIP,
  RectificationSchema,
} from './inspections/inspection.schema.js';
import { InspectionsController } from './inspections/inspections.controller.js';
import { INSPECTIONS_TICK_MS, InspectionsService } from './inspections/inspections.service.js';

export interface EvaluationOptions {
  /** The city's time zone: notice periods count its working days, rectification deadlines end its days. */
  timeZone: string;
  /** How often the overdue scan of rectifications runs; 0: only when called (tests). */
  tickMs: number;
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
          { name: DERIVED_TALLY_MODEL, schema: DerivedTallySchema },
          { name: FACT_KEYS_MODEL, schema: FactKeysSchema },
          { name: SCORE_BOARD_MODEL, schema: ScoreBoardSchema },
          { name: NOMINATION_MODEL, schema: NominationSchema },
          { name: SELECTION_MODEL, schema: SelectionSchema },
          { name: SELECTION_SLOT_MODEL, schema: SelectionSlotSchema },
          { name: INSPECTION_MODEL, schema: InspectionSchema },
          { name: RECTIFICATION_MODEL, schema: RectificationSchema },
        ]),
      ],
      controllers: [SchemesController, AssessmentsController, DerivedFactsConsumer, SelectionsController, InspectionsController],
      providers: [
        scopedModelProvider(ASSESSMENT_MODEL, ASSESSMENT_OWNERSHIP),
        scopedModelProvider(NOMINATION_MODEL, NOMINATION_OWNERSHIP),
        scopedModelProvider(INSPECTION_MODEL, INSPECTION_OWNERSHIP),
        scopedModelProvider(RECTIFICATION_MODEL, RECTIFICATION_OWNERSHIP),
        { provide: SELECTIONS_TIME_ZONE, useValue: options.timeZone },
        { provide: INSPECTIONS_TICK_MS, useValue: options.tickMs },
        SchemesService,
        AssessmentsService,
        ScoreBoards,
        DerivedFactsService,
        SelectionsService,
        InspectionsService,
      ],
    };
  }
}
