import { Schema } from 'mongoose';

/**
 * 报送率 Reporting counters of one unit (school, county, city) for one period, kept from events so a
 * compliance query reads a few small documents instead of scanning reports (ARCHITECTURE.md §5).
 * DHIS2's definitions: expected, actual (submitted at any time), actual on time.
 */
export interface ComplianceCounter {
  _id: string;
  unitId: string;
  periodId: string;
  expected: number;
  actual: number;
  onTime: number;
  /**
   * The last offset applied to this document, per partition of `reporting.reports.v1` (`p0`, `p1`...),
   * written with the increments it covers: a run handed over again (a crash before the consumer's
   * ledger recorded it) finds its offsets here and adds nothing twice.
   */
  applied?: Record<string, number>;
}

export const COMPLIANCE_MODEL = 'ComplianceCounter';

export const ComplianceSchema = new Schema<ComplianceCounter>(
  {
    _id: { type: String, required: true },
    unitId: { type: String, required: true },
    periodId: { type: String, required: true },
    expected: { type: Number, default: 0 },
    actual: { type: Number, default: 0 },
    onTime: { type: Number, default: 0 },
    applied: { type: Schema.Types.Mixed },
  },
  { collection: 'compliance', versionKey: false },
);
// Serves: one unit over a period range (compliance over time).
ComplianceSchema.index({ unitId: 1, periodId: 1 });
