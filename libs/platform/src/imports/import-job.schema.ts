import { defineDocument, field, type DocumentType } from '@pb/persistence';
import type { ImportPolicy, ImportStatus } from '@pb/contracts';
import type { Identity } from '../auth/identity.js';
import type { Bilingual } from '../http/problem.js';
import type { OrgOwnership } from '../scope/ownership.js';
import type { CsvCharset } from './csv-decoding.js';

export const IMPORT_JOB_MODEL = 'ImportJob';
export const IMPORT_ROW_ERROR_MODEL = 'ImportRowError';
export const IMPORT_FILE_CHUNK_MODEL = 'ImportFileChunk';
export const IMPORT_JOB_NOT_FOUND: Bilingual = { zh: '找不到导入任务', en: 'Import job not found' };

/**
 * 导入任务 One uploaded file and what became of its rows (docs/adr/0020). `key` (unit, kind, policy,
 * SHA-256 of the file) is unique: the same file uploaded again finds this job instead of a new one.
 */
export const ImportJobSchema = defineDocument({
  collection: 'import_jobs',
  fields: {
    key: field.string(),
    kind: field.string(),
    unitId: field.string(),
    /** The unit's materialised path: the job is org-owned like the rows it brings (docs/adr/0012). */
    unitPath: field.strings(),
    policy: field.oneOf(['apply-valid', 'all-or-nothing'] as const satisfies readonly ImportPolicy[]),
    status: field.oneOf(['queued', 'validating', 'applying', 'done', 'rejected', 'failed'] as const satisfies readonly ImportStatus[]),
    sha256: field.string(),
    charset: field.oneOf(['utf-8', 'gb18030'] as const satisfies readonly CsvCharset[]),
    bytes: field.number(),
    /** The file's chunks in `import_file_chunks`, removed once the job has finished. */
    uploadId: field.string(),
    chunks: field.number(),
    rowsTotal: field.number(),
    rowsDone: field.number().default(0),
    rowsApplied: field.number().default(0),
    rowsFailed: field.number().default(0),
    errorsStored: field.number().default(0),
    /** Who uploaded: the rows are applied with this caller's scope, not the system's. */
    createdBy: field.mixed<Identity>(),
    createdAt: field.date(),
    finishedAt: field.date().orNull(),
    /** Last sign of life of the process running the job: one whose heartbeat stopped is taken over. */
    heartbeatAt: field.date(),
    failure: field.string().orNull(),
  },
});
export type ImportJob = DocumentType<typeof ImportJobSchema>;
// Serves: "has this file been uploaded for this unit, kind and policy?" (a re-upload finds its job).
ImportJobSchema.index({ key: 1 }, { unique: true });
// Serves: jobs left unfinished by a stopped process (taken over at start).
ImportJobSchema.index({ status: 1, heartbeatAt: 1 });

export const IMPORT_JOB_OWNERSHIP: OrgOwnership<ImportJob> = { pathField: 'unitPath', notFound: IMPORT_JOB_NOT_FOUND };

/** One refused row of a job: read through the job (whose scope check it shares), a page at a time by `_id` (job, row, n). */
export const ImportRowErrorSchema = defineDocument({
  collection: 'import_row_errors',
  fields: {
    jobId: field.string(),
    row: field.number(),
    column: field.string().orNull(),
    rule: field.string(),
    message: field.mixed<Bilingual>(),
    value: field.string().orNull(),
  },
});
export type ImportRowErrorDoc = DocumentType<typeof ImportRowErrorSchema>;
// Serves: a job's errors in row order, a page at a time (jobId, _id > cursor).
ImportRowErrorSchema.index({ jobId: 1, _id: 1 });

/** A piece (at most 256 KiB) of an uploaded file, kept until its job has finished: a file is never held whole in memory. */
export const ImportFileChunkSchema = defineDocument({
  collection: 'import_file_chunks',
  fields: {
    uploadId: field.string(),
    seq: field.number(),
    data: field.of<Buffer>({ type: Buffer, required: true }),
  },
});
export type ImportFileChunk = DocumentType<typeof ImportFileChunkSchema>;
// Serves: a file's chunks in order (uploadId, seq), and removing them.
ImportFileChunkSchema.index({ uploadId: 1, seq: 1 });
