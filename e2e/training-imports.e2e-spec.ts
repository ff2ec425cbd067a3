import { beforeAll, describe, expect, it } from '@jest/globals';
import iconv from 'iconv-lite';
import { problemTypeUrl } from '@pb/contracts';
import { api, eventually, tokenFor, uniqueId } from './support/env.js';
import { buildCity } from './support/orgs.js';

// CSV import through the gateway (docs/adr/0020): the file is streamed by the gateway to training as
// it arrives, in the charset the spreadsheet saved it in; the job is read back through the gateway.
describe('training imports through the gateway', () => {
  let school = '';
  let token = '';
  const csv = (bytes: Buffer, contentType = 'text/csv') => ({ bytes, contentType });

  beforeAll(async () => {
    const built = await buildCity(['east']);
    school = `${built.countyIds['east']}-s`;
    await built.ok('POST', '/api/v1/org-units', {
      id: school,
      code: uniqueId('S').toUpperCase(),
      name: '导入测试学校',
      kind: 'school',
      parentId: built.countyIds['east'],
    });
    token = await tokenFor(school, ['school-secretary']);
    const roster = ['姓名,工号,学科,出生年份,是否党员', ...Array.from({ length: 20 }, (_, i) => `教师${i},E${i},数学,1980,是`)].join(
      '\r\n',
    );
    // The roster in GBK, declared by the query: training learns the school from its topic first.
    const job = await eventually(
      'training to know the school',
      async () => {
        const res = await api('POST', `/api/v1/training/schools/${school}/imports/teachers?charset=gbk`, {
          token,
          file: csv(iconv.encode(roster, 'gbk')),
        });
        return res.status === 202 ? res.body : null;
      },
      120_000,
    );
    await eventually('the roster import to finish', async () => {
      const res = await api('GET', `/api/v1/training/imports/${String(job['id'])}`, { token });
      return res.body['status'] === 'done' ? res.body : null;
    });
  }, 180_000);

  it('a GBK attendance file (detected) is applied except its invalid rows, each named by row and column; the same file again is the same job', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => `e2e-${i % 10},E${i % 20},2`);
    rows[4] = 'e2e-0,E99,2';
    rows[8] = 'e2e-1,E1,九';
    const file = iconv.encode(['场次,工号,学时', ...rows].join('\r\n'), 'gbk');
    const first = await api('POST', `/api/v1/training/schools/${school}/imports/attendance`, { token, file: csv(file) });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ charset: 'gb18030', rowsTotal: 200, policy: 'apply-valid' });
    const job = await eventually('the attendance import to finish', async () => {
      const res = await api('GET', `/api/v1/training/imports/${String(first.body['id'])}`, { token });
      return res.body['status'] === 'done' ? res.body : null;
    });
    // Rows 4 and 8 repeat no pair of another row; every other (session, teacher) pair is there twice in 200 rows.
    expect(job).toMatchObject({ rowsDone: 200, rowsFailed: 2, rowsApplied: 198 });
    const errors = await api('GET', `/api/v1/training/imports/${String(first.body['id'])}/errors`, {
      token,
      headers: { 'accept-language': 'en' },
    });
    expect(errors.status).toBe(200);
    expect(errors.body['items']).toEqual([
      expect.objectContaining({ row: 6, column: 'staffNumber', rule: 'unknown-teacher' }),
      expect.objectContaining({ row: 10, column: 'hours', rule: 'type' }),
    ]);
    const again = await api('POST', `/api/v1/training/schools/${school}/imports/attendance`, { token, file: csv(file) });
    expect(again.status).toBe(200);
    expect(again.body['id']).toBe(first.body['id']);
  });

  it('refuses a wrong header (422) and JSON (415) before anything is applied', async () => {
    const path = `/api/v1/training/schools/${school}/imports/attendance`;
    const header = await api('POST', path, { token, file: csv(Buffer.from(`who,when\n${uniqueId('x')},1\n`)) });
    expect(header.status).toBe(422);
    expect(header.body['type']).toBe(problemTypeUrl('importHeader'));
    const json = await api('POST', path, { token, body: { sessionId: 'x' } });
    expect(json.status).toBe(415);
  });
});
