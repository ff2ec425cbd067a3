import { defineDocument, field, type DocumentType } from '@pb/persistence';

export const TRAINING_TOTALS_MODEL = 'TrainingTotals';

/**
 * 年度培训统计 Yearly counters of one unit (school, county, city: `u:<unitId>:<year>`) or one teacher
 * (`t:<teacherId>:<year>`), kept from `training.records.v1` so a totals query reads a few small
 * documents instead of scanning enrolments (ARCHITECTURE.md §5). Read by `_id` after the caller's scope
 * was checked on the unit or the teacher.
 */
export const TrainingTotalsSchema = defineDocument({
  collection: 'training_totals',
  fields: {
    kind: field.oneOf(['unit', 'teacher']),
    unitId: field.string(),
    teacherId: field.string().optional(),
    year: field.number(),
    enrolments: field.number().default(0),
    completed: field.number().default(0),
    certified: field.number().default(0),
    hours: field.number().default(0),
    /** The last offset applied per partition of `training.records.v1` (`incrementOnce`). */
    applied: field.mixed<Record<string, number>>().optional(),
  },
});
export type TrainingTotals = DocumentType<typeof TrainingTotalsSchema>;

export const unitTotalsId = (unitId: string, year: number) => `u:${unitId}:${year}`;
export const teacherTotalsId = (teacherId: string, year: number) => `t:${teacherId}:${year}`;
