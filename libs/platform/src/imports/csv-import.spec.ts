import { Readable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import iconv from 'iconv-lite';
import { problemTypeUrl } from '@pb/contracts';
import { ProblemException } from '../http/problem.js';
import { CharsetSniffer, declaredCharset, decodeLatin1, decodeStream } from './csv-decoding.js';
import { csvRecords, csvRowChecker, csvRows, csvShape, matchHeader, type CsvColumn } from './csv-records.js';
import { readAhead } from './import-jobs.service.js';
import { limitBytes } from './upload.js';

/** The bytes in pieces of `size`, as a request stream delivers them. */
function chunked(bytes: Buffer, size: number): AsyncIterable<Buffer> {
  const pieces: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) pieces.push(bytes.subarray(i, i + size));
  return Readable.from(pieces);
}
const collect = async <T>(source: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const x of source) out.push(x);
  return out;
};
const sniff = (bytes: Buffer, size = 3) => {
  const s = new CharsetSniffer();
  for (let i = 0; i < bytes.length; i += size) s.push(bytes.subarray(i, i + size));
  return s.result();
};
const problemOf = async (p: Promise<unknown>): Promise<ProblemException> => {
  try {
    await p;
  } catch (err) {
    if (err instanceof ProblemException) return err;
    throw err;
  }
  throw new Error('expected a problem');
};

const TEXT = '姓名,工号\r\n王小明,T001\r\n李四,T002\r\n';

describe('charset of an uploaded CSV', () => {
  it('reads a declared charset from Content-Type, else from the query; GBK and GB2312 as GB18030', () => {
    expect(declaredCharset('text/csv; charset=GBK')).toBe('gb18030');
    expect(declaredCharset('text/csv;charset="utf-8"')).toBe('utf-8');
    expect(declaredCharset('text/csv', 'gb2312')).toBe('gb18030');
    expect(declaredCharset('text/csv')).toBeUndefined();
  });

  it('refuses a charset it cannot read with 415', () => {
    expect(() => declaredCharset('text/csv; charset=big5')).toThrow(ProblemException);
    try {
      declaredCharset(undefined, 'shift_jis');
    } catch (err) {
      expect((err as ProblemException).getStatus()).toBe(415);
    }
  });

  it('detects UTF-8 with and without BOM, and GBK, over chunks that split characters', () => {
    const utf8 = Buffer.from(TEXT, 'utf8');
    expect(sniff(utf8)).toBe('utf-8');
    expect(sniff(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]))).toBe('utf-8');
    expect(sniff(iconv.encode(TEXT, 'gbk'))).toBe('gb18030');
    expect(sniff(Buffer.from('sessionId,staffNumber\nx,T1\n'))).toBe('utf-8');
    // A file cut inside a multi-byte sequence is not UTF-8.
    expect(sniff(utf8.subarray(0, 4))).toBe('gb18030');
  });

  it('decodes GBK and UTF-8 (dropping the BOM) across chunk boundaries inside a character', async () => {
    const gbk = iconv.encode(TEXT, 'gbk');
    expect((await collect(decodeStream(chunked(gbk, 1), 'gb18030'))).join('')).toBe(TEXT);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT, 'utf8')]);
    expect((await collect(decodeStream(chunked(bom, 2), 'utf-8'))).join('')).toBe(TEXT);
  });

  it('turns a heading read as latin1 back into its text', () => {
    const heading = iconv.encode('工号', 'gbk').toString('latin1');
    expect(decodeLatin1(heading, 'gb18030')).toBe('工号');
    expect(decodeLatin1(Buffer.from('\uFEFF工号', 'utf8').toString('latin1'), 'utf-8')).toBe('工号');
  });
});

