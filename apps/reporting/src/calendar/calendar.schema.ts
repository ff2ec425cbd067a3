import { Schema } from 'mongoose';
import { withOutbox, type OutboxEvent } from '@pb/messaging';
import type { ReportingCalendar } from '../periods/report-period.js';

/** The city's reporting calendar and lock rule; one document per deployment (one city). */
export interface CalendarDoc extends ReportingCalendar {
  _id: 'city';
  /** Days after the deadline after which a report can no longer change (DHIS2 "expiry days"). */
  lockAfterDays: number;
  version: number;
  updatedBy?: string;
  /** The audit records of its changes, until the relay publishes them. */
  outbox?: OutboxEvent[];
}

export const CALENDAR_MODEL = 'ReportingCalendar';

export const CalendarSchema = withOutbox(
  new Schema<CalendarDoc>(
    {
      _id: { type: String, required: true },
      timeZone: { type: String, required: true },
      h1DueDay: { type: Number, required: true },
      h2WindowDays: { type: Number, required: true },
      lockAfterDays: { type: Number, required: true },
      extensions: { type: Schema.Types.Mixed, default: {} },
      version: { type: Number, required: true },
      updatedBy: { type: String },
    },
    { collection: 'calendar', versionKey: false, minimize: false },
  ),
);
