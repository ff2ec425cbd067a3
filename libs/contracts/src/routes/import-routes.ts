/**
 * 批量导入 The bulk-import entries of the route table (docs/adr/0020): spread into `Routes`. A school's
 * CSV file is uploaded as it is (text/csv, streamed), becomes an import job, and is read back a job
 * and a page of row errors at a time.
 */
import { ImportCharsetQuerySchema, ImportJobViewSchema, ImportPolicyQuerySchema, ImportRowErrorSchema } from '../api/imports.js';
import { type Role, route } from './route.js';

/** The largest file an import takes: 16 MiB, about 250,000 attendance rows. */
export const IMPORT_MAX_BYTES = 16 * 1024 * 1024;
/** Who imports a school's records and reads the jobs: the school and the bureaus above it. */
const IMPORTERS = ['city-admin', 'county-admin', 'school-secretary'] as const satisfies readonly Role[];
const TAG = 'training imports 培训数据导入';
const idParam = (description: string) => ({ type: 'string', minLength: 1, maxLength: 200, description }) as const;

/** What each kind of file holds: its columns (header row, any order), documented with the route. */
export const TRAINING_IMPORT_KINDS = ['teachers', 'attendance'] as const;

export const ImportRoutes = {
  postTrainingSchoolImports: route({
    method: 'POST',
    path: '/api/v1/training/schools/{id}/imports/{kind}',
    service: 'training',
    tag: TAG,
    roles: IMPORTERS,
    summary: 'Upload a CSV file of teachers or attendance: an import job 上传 CSV 文件（教师名册或出勤），生成导入任务',
    description:
      'The body is the file itself (Content-Type text/csv), UTF-8 with or without BOM or GB18030/GBK as spreadsheet programs in mainland China save it: declared by `charset` (Content-Type or query) or detected. ' +
      'teachers: name,staffNumber,subject,birthYear,partyMember[,memberId]; attendance: sessionId,staffNumber[,hours][,assessment]. ' +
      'The header is checked at once (422), as are an empty file (422) and the size (413): nothing is applied then. ' +
      'Otherwise 202 with the job; GET it for progress and its errors page for the rows refused. The same file again (same SHA-256, unit, kind and policy) answers 200 with the same job and changes nothing. ' +
      '请求体为文件本身；同一文件再次上传返回同一任务，不重复导入。',
    params: {
      id: idParam('School id 学校标识'),
      kind: { type: 'string', enum: TRAINING_IMPORT_KINDS, description: 'teachers 教师名册 | attendance 出勤' },
    },
    query: { policy: ImportPolicyQuerySchema, charset: ImportCharsetQuerySchema },
    upload: {
      mediaTypes: ['text/csv'],
      maxBytes: IMPORT_MAX_BYTES,
      description: 'The CSV file, header row first (16 MiB at most) CSV 文件，首行为表头',
    },
    ok: { status: 202, schema: ImportJobViewSchema, description: 'A new job, running 新任务' },
    also: { status: 200, schema: ImportJobViewSchema, description: 'The same file was uploaded before: its job 已上传过的同一文件' },
    problems: {
      413: 'The file is larger than the limit (nothing applied) 文件过大',
      415: 'Not text/csv, or a charset not supported 内容类型或编码不支持',
      422: 'Wrong header row, or no data rows (nothing applied) 表头不符或没有数据行',
    },
  }),
  getTrainingImportsOne: route({
    method: 'GET',
    path: '/api/v1/training/imports/{id}',
    service: 'training',
    tag: TAG,
    roles: IMPORTERS,
    summary: 'An import job: status and progress (rows done of total) 导入任务：状态与进度',
    params: { id: idParam('Import job id 导入任务标识') },
    ok: { status: 200, schema: ImportJobViewSchema },
  }),
  getTrainingImportsErrors: route({
    method: 'GET',
    path: '/api/v1/training/imports/{id}/errors',
    service: 'training',
    tag: TAG,
    roles: IMPORTERS,
    summary: 'The row errors of an import job, by row: row, column, rule, message in Chinese and English 导入任务的行错误',
    params: { id: idParam('Import job id 导入任务标识') },
    paginated: { maxLimit: 500, defaultLimit: 100 },
    ok: { status: 200, schema: ImportRowErrorSchema },
  }),
} as const;
