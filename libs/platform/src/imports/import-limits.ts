// The sizes an import job works in, in a module of their own (no dependencies) so a benchmark can
// read an importer's batch size from the build and compare against batches of the same size.

/** Rows per batch unless the importer asks for another size (`RowImporter.batchRows`): one `check`/`apply` call, one progress write and one insert of errors per batch. */
export const IMPORT_BATCH_ROWS = 1_000;
/**
 * Rows per batch of an importer whose rows fold into fewer writes (attendance: the rows of one
 * enrolment in a batch are one compare-and-set write and one event). The store takes its writes one
 * at a time: at 1,000 rows, an attendance file of a school's 100 teachers made 100 enrolment writes
 * (and 100 events relayed, counted into the totals and scored by evaluation) per 10 sessions; at
 * 10,000, the same 100 writes per 100 sessions. A batch in memory is a few MB (two at a time: the next
 * one is read while one is applied).
 */
export const FOLDED_IMPORT_BATCH_ROWS = 10_000;
/** Row errors kept per job; `rowsFailed` still counts every refused row. */
export const MAX_STORED_ERRORS = 10_000;
