import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import type { JsonSchema } from '@pb/contracts';
import { problem, type Bilingual } from '../http/problem.js';
import { schemaChecker } from '../http/schema.pipe.js';

/** A column of an import template: its name in the API, and the Chinese headings a spreadsheet may carry instead. */
export interface CsvColumn {
  name: string;
  /** Other headings read as this column (e.g. 工号 for staffNumber), compared without case and spaces. */
  aliases?: readonly string[];
  required: boolean;
}

/** One refused row of a file: where (row as a spreadsheet numbers it, header row 1; column), why, in both languages. */
export interface RowError {
  row: number;
  column: string | null;
  rule: string;
  message: Bilingual;
  value?: string | null;
}

/** One data row: its spreadsheet row number and its non-empty cells by column name. */
export interface CsvRow {
  row: number;
  cells: Record<string, string>;
  /** Cells beyond the header (a row with more values than columns). */
  extra: number;
}

const normal = (s: string) => s.replace(/\s+/g, '').toLowerCase();

/**
 * The columns of a header row against the template: each heading a column's name or alias, every
 * required column present, none twice. Anything else is the import-header problem (422) naming each
 * heading at fault, before any row is read.
 */
export function matchHeader(columns: readonly CsvColumn[], header: readonly string[]): string[] {
  const byHeading = new Map<string, string>();
  for (const c of columns) for (const h of [c.name, ...(c.aliases ?? [])]) byHeading.set(normal(h), c.name);
  const names: string[] = [];
  const errors: { pointer: string; rule: string; message: Bilingual }[] = [];
  header.forEach((heading, i) => {
    const name = byHeading.get(normal(heading));
    if (!name) {
      errors.push({
        pointer: `/header/${i}`,
        rule: 'unknown-column',
        message: { zh: `第 ${i + 1} 列“${heading}”不是模板中的列`, en: `column ${i + 1} "${heading}" is not a column of the template` },
      });
    } else if (names.includes(name)) {
      errors.push({
        pointer: `/header/${i}`,
        rule: 'duplicate-column',
        message: { zh: `列 ${name} 重复`, en: `column ${name} appears twice` },
      });
    }
    names.push(name ?? '');
  });
  for (const c of columns) {
    if (c.required && !names.includes(c.name)) {
      errors.push({
        pointer: `/header/${c.name}`,
        rule: 'required',
        message: { zh: `缺少列 ${c.name}`, en: `column ${c.name} is missing` },
      });
    }
  }
  if (errors.length > 0) {
    const expected = columns.map((c) => c.name + (c.required ? '' : '?')).join(',');
    throw problem.importHeader(
      {
        zh: `表头应为 ${expected}（顺序不限），未导入任何数据`,
        en: `the header row must be ${expected} (any order); nothing was imported`,
      },
      errors,
    );
  }
  return names;
}

/** The parser of every pass over a file: cells trimmed, rows of any length, blank lines kept (they keep their numbers). */
const parserOptions = (options: { latin1?: boolean }) => ({
  bom: false,
  trim: true,
  relax_column_count: true,
  skip_empty_lines: false,
  ...(options.latin1 ? { encoding: 'latin1' as const } : {}),
});

const blank = (record: readonly string[]) => record.every((c) => c === '');

/** csv-parse's error as the 400 naming the line; anything else as it is. */
function csvProblem(err: unknown): unknown {
  if (err instanceof Error && 'code' in err && String((err as { code: unknown }).code).startsWith('CSV_')) {
    const line = (err as { lines?: number }).lines;
    return problem.validation(
      {
        zh: `CSV 格式错误（约第 ${line ?? '?'} 行），未导入任何数据`,
        en: `malformed CSV (near line ${line ?? '?'}); nothing was imported`,
      },
      [{ pointer: '/body', rule: 'csv', message: { zh: 'CSV 格式错误', en: err.message } }],
    );
  }
  return err;
}

/**
 * The records of CSV text or bytes as they stream by (csv-parse), each with its record number
 * (the header is record 1, as a spreadsheet shows it). Cells are trimmed; a record of empty cells
 * only is skipped but keeps its number. A broken file (an unclosed quote) is a 400 naming the line.
 * `latin1`: bytes read one to one as characters, for a first pass that does not know the charset yet.
 */
export async function* csvRecords(
  source: AsyncIterable<string | Uint8Array>,
  options: { latin1?: boolean } = {},
): AsyncGenerator<[number, string[]]> {
  const parser = parse(parserOptions(options));
  const feeding = pipeline(Readable.from(source, { objectMode: false }), parser);
  feeding.catch(() => undefined);
  let n = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      n++;
      if (blank(record)) continue;
      yield [n, record];
    }
    await feeding;
  } catch (err) {
    throw csvProblem(err);
  }
}

/**
 * What the upload needs of a file, read once as it streams by: its header (the first record that is
 * not blank) and how many records follow it that `csvRecords` would yield, the same parser and the
 * same 400 for a broken file. Records are counted inside the parser and never queued, so none of
 * them outlives its chunk of the stream.
 */
export async function csvShape(
  source: AsyncIterable<string | Uint8Array>,
  options: { latin1?: boolean } = {},
): Promise<{ header: string[] | undefined; rows: number }> {
  let header: string[] | undefined;
  let rows = 0;
  const parser = parse({
    ...parserOptions(options),
    on_record: (record: string[]) => {
      if (blank(record)) return null;
      if (header === undefined) header = record;
      else rows++;
      return null;
    },
  });
  parser.resume();
  try {
    await pipeline(Readable.from(source, { objectMode: false }), parser);
  } catch (err) {
    throw csvProblem(err);
  }
  return { header, rows };
}

/** Records after the header as rows of cells by column name (`names` from `matchHeader`). */
export async function* csvRows(records: AsyncIterable<[number, string[]]>, names: readonly string[]): AsyncGenerator<CsvRow> {
  for await (const [row, values] of records) {
    const cells: Record<string, string> = {};
    values.forEach((v, i) => {
      const name = names[i];
      if (name && v !== '') cells[name] = v;
    });
    yield { row, cells, extra: Math.max(0, values.length - names.length) };
  }
}

/**
 * A checker of rows against the JSON Schema of one row (the platform's validation, docs/adr/0018):
 * cells are text, so numbers and booleans are coerced as in a query string; each broken rule is one
 * `RowError` naming the row, the column and the rule. Returns the row's value (coerced) when valid.
 */
export function csvRowChecker<T>(
  rowSchema: JsonSchema,
): (row: CsvRow) => { value: T; errors: [] } | { value: undefined; errors: RowError[] } {
  const check = schemaChecker(rowSchema, { query: true });
  return (row) => {
    const value: Record<string, unknown> = { ...row.cells };
    const errors: RowError[] = check(value).map((p) => {
      const column = p.pointer.split('/')[1] || null;
      return { row: row.row, column, rule: p.rule, message: p.message, value: column ? (row.cells[column]?.slice(0, 200) ?? null) : null };
    });
    if (row.extra > 0) {
      errors.push({
        row: row.row,
        column: null,
        rule: 'column-count',
        message: { zh: `多出 ${row.extra} 个值（超出表头的列数）`, en: `${row.extra} value(s) beyond the header's columns` },
        value: null,
      });
    }
    return errors.length === 0 ? { value: value as T, errors: [] } : { value: undefined, errors };
  };
}
