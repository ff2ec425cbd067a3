// Every answer the e2e suite gets from the gateway is checked against the operation's response in the
// gateway's own OpenAPI document (/docs/openapi.json): the status is documented, the content type is
// one the document names, and the body is valid against its schema (ajv, JSON Schema 2020-12 as
// OpenAPI 3.1 uses it). Violations are collected here and fail the spec that caused them
// (e2e/support/conformance-hook.ts, after each test).
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/**
 * Operations whose success answer the document gives no schema: none since every table entry with a
 * body names its answer (issue 17). An answer of one listed here would be let through; any other
 * operation's answer without a documented schema is a violation. The conformance spec checks this list
 * against the document, so it can only shrink.
 */
export const KNOWN_SCHEMA_GAPS: readonly string[] = [];

/**
 * Answers an operation gives that its document does not list (`METHOD /path status`): none, each
 * entry's problems are in the route table. Let through while listed; the conformance spec fails on an
 * entry whose status the document has come to list, so the list only shrinks.
 */
export const KNOWN_STATUS_GAPS: readonly string[] = [];

interface MediaType {
  schema?: unknown;
}
interface Response {
  content?: Record<string, MediaType>;
}
interface Operation {
  responses?: Record<string, Response>;
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: unknown;
}

export interface Answer {
  method: string;
  /** The path with its query string, as requested. */
  path: string;
  status: number;
  contentType: string | null;
  /** The parsed JSON body, or the text of any other, or undefined when empty. */
  body: unknown;
}

/** The operations of a document whose success answers carry no schema (`METHOD /path`). */
export function operationsWithoutSchema(doc: OpenApiDocument): string[] {
  const out: string[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const successes = Object.entries(op.responses ?? {}).filter(([status]) => status.startsWith('2'));
      const bare = successes.some(([status, r]) => status !== '204' && !Object.values(r.content ?? {}).some((m) => m.schema !== undefined));
      if (bare) out.push(`${method.toUpperCase()} ${path}`);
    }
  }
  return out;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const escape = (token: string) => token.replaceAll('~', '~0').replaceAll('/', '~1');

/** Checks answers against one OpenAPI document. */
export class Conformance {
  private readonly ajv = addFormats(new Ajv2020({ strict: false, allErrors: true, validateSchema: false }));
  private readonly templates: { method: string; path: string; pattern: RegExp; params: number }[] = [];

  constructor(
    private readonly doc: OpenApiDocument,
    private readonly knownGaps: readonly string[] = KNOWN_SCHEMA_GAPS,
    private readonly knownStatusGaps: readonly string[] = KNOWN_STATUS_GAPS,
  ) {
    this.ajv.addSchema(doc, 'openapi');
    for (const [path, item] of Object.entries(doc.paths)) {
      const source = path.split(/\{[^}]+\}/).map((s) => s.replace(/[.*+?^$()|[\]\\]/g, '\\$&'));
      const pattern = new RegExp(`^${source.join('[^/]+')}$`);
      for (const method of Object.keys(item)) this.templates.push({ method, path, pattern, params: source.length - 1 });
    }
    // A literal path wins over a template (`/members/flagged` before `/members/{id}`).
    this.templates.sort((a, b) => a.params - b.params);
  }

  /** The documented operation a request reaches, or undefined (not an operation of the document). */
  operationOf(method: string, path: string): { method: string; path: string } | undefined {
    const bare = path.split('?')[0];
    const m = method.toLowerCase();
    return this.templates.find((t) => t.method === m && t.pattern.test(bare));
  }

  /** What is wrong with an answer, or an empty list. */
  check(answer: Answer): string[] {
    const found = this.operationOf(answer.method, answer.path);
    if (!found) return [];
    const key = `${found.method.toUpperCase()} ${found.path}`;
    const responses = this.doc.paths[found.path][found.method].responses ?? {};
    const status = String(answer.status);
    const documented = [status, `${status[0]}XX`, 'default'].find((s) => responses[s]);
    if (!documented) {
      if (this.knownStatusGaps.includes(`${key} ${status}`)) return [];
      return [`${key} answered ${status}, which the document does not list (${Object.keys(responses).join(', ')})`];
    }
    const content = responses[documented].content;
    const empty = answer.body === undefined;
    if (!content || Object.keys(content).length === 0) {
      if (empty || this.knownGaps.includes(key)) return [];
      return [`${key} answered ${status} with a body (${answer.contentType ?? 'no content type'}), but the document declares none`];
    }
    if (empty) return [];
    const mediaType = (answer.contentType ?? '').split(';')[0].trim().toLowerCase();
    const declared = Object.keys(content).find((c) => c.toLowerCase() === mediaType || c === '*/*');
    if (!declared)
      return [`${key} answered ${status} as ${mediaType || 'no content type'}; the document says ${Object.keys(content).join(', ')}`];
    if (content[declared].schema === undefined) {
      return this.knownGaps.includes(key) ? [] : [`${key} answered ${status}: the document gives ${declared} no schema`];
    }
    const pointer = ['paths', found.path, found.method, 'responses', documented, 'content', declared, 'schema'].map(escape).join('/');
    const validate = this.ajv.getSchema(`openapi#/${pointer}`);
    if (!validate) return [`${key}: the schema at #/${pointer} does not compile`];
    if (validate(answer.body)) return [];
    const errors = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
    return [`${key} answered ${status} with a body that breaks its schema: ${errors.join('; ')}`];
  }
}

const documents = new Map<string, Promise<Conformance>>();
const violations: string[] = [];

/** Checks a gateway's answer against that gateway's document (fetched once per base URL); keeps what is wrong. */
export async function recordConformance(base: string, answer: Answer): Promise<void> {
  let conformance = documents.get(base);
  if (!conformance) {
    conformance = fetch(`${base}/docs/openapi.json`).then(async (res) => {
      if (res.status !== 200) throw new Error(`${base}/docs/openapi.json answered ${res.status}`);
      return new Conformance((await res.json()) as OpenApiDocument);
    });
    documents.set(base, conformance);
  }
  for (const problem of (await conformance).check(answer)) violations.push(`${answer.method} ${answer.path}: ${problem}`);
}

/** The violations seen since the last call, and forgets them. */
export function takeViolations(): string[] {
  return violations.splice(0, violations.length);
}
