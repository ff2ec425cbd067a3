import { describe, expect, it } from '@jest/globals';
import {
  Conformance,
  KNOWN_SCHEMA_GAPS,
  KNOWN_STATUS_GAPS,
  operationsWithoutSchema,
  type OpenApiDocument,
} from './support/openapi-conformance.js';
import { e2e } from './support/env.js';

// The check every e2e answer goes through (support/env.ts `api`, failing the test in
// support/conformance-hook.ts), and the one list of operations it lets through without a schema.

const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
const doc: OpenApiDocument = {
  components: { schemas: { Problem: { type: 'object', required: ['type', 'status'], properties: { status: { type: 'integer' } } } } },
  paths: {
    '/things/{id}': {
      get: {
        responses: {
          '200': {
            content: { 'application/json': { schema: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } } },
          },
          '404': { content: problem },
        },
      },
      delete: { responses: { '204': {} } },
    },
    '/things/mine': { get: { responses: { '200': { content: { 'application/json': { schema: { type: 'array' } } } } } } },
    '/bare': { get: { responses: { '200': {} } } },
  },
};
const answer = (status: number, body: unknown, path = '/things/t1', contentType: string | null = 'application/json; charset=utf-8') => ({
  method: 'GET',
  path,
  status,
  contentType,
  body,
});

describe('conformance of answers to the OpenAPI document', () => {
  const check = new Conformance(doc, ['GET /bare']);

  it('passes an answer with a documented status, content type and a body valid against the schema', () => {
    expect(check.check(answer(200, { id: 't1' }))).toEqual([]);
    expect(check.check(answer(404, { type: 'about:blank', status: 404 }, '/things/t1?x=1', 'application/problem+json'))).toEqual([]);
    expect(check.check({ ...answer(204, undefined, '/things/t1', null), method: 'DELETE' })).toEqual([]);
  });

  it('fails a status the operation does not document, unless it is a known gap', () => {
    expect(check.check(answer(409, { type: 'x', status: 409 }, '/things/t1', 'application/problem+json'))).toEqual([
      'GET /things/{id} answered 409, which the document does not list (200, 404)',
    ]);
    const lenient = new Conformance(doc, [], ['GET /things/{id} 409']);
    expect(lenient.check(answer(409, { type: 'x', status: 409 }, '/things/t1', 'application/problem+json'))).toEqual([]);
  });

  it('fails a content type the answer does not document', () => {
    expect(check.check(answer(200, 'id\nt1', '/things/t1', 'text/csv'))).toEqual([
      'GET /things/{id} answered 200 as text/csv; the document says application/json',
    ]);
  });

  it('fails a body that breaks the schema, naming where', () => {
    expect(check.check(answer(200, { id: 7 }))).toEqual([
      'GET /things/{id} answered 200 with a body that breaks its schema: /id must be string',
    ]);
    expect(check.check(answer(404, { type: 'x', status: 'gone' }, '/things/t1', 'application/problem+json'))[0]).toMatch(
      /\/status must be integer/,
    );
  });

  it('matches a literal path before a template', () => {
    expect(check.check(answer(200, [], '/things/mine'))).toEqual([]);
  });

  it('fails an answer with a body the document gives no schema, unless the operation is a known gap', () => {
    expect(new Conformance(doc, []).check(answer(200, { a: 1 }, '/bare'))).toEqual([
      'GET /bare answered 200 with a body (application/json; charset=utf-8), but the document declares none',
    ]);
    expect(check.check(answer(200, { a: 1 }, '/bare'))).toEqual([]);
  });

  it('ignores what is not an operation of the document (health, metrics)', () => {
    expect(check.check(answer(200, 'ok', '/health/live', 'text/plain'))).toEqual([]);
  });

  it("lists as known gaps exactly the gateway's operations without a response schema (the list only shrinks)", async () => {
    const served = (await (await fetch(`${e2e.gateway}/docs/openapi.json`)).json()) as OpenApiDocument;
    // An operation that gained its schema leaves the list (and is checked from then on); one without
    // a schema that is not on the list is a new gap, which this refuses.
    expect(operationsWithoutSchema(served).sort()).toEqual([...KNOWN_SCHEMA_GAPS].sort());
  });

  it('lists as known status gaps only answers the document does not list yet (the list only shrinks)', async () => {
    const served = (await (await fetch(`${e2e.gateway}/docs/openapi.json`)).json()) as OpenApiDocument;
    // An entry whose operation is gone or whose status is now documented must leave the list.
    const stale = KNOWN_STATUS_GAPS.filter((gap) => {
      const [method, path, status] = gap.split(' ') as [string, string, string];
      const op = served.paths[path]?.[method.toLowerCase()];
      return !op || op.responses?.[status] !== undefined;
    });
    expect(stale).toEqual([]);
  });
});
