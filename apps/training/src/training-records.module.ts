import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { OrgUnitDirectory, OrgUnitsReadModule, scopedModelProvider } from '@pb/platform';
import { AttendanceService } from './enrolments/attendance.service.js';
import { ENROLMENT_MODEL, EnrolmentSchema, enrolmentOwnership } from './enrolments/enrolment.schema.js';
import { EnrolmentsController } from './enrolments/enrolments.controller.js';
import { EnrolmentsService } from './enrolments/enrolments.service.js';
import { PROGRAMME_MODEL, PROGRAMME_OWNERSHIP, ProgrammeSchema } from './programmes/programme.schema.js';
import { ProgrammesController } from './programmes/programmes.controller.js';
import { ProgrammesService } from './programmes/programmes.service.js';
import { TeachersModule } from './teachers/teachers.module.js';
import { TrainingTotalsConsumer } from './totals/training-totals.consumer.js';
import { TrainingTotalsController } from './totals/training-totals.controller.js';
import { TRAINING_TOTALS_MODEL, TrainingTotalsSchema } from './totals/training-totals.schema.js';
import { TrainingTotalsService } from './totals/training-totals.service.js';

/**
 * 培训与认定 Programmes, sessions, enrolments, attendance, assessment, certification (认定) and the
 * yearly totals kept from the training events. `AttendanceService` is the importer's way in.
 */
@Module({
  imports: [
    OrgUnitsReadModule,
    TeachersModule,
    MongooseModule.forFeature([
      { name: PROGRAMME_MODEL, schema: ProgrammeSchema },
      { name: ENROLMENT_MODEL, schema: EnrolmentSchema },
      { name: TRAINING_TOTALS_MODEL, schema: TrainingTotalsSchema },
    ]),
  ],
  controllers: [ProgrammesController, EnrolmentsController, TrainingTotalsController, TrainingTotalsConsumer],
  providers: [
    scopedModelProvider(PROGRAMME_MODEL, PROGRAMME_OWNERSHIP),
    scopedModelProvider(ENROLMENT_MODEL, enrolmentOwnership, [OrgUnitDirectory]),
    ProgrammesService,
    EnrolmentsService,
    AttendanceService,
    TrainingTotalsService,
  ],
  exports: [ProgrammesService, EnrolmentsService, AttendanceService, TrainingTotalsService],
})
export class TrainingRecordsModule {}
