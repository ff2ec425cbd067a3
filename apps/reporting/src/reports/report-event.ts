import type { EventContract, EventData } from '@pb/contracts';
import { pendingEvent, type OutboxEvent } from '@pb/messaging';
import type { HalfMonthReport } from './half-month-report.schema.js';

/** Which report an event is about: every event of reporting.reports.v1 names it the same way. */
export type ReportRef = Pick<HalfMonthReport, '_id' | 'partyOrgId' | 'unitId' | 'unitPath' | 'periodId'>;
type Named = 'reportId' | 'partyOrgId' | 'unitId' | 'unitPath' | 'periodId';

/** An event about one half-month report, keyed by its school's unit (so one school's events stay in order). */
export function reportEvent<C extends EventContract>(
  contract: C,
  report: ReportRef,
  data: Omit<EventData<C>, Named>,
  correlationId?: string,
): OutboxEvent {
  const named = {
    reportId: report._id,
    partyOrgId: report.partyOrgId,
    unitId: report.unitId,
    unitPath: report.unitPath,
    periodId: report.periodId,
  };
  return pendingEvent(contract, {
    key: report.unitId,
    subject: `reports/${report._id}`,
    data: { ...named, ...data } as EventData<C>,
    ...(correlationId ? { correlationId } : {}),
  });
}
