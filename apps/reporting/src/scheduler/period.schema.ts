import { defineAggregate } from '@pb/messaging';
import { field, type DocumentType } from '@pb/persistence';

export const PERIOD_MODEL = 'ReportingPeriodState';

export const PeriodSchema = defineAggregate({
  collection: 'periods',
  fields: {
    openedAt: field.date().orNull(),
    closedAt: field.date().orNull(),
    dueAt: field.date(),
    expected: field.number().default(0),
    missing: field.number().default(0),
  },
});
/** A reporting period's lifecycle in this city: expectations created (opened), deadline classified (closed). */
export type PeriodDoc = DocumentType<typeof PeriodSchema>;
// Serves: the scheduler's "opened periods whose deadline passed and are not closed yet".
PeriodSchema.index({ closedAt: 1, dueAt: 1 });
