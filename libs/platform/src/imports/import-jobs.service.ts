import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { ImportPolicy, JsonSchema } from '@pb/contracts';
import { isDuplicateKey } from '@pb/persistence';
import { problem } from '../http/problem.js';
import { pageOf, type Page, type PageRequest } from '../http/pagination.js';
import { OrgUnitDirectory } from '../org-units/org-unit-directory.js';
import { Scope } from '../scope/scope.js';
import type { ScopedModel } from '../scope/scoped-model.js';
import { InjectScopedModel } from '../scope/scoped-model.provider.js';
import { CharsetSniffer, decodeLatin1, decodeStream, type CsvCharset } from './csv-decoding.js';
import { csvRecords, csvRowChecker, csvRows, csvShape, matchHeader, type CsvColumn, type CsvRow, type RowError } from './csv-records.js';
import {
  IMPORT_FILE_CHUNK_MODEL,
  IMPORT_JOB_MODEL,
  IMPORT_ROW_ERROR_MODEL,
  type ImportFileChunk,
  type ImportJob,
  type ImportRowErrorDoc,
} from './import-job.schema.js';
import { IMPORT_BATCH_ROWS, MAX_STORED_ERRORS } from './import-limits.js';
import { emptyFile, limitBytes } from './upload.js';

/** A row that passed its schema: its spreadsheet row number and its value, typed by the importer. */
export interface ParsedRow<Row> {
  row: number;
  value: Row;
}

/**
 * What one kind of file brings into a service (teachers, attendance...): its columns, the JSON Schema of
 * one row, and the two steps against the service's own data. Both take the uploader's scope; applying a
 * row a second time must change nothing (a re-run after a stopped process repeats rows).
 */
export interface RowImporter<Row = unknown> {
  readonly kind: string;
  readonly columns: readonly CsvColumn[];
  /** Rows per `check`/`apply` call (default `IMPORT_BATCH_ROWS`); `FOLDED_IMPORT_BATCH_ROWS` where rows fold into fewer writes. */
  readonly batchRows?: number;
  /** One row as an object of its columns' values (text, coerced like a query string). */
  readonly rowSchema: JsonSchema;
  /** Cells as written to values the row schema takes (e.g. 是/否 to true/false), before the check. */
  prepare?(cells: Record<string, string>): Record<string, string>;
  /** The rows' errors against the store, writing nothing (all-or-nothing's first pass). */
  check(scope: Scope, unitId: string, rows: ParsedRow<Row>[]): Promise<RowError[]>;
  /** Applies the rows; returns the errors of those it refused (the others are applied). */
  apply(scope: Scope, unitId: string, rows: ParsedRow<Row>[]): Promise<RowError[]>;
}

/** The importers of a service, by kind: `ImportJobsModule.register` provides them under this token. */
export const ROW_IMPORTERS = Symbol('ROW_IMPORTERS');

export interface ImportJobView {
  id: string;
  kind: string;
  unitId: string;
  policy: ImportPolicy;
  status: ImportJob['status'];
  sha256: string;
  charset: CsvCharset;
  bytes: number;
  rowsTotal: number;
  rowsDone: number;
  rowsApplied: number;
  rowsFailed: number;
  errorsStored: number;
  createdAt: string;
  finishedAt: string | null;
}

export interface ImportRowErrorView {
  row: number;
  column: string | null;
  rule: string;
  value: string | null;
  message: { zh: string; en: string };
}

export interface UploadRequest {
  kind: string;
  unitId: string;
  policy: ImportPolicy;
  /** Declared by the client (`declaredCharset`); detected from the bytes when undefined. */
  charset: CsvCharset | undefined;
  maxBytes: number;
}

const CHUNK_BYTES = 256 * 1024;
/** A job whose process has not written for this long is taken over at start. */
const STALE_AFTER_MS = 120_000;

const view = (j: ImportJob): ImportJobView => ({
  id: j._id,
  kind: j.kind,
  unitId: j.unitId,
  policy: j.policy,
  status: j.status,
  sha256: j.sha256,
  charset: j.charset,
  bytes: j.bytes,
  rowsTotal: j.rowsTotal,
  rowsDone: j.rowsDone,
  rowsApplied: j.rowsApplied,
  rowsFailed: j.rowsFailed,
  errorsStored: j.errorsStored,
  createdAt: j.createdAt.toISOString(),
  finishedAt: j.finishedAt ? j.finishedAt.toISOString() : null,
});

