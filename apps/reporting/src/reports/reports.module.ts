import { type DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CalendarController } from '../calendar/calendar.controller.js';
import { CALENDAR_MODEL, CalendarSchema } from '../calendar/calendar.schema.js';
import { CalendarService } from '../calendar/calendar.service.js';
import { ComplianceConsumer } from '../compliance/compliance.consumer.js';
import { ComplianceController } from '../compliance/compliance.controller.js';
import { COMPLIANCE_MODEL, ComplianceSchema } from '../compliance/compliance.schema.js';
import { ComplianceService } from '../compliance/compliance.service.js';
import { DeadlineScheduler, SCHEDULER_OPTIONS, type SchedulerOptions } from '../scheduler/deadline.scheduler.js';
import { PERIOD_MODEL, PeriodSchema } from '../scheduler/period.schema.js';
import { IdempotentAnswers, PartyOrgsReadModule, scopedModelProvider } from '@pb/platform';
import { HALF_MONTH_REPORT_MODEL, HalfMonthReportSchema, REPORT_OWNERSHIP } from './half-month-report.schema.js';
import { REPORT_HISTORY_MODEL, REPORT_HISTORY_OWNERSHIP, ReportHistorySchema } from './report-history.schema.js';
import { ReportsController } from './reports.controller.js';
import { ReportsService } from './reports.service.js';

/** 半月报制度 the semi-monthly reporting system: forms, calendar, deadlines, compliance. */
@Module({})
export class ReportsModule {
  static register(scheduler: SchedulerOptions): DynamicModule {
    return {
      module: ReportsModule,
      imports: [
        PartyOrgsReadModule,
        MongooseModule.forFeature([
          { name: HALF_MONTH_REPORT_MODEL, schema: HalfMonthReportSchema },
          { name: REPORT_HISTORY_MODEL, schema: ReportHistorySchema },
          { name: CALENDAR_MODEL, schema: CalendarSchema },
          { name: COMPLIANCE_MODEL, schema: ComplianceSchema },
          { name: PERIOD_MODEL, schema: PeriodSchema },
        ]),
      ],
      controllers: [ReportsController, CalendarController, ComplianceController, ComplianceConsumer],
      providers: [
        scopedModelProvider(HALF_MONTH_REPORT_MODEL, REPORT_OWNERSHIP),
        scopedModelProvider(REPORT_HISTORY_MODEL, REPORT_HISTORY_OWNERSHIP),
        IdempotentAnswers,
        ReportsService,
        CalendarService,
        ComplianceService,
        DeadlineScheduler,
        { provide: SCHEDULER_OPTIONS, useValue: scheduler },
      ],
      exports: [ReportsService, DeadlineScheduler, CalendarService],
    };
  }
}
