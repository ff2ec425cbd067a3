import { Schema } from 'mongoose';
import { withOutbox, type OutboxEvent } from '@pb/messaging';

/** A reporting period's lifecycle in this city: expectations created (opened), deadline classified (closed). */
export interface PeriodDoc {
  _id: string;
  openedAt: Date | null;
  closedAt: Date | null;
  dueAt: Date;
  expected: number;
  missing: number;
  outbox: OutboxEvent[];
}

export const PERIOD_MODEL = 'ReportingPeriodState';

export const PeriodSchema = withOutbox(
  new Schema<PeriodDoc>(
    {
      _id: { type: String, required: true },
      openedAt: { type: Date, default: null },
      closedAt: { type: Date, default: null },
      dueAt: { type: Date, required: true },
      expected: { type: Number, default: 0 },
      missing: { type: Number, default: 0 },
    },
    { collection: 'periods', versionKey: false },
  ),
);
// Serves: the scheduler's "opened periods whose deadline passed and are not closed yet".
PeriodSchema.index({ closedAt: 1, dueAt: 1 });