/** Groups an async sequence into arrays of at most `size`. */
async function* batches<T>(source: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const item of source) {
    batch.push(item);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * Yields what `source` yields, asking it for the next item while the caller works on the current one
 * (one item ahead): the next batch is read from the store and parsed while the current one is applied.
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  let next = it.next();
  try {
    for (;;) {
      const r = await next;
      if (r.done) return;
      next = it.next();
      // A failure of the read ahead surfaces at the await above, on the next turn; not unhandled meanwhile.
      next.catch(() => undefined);
      yield r.value;
    }
  } finally {
    await it.return?.(undefined);
  }
}

/**
 * 批量导入 Import jobs (docs/adr/0020): an uploaded CSV file is streamed into the store in chunks while
 * it is hashed, its charset told and its records counted; its header is checked at once. The same file
 * (unit, kind, policy, SHA-256) finds its earlier job. A new job then runs in the background a batch
 * of rows at a time, each row checked against the importer's schema and applied with the uploader's
 * scope, its progress and errors written as it goes. Jobs run one at a time per process.
 */
@Injectable()
export class ImportJobs implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ImportJobs');
  private readonly importers: Map<string, RowImporter>;
  private queue: Promise<void> = Promise.resolve();
  private stopping = false;

  constructor(
    @InjectScopedModel(IMPORT_JOB_MODEL) private readonly jobs: ScopedModel<ImportJob>,
    @InjectModel(IMPORT_ROW_ERROR_MODEL) private readonly errors: Model<ImportRowErrorDoc>,
    @InjectModel(IMPORT_FILE_CHUNK_MODEL) private readonly chunks: Model<ImportFileChunk>,
    private readonly tree: OrgUnitDirectory,
    @Inject(ROW_IMPORTERS) importers: RowImporter[],
  ) {
    this.importers = new Map(importers.map((i) => [i.kind, i]));
  }

  private get system() {
    return this.jobs.unscoped(Scope.system('import jobs: run and take over jobs'));
  }

  /** Takes over jobs a stopped process left unfinished (their rows are applied again: applying is idempotent). */
  async onApplicationBootstrap() {
    const stale = await this.system
      .find(
        { status: { $in: ['queued', 'validating', 'applying'] }, heartbeatAt: { $lt: new Date(Date.now() - STALE_AFTER_MS) } },
        { _id: 1 },
      )
      .lean<{ _id: string }[]>();
    for (const { _id } of stale) this.schedule(_id, true);
  }

  onApplicationShutdown() {
    this.stopping = true;
  }

  /** Resolves once every job scheduled so far has finished (tests and benchmarks wait on it). */
  idle(): Promise<void> {
    return this.queue;
  }

  /**
   * Takes an uploaded file: the unit checked against the scope (404), the bytes counted (413), the
   * header (422) and the rows (422 when none) checked, nothing applied on any of these. Answers the
   * job: a new one (`created`), or the one the same file made before.
   */
  async upload(scope: Scope, request: UploadRequest, body: AsyncIterable<Uint8Array>): Promise<{ job: ImportJobView; created: boolean }> {
    const importer = this.importers.get(request.kind);
    if (!importer) throw problem.notFound({ zh: `没有 ${request.kind} 类导入`, en: `no import of kind ${request.kind}` });
    const unitId = await scope.unit(request.unitId, this.tree.pathOf);
    const uploadId = randomUUID();
    try {
      const file = await this.receive(uploadId, body, request.maxBytes);
      const charset = request.charset ?? file.charset;
      if (!file.header) throw emptyFile();
      matchHeader(
        importer.columns,
        file.header.map((h) => decodeLatin1(h, charset)),
      );
      if (file.rows === 0) throw emptyFile();
      const key = [unitId, request.kind, request.policy, file.sha256].join('|');
      const existing = await this.jobs.findOne(scope, { key }).lean<ImportJob>();
      if (existing) {
        await this.dropFile(uploadId);
        return { job: view(existing), created: false };
      }
      const now = new Date();
      const job: ImportJob = {
        _id: randomUUID(),
        key,
        kind: request.kind,
        unitId,
        unitPath: [...((await this.tree.pathOf(unitId)) ?? [unitId])],
        policy: request.policy,
        status: 'queued',
        sha256: file.sha256,
        charset,
        bytes: file.bytes,
        uploadId,
        chunks: file.chunks,
        rowsTotal: file.rows,
        rowsDone: 0,
        rowsApplied: 0,
        rowsFailed: 0,
        errorsStored: 0,
        createdBy: scope.actor,
        createdAt: now,
        finishedAt: null,
        heartbeatAt: now,
        failure: null,
      };
      try {
        // The unit was checked against the caller's scope above.
        await this.system.create(job);
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // The same file, uploaded twice at once: the other upload's job.
        await this.dropFile(uploadId);
        return { job: view((await this.jobs.findOne(scope, { key }).lean<ImportJob>())!), created: false };
      }
      this.schedule(job._id, false);
      return { job: view(job), created: true };
    } catch (err) {
      await this.dropFile(uploadId).catch(() => undefined);
      throw err;
    }
  }

  /** One job in the caller's subtree (404 otherwise). */
  async get(scope: Scope, id: string): Promise<ImportJobView> {
    return view(await this.jobs.get(scope, id));
  }

  /** A page of a job's row errors in row order (the job in the caller's subtree, 404 otherwise). */
  async errorsPage(scope: Scope, id: string, page: PageRequest): Promise<Page<ImportRowErrorView>> {
    await this.jobs.get(scope, id, { _id: 1 });
    const query: Record<string, unknown> = { jobId: id };
    if (page.after) query['_id'] = { $gt: page.after[0] };
    const docs = await this.errors
      .find(query)
      .sort({ _id: 1 })
      .limit(page.limit + 1)
      .lean<ImportRowErrorDoc[]>();
    const page_ = pageOf(docs, page.limit, (e) => [e._id]);
    return {
      ...page_,
      items: page_.items.map((e) => ({ row: e.row, column: e.column, rule: e.rule, value: e.value, message: e.message })),
    };
  }

  /** Streams the body into chunks of the store while hashing it, telling its charset and counting its records. */
  private async receive(uploadId: string, body: AsyncIterable<Uint8Array>, maxBytes: number) {
    const hash = createHash('sha256');
    const sniffer = new CharsetSniffer();
    let bytes = 0;
    let seq = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      if (pendingBytes === 0) return;
      const data = Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      await this.chunks.create({ _id: `${uploadId}:${seq}`, uploadId, seq, data });
      seq++;
    };
    async function* tap(): AsyncGenerator<Buffer> {
      for await (const chunk of limitBytes(body, maxBytes)) {
        hash.update(chunk);
        sniffer.push(chunk);
        bytes += chunk.length;
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes >= CHUNK_BYTES) await flush();
        yield chunk;
      }
    }
    const { header, rows } = await csvShape(tap(), { latin1: true });
    await flush();
    return { sha256: hash.digest('hex'), charset: sniffer.result(), bytes, chunks: seq, header, rows };
  }

  private async dropFile(uploadId: string) {
    await this.chunks.deleteMany({ uploadId });
  }

  /** The stored file's bytes in order, one chunk in memory at a time. */
  private async *file(job: ImportJob): AsyncGenerator<Buffer> {
    for (let seq = 0; seq < job.chunks; seq++) {
      const chunk = await this.chunks.findById(`${job.uploadId}:${seq}`).lean<ImportFileChunk>();
      if (!chunk) throw new Error(`import ${job._id}: chunk ${seq} of the file is missing`);
      yield bytesOf(chunk.data);
    }
  }

  private schedule(id: string, takeOver: boolean) {
    this.queue = this.queue.then(() =>
      this.run(id, takeOver).catch((err: unknown) =>
        this.logger.error(`import ${id} failed: ${err instanceof Error ? err.stack : String(err)}`),
      ),
    );
  }

  /** The rows of the stored file, header matched again in the job's charset. */
  private async *rows(job: ImportJob, importer: RowImporter): AsyncGenerator<CsvRow> {
    const records = csvRecords(decodeStream(this.file(job), job.charset));
    const first = await records.next();
    if (first.done) return;
    yield* csvRows(records, matchHeader(importer.columns, first.value[1]));
  }

  private async run(id: string, takeOver: boolean): Promise<void> {
    if (this.stopping) return;
    const now = new Date();
    // Claimed by moving its heartbeat: of two processes taking over one job, one wins.
    const claimed = await this.system
      .findOneAndUpdate(
        {
          _id: id,
          status: { $in: ['queued', 'validating', 'applying'] },
          ...(takeOver ? { heartbeatAt: { $lt: new Date(now.getTime() - STALE_AFTER_MS) } } : {}),
        },
        { $set: { heartbeatAt: now, rowsDone: 0, rowsApplied: 0, rowsFailed: 0, errorsStored: 0 } },
        { new: true },
      )
      .lean<ImportJob>();
    if (!claimed) return;
    const importer = this.importers.get(claimed.kind);
    if (!importer) return;
    const job = claimed;
    await this.errors.deleteMany({ jobId: id });
    // A batch's progress is written while the next batch is applied (writes wait their turn in the
    // store); one in flight at a time, in order, and the last one settled before the job's end is written.
    let progressing: Promise<void> = Promise.resolve();
    try {
      const scope = Scope.of(job.createdBy);
      const check = csvRowChecker<unknown>(importer.rowSchema);
      const counts = { done: 0, applied: 0, failed: 0, stored: 0 };
      const progress = async (status: 'validating' | 'applying') => {
        await progressing;
        progressing = this.progress(job, status, { ...counts });
        progressing.catch(() => undefined);
      };
      const pass = async (status: 'validating' | 'applying', apply: boolean) => {
        counts.done = 0;
        await progress(status);
        for await (const batch of readAhead(batches(this.rows(job, importer), importer.batchRows ?? IMPORT_BATCH_ROWS))) {
          if (this.stopping) throw new Error('the service is stopping');
          const valid: ParsedRow<unknown>[] = [];
          const invalid: RowError[] = [];
          for (const row of batch) {
            const r = check(importer.prepare ? { ...row, cells: importer.prepare(row.cells) } : row);
            if (r.errors.length === 0) valid.push({ row: row.row, value: r.value });
            else invalid.push(...r.errors);
          }
          const refused =
            valid.length === 0
              ? []
              : apply
                ? await importer.apply(scope, job.unitId, valid)
                : await importer.check(scope, job.unitId, valid);
          const refusedRows = new Set(refused.map((e) => e.row)).size;
          counts.done += batch.length;
          counts.failed += new Set(invalid.map((e) => e.row)).size + refusedRows;
          if (apply) counts.applied += valid.length - refusedRows;
          await this.storeErrors(
            job,
            [...invalid, ...refused].sort((a, b) => a.row - b.row),
            counts,
          );
          await progress(status);
        }
      };
      if (job.policy === 'all-or-nothing') {
        await pass('validating', false);
        await progressing;
        if (counts.failed > 0) return await this.finish(job, 'rejected', counts);
        counts.failed = 0;
        await pass('applying', true);
      } else {
        await pass('applying', true);
      }
      await progressing;
      await this.finish(job, 'done', counts);
    } catch (err) {
      await progressing.catch(() => undefined);
      if (this.stopping) return;
      const failure = err instanceof Error ? err.message : String(err);
      await this.system.updateOne({ _id: id }, { $set: { status: 'failed', failure, finishedAt: new Date() } });
      await this.dropFile(job.uploadId);
      throw err;
    }
  }

  private async storeErrors(job: ImportJob, errors: RowError[], counts: { stored: number }) {
    const room = Math.max(0, MAX_STORED_ERRORS - counts.stored);
    const kept = errors.slice(0, room);
    if (kept.length === 0) return;
    await this.errors.insertMany(
      kept.map((e, i) => ({
        _id: `${job._id}:${String(e.row).padStart(10, '0')}:${String(counts.stored + i).padStart(5, '0')}`,
        jobId: job._id,
        row: e.row,
        column: e.column,
        rule: e.rule,
        message: e.message,
        value: e.value ?? null,
      })),
      { ordered: false },
    );
    counts.stored += kept.length;
  }

  private async progress(
    job: ImportJob,
    status: ImportJob['status'],
    c: { done: number; applied: number; failed: number; stored: number },
  ) {
    await this.system.updateOne(
      { _id: job._id },
      { $set: { status, rowsDone: c.done, rowsApplied: c.applied, rowsFailed: c.failed, errorsStored: c.stored, heartbeatAt: new Date() } },
    );
  }

  private async finish(job: ImportJob, status: 'done' | 'rejected', c: { done: number; applied: number; failed: number; stored: number }) {
    await this.system.updateOne(
      { _id: job._id },
      {
        $set: {
          status,
          rowsDone: c.done,
          rowsApplied: c.applied,
          rowsFailed: c.failed,
          errorsStored: c.stored,
          finishedAt: new Date(),
          heartbeatAt: new Date(),
        },
      },
    );
    await this.dropFile(job.uploadId);
  }
}

/** A stored Buffer as the driver answers it (a BSON Binary on a lean read). */
function bytesOf(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data;
  const binary = data as { buffer: Uint8Array; position?: number };
  const bytes = typeof binary.position === 'number' ? binary.buffer.subarray(0, binary.position) : binary.buffer;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
