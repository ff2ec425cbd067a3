import { defineAggregate } from '@pb/messaging';
import { field, type DocumentType } from '@pb/persistence';
import type { ReportingCalendar } from '../periods/report-period.js';

export const CALENDAR_MODEL = 'ReportingCalendar';

/** The fields of `ReportingCalendar` are described there; the outbox holds the audit records of its changes. */
export const CalendarSchema = defineAggregate({
  collection: 'calendar',
  minimize: false,
  fields: {
    _id: field.string<'city'>(),
    timeZone: field.string(),
    h1DueDay: field.number(),
    h2WindowDays: field.number(),
    /** Days after the deadline after which a report can no longer change (DHIS2 "expiry days"). */
    lockAfterDays: field.number(),
    extensions: field.mixed<ReportingCalendar['extensions']>().default({}),
    version: field.number(),
    updatedBy: field.string().optional(),
  },
});
/** The city's reporting calendar and lock rule; one document per deployment (one city). */
export type CalendarDoc = DocumentType<typeof CalendarSchema>;