describe('CSV records and rows', () => {
  it('numbers records as a spreadsheet does (header row 1), skips blank lines but keeps their numbers, trims cells, reads quoted commas and newlines', async () => {
    const text = 'a,b\n1, x \n\n"2,5","multi\nline"\n3,y\n';
    const records = await collect(csvRecords(chunked(Buffer.from(text), 4)));
    expect(records).toEqual([
      [1, ['a', 'b']],
      [2, ['1', 'x']],
      [4, ['2,5', 'multi\nline']],
      [5, ['3', 'y']],
    ]);
  });

  it('answers a malformed file (an unclosed quote) with a 400 naming the CSV rule', async () => {
    const p = await problemOf(collect(csvRecords(chunked(Buffer.from('a,b\n"1,2\n'), 3))));
    expect(p.getStatus()).toBe(400);
    expect(p.fieldErrors[0]).toMatchObject({ pointer: '/body', rule: 'csv' });
  });

  it("tells an upload's header and row count as the records would (blank lines first and between, quoted newlines), and refuses a malformed file alike", async () => {
    const text = '\n , \na,b\n1, x \n\n"2,5","multi\nline"\n3,y\n   \n';
    const records = await collect(csvRecords(chunked(Buffer.from(text), 4), { latin1: true }));
    expect(await csvShape(chunked(Buffer.from(text), 4), { latin1: true })).toEqual({
      header: records[0][1],
      rows: records.length - 1,
    });
    expect(await csvShape(chunked(Buffer.from('\n\n'), 1))).toEqual({ header: undefined, rows: 0 });
    const p = await problemOf(csvShape(chunked(Buffer.from('a,b\n"1,2\n'), 3)));
    expect(p.getStatus()).toBe(400);
    expect(p.fieldErrors[0]).toMatchObject({ pointer: '/body', rule: 'csv' });
  });

  const columns: CsvColumn[] = [
    { name: 'staffNumber', aliases: ['工号'], required: true },
    { name: 'hours', aliases: ['学时'], required: false },
  ];

  it('matches headings by name or Chinese alias in any order', () => {
    expect(matchHeader(columns, ['学时', ' 工号 '])).toEqual(['hours', 'staffNumber']);
    expect(matchHeader(columns, ['StaffNumber'])).toEqual(['staffNumber']);
  });

  it('refuses a wrong header with the import-header problem naming each heading at fault', () => {
    try {
      matchHeader(columns, ['hours', 'hours', 'name']);
      throw new Error('expected a problem');
    } catch (err) {
      const p = err as ProblemException;
      expect(p.getStatus()).toBe(422);
      expect(p.problemType).toBe(problemTypeUrl('importHeader'));
      expect(p.fieldErrors.map((e) => [e.pointer, e.rule])).toEqual([
        ['/header/1', 'duplicate-column'],
        ['/header/2', 'unknown-column'],
        ['/header/staffNumber', 'required'],
      ]);
      expect(p.fieldErrors[2].message.zh).toContain('缺少列');
    }
  });

  it('checks each row against the JSON Schema of a row: row, column, rule, value and a zh+en message per broken rule', async () => {
    const check = csvRowChecker<{ staffNumber: string; hours?: number }>({
      type: 'object',
      required: ['staffNumber'],
      properties: { staffNumber: { type: 'string', pattern: '^T\\d+$' }, hours: { type: 'number', maximum: 24 } },
    });
    const records = csvRecords(chunked(Buffer.from('staffNumber,hours\nT1,2.5\nX1,99\n,3\nT2,1,extra\n'), 5));
    const header = (await records.next()).value as [number, string[]];
    const results = (await collect(csvRows(records, matchHeader(columns, header[1])))).map(check);
    expect(results[0]).toEqual({ value: { staffNumber: 'T1', hours: 2.5 }, errors: [] });
    expect(results[1].errors.map((e) => [e.row, e.column, e.rule, e.value])).toEqual([
      [3, 'staffNumber', 'pattern', 'X1'],
      [3, 'hours', 'maximum', '99'],
    ]);
    expect(results[2].errors).toEqual([
      expect.objectContaining({
        row: 4,
        column: 'staffNumber',
        rule: 'required',
        message: { zh: '缺少必填栏位 staffNumber', en: 'staffNumber is required' },
      }),
    ]);
    expect(results[3].errors).toEqual([expect.objectContaining({ row: 5, column: null, rule: 'column-count' })]);
  });
});

describe('upload size', () => {
  it('passes bytes within the limit and refuses with 413 as soon as the count passes it', async () => {
    expect(Buffer.concat(await collect(limitBytes(chunked(Buffer.alloc(10), 4), 10))).length).toBe(10);
    const p = await problemOf(collect(limitBytes(chunked(Buffer.alloc(11), 4), 10)));
    expect(p.getStatus()).toBe(413);
    expect(p.problemType).toBe(problemTypeUrl('fileTooLarge'));
  });
});

describe('import batches read ahead', () => {
  /** Batches 1..3, then a failure (a broken file found further down), logging each read and the close. */
  function source(log: string[]) {
    return (async function* () {
      try {
        for (let i = 1; i <= 3; i++) {
          log.push(`read ${i}`);
          yield await Promise.resolve(i);
        }
        log.push('read 4');
        throw new Error('broken file');
      } finally {
        log.push('closed');
      }
    })();
  }

  it('reads the next batch while one is worked on, yields them in order, and a failure of the read ahead comes at its turn', async () => {
    const log: string[] = [];
    let failure: unknown;
    try {
      for await (const n of readAhead(source(log))) {
        log.push(`work ${n}`);
        await new Promise((r) => setImmediate(r));
        log.push(`done ${n}`);
      }
    } catch (err) {
      failure = err;
    }
    expect((failure as Error).message).toBe('broken file');
    // Batch 2 is read before batch 1's work ends; every batch is worked on before the failure is thrown.
    expect(log.indexOf('read 2')).toBeLessThan(log.indexOf('done 1'));
    expect(log.filter((l) => l.startsWith('done'))).toEqual(['done 1', 'done 2', 'done 3']);
    // The failure happened while batch 3 was worked on (read ahead), and is thrown only after it.
    expect(log.indexOf('read 4')).toBeLessThan(log.indexOf('done 3'));
    expect(log.filter((l) => l === 'closed')).toHaveLength(1);
  });

  it('closes the source when the caller stops early (a stopping service), without an unhandled failure', async () => {
    const log: string[] = [];
    for await (const n of readAhead(source(log))) if (n === 1) break;
    expect(log).toEqual(['read 1', 'read 2', 'closed']);
  });
});
