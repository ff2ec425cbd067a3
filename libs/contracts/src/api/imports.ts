/**
 * 批量导入 Bulk import of CSV files (docs/adr/0020): the import job a file becomes, its row errors,
 * and the choices a client makes when it uploads one. Shared by every service that imports.
 */

/** What happens to the valid rows of a file with invalid ones. */
export const IMPORT_POLICIES = ['apply-valid', 'all-or-nothing'] as const;
export type ImportPolicy = (typeof IMPORT_POLICIES)[number];

/** Character sets a file may declare (`charset` parameter of Content-Type, or the `charset` query). */
export const IMPORT_CHARSETS = ['utf-8', 'gb18030', 'gbk', 'gb2312'] as const;
export type ImportCharset = (typeof IMPORT_CHARSETS)[number];

/**
 * queued 排队 -> validating 校验中 (all-or-nothing: every row checked before any is applied) ->
 * applying 导入中 -> done 完成 | rejected 已拒绝 (all-or-nothing with an invalid row: nothing applied) |
 * failed 失败 (the service could not finish; rows applied so far stay, the errors say where it stopped).
 */
export const IMPORT_STATUSES = ['queued', 'validating', 'applying', 'done', 'rejected', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

export const ImportPolicyQuerySchema = {
  type: 'string',
  enum: IMPORT_POLICIES,
  default: 'apply-valid',
  description:
    'apply-valid: apply the valid rows, list the invalid ones; all-or-nothing: apply nothing if any row is invalid. apply-valid 导入有效行；all-or-nothing 有任何无效行则全部不导入',
} as const;

export const ImportCharsetQuerySchema = {
  type: 'string',
  enum: IMPORT_CHARSETS,
  description:
    'The file’s encoding when Content-Type does not say; detected otherwise (UTF-8 with or without BOM, else GB18030, a superset of GBK). 文件编码；未声明时自动识别',
} as const;

export const ImportJobViewSchema = {
  type: 'object',
  required: [
    'id',
    'kind',
    'unitId',
    'policy',
    'status',
    'sha256',
    'charset',
    'bytes',
    'rowsTotal',
    'rowsDone',
    'rowsApplied',
    'rowsFailed',
    'createdAt',
    'finishedAt',
  ],
  properties: {
    id: { type: 'string' },
    kind: { type: 'string', description: 'What the rows are, e.g. teachers, attendance 导入类型' },
    unitId: { type: 'string', description: 'The unit the rows belong to 所属单位' },
    policy: { type: 'string', enum: IMPORT_POLICIES },
    status: { type: 'string', enum: IMPORT_STATUSES },
    sha256: { type: 'string', description: 'SHA-256 of the file as uploaded: the same file again returns this job 文件摘要' },
    charset: { type: 'string', description: 'The encoding the file was read in 实际使用的编码' },
    bytes: { type: 'integer' },
    rowsTotal: { type: 'integer', description: 'Data rows in the file (the header not counted) 数据行数' },
    rowsDone: { type: 'integer', description: 'Rows handled so far: progress is rowsDone of rowsTotal 已处理行数' },
    rowsApplied: { type: 'integer' },
    rowsFailed: { type: 'integer', description: 'Rows with at least one error 出错行数' },
    errorsStored: { type: 'integer', description: 'Row errors kept (at most 10,000 per job) 保存的错误条数' },
    createdAt: { type: 'string', format: 'date-time' },
    finishedAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

export const ImportRowErrorSchema = {
  type: 'object',
  required: ['row', 'column', 'rule', 'message'],
  properties: {
    row: { type: 'integer', description: 'Line of the file as a spreadsheet shows it: the header is row 1 行号（表头为第 1 行）' },
    column: { type: ['string', 'null'], description: 'Column named in the header, or null for the whole row 列名' },
    rule: { type: 'string', description: 'The rule the value broke, e.g. required, pattern, unknown-teacher 规则' },
    value: { type: ['string', 'null'], description: 'The value as read (at most 200 characters) 原值' },
    message: {
      type: 'object',
      required: ['zh', 'en'],
      properties: { zh: { type: 'string' }, en: { type: 'string' } },
    },
  },
} as const;
