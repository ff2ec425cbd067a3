import { defineDocument, field, type DocumentType } from '@pb/persistence';

export const COMPLIANCE_MODEL = 'ComplianceCounter';

export const ComplianceSchema = defineDocument({
  collection: 'compliance',
  fields: {
    unitId: field.string(),
    periodId: field.string(),
    expected: field.number().default(0),
    actual: field.number().default(0),
    onTime: field.number().default(0),
    /**
     * The last offset applied to this document, per partition of `reporting.reports.v1` (`p0`, `p1`...),
     * written with the increments it covers: a run handed over again (a crash before the consumer's
     * ledger recorded it) finds its offsets here and adds nothing twice.
     */
    applied: field.mixed<Record<string, number>>().optional(),
  },
});
/**
 * 报送率 Reporting counters of one unit (school, county, city) for one period, kept from events so a
 * compliance query reads a few small documents instead of scanning reports (ARCHITECTURE.md §5).
 * DHIS2's definitions: expected, actual (submitted at any time), actual on time.
 */
export type ComplianceCounter = DocumentType<typeof ComplianceSchema>;
// Serves: one unit over a period range (compliance over time).
ComplianceSchema.index({ unitId: 1, periodId: 1 });
